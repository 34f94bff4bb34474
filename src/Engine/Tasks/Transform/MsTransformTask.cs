using MmsMpi.Calibration;
using MmsMpi.Tasks.Calibration;
using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Partition;

namespace MmsMpi.Tasks.Transform;

/// <summary>Parameters of mstransform and its front ends beyond the transformations themselves.</summary>
public sealed record MsTransformParams(
    string Vis, string OutputVis, SelectionExprs Selection, TransformOptions Options, TransformTask Task = TransformTask.MsTransform,
    bool CreateMms = false, SeparationAxis SeparationAxis = SeparationAxis.Auto, string NumSubMs = "auto", bool KeepMms = true);

/// <summary>
/// mstransform on an MS or an MMS. An MMS is transformed one sub-MS per job in parallel into an MMS with the same
/// axis when its sub-MSs are self-contained for the request (ParallelDataHelper, src/Heuristics/MmsProcessing),
/// otherwise read as one MS and written as a re-partitioned MMS or a plain MS, with CASA's warnings. An MS with
/// createmms=true is partitioned first (inside the staging), then transformed per sub-MS.
/// </summary>
public sealed class MsTransformTask(TaskContext context, MsTransformParams p) : ParallelDataHelper(context)
{
    public static void Register(JobTypes types) => types.Job<TransformJob>("transform");

    /// <summary>How the output is made.</summary>
    private enum Route { Monolithic, PartitionThenParallel, Parallel, MonolithicThenPartition }

    private const string Partitioned = "partitioned.mms", Monolithic = "monolithic.ms";

    private MsTransformParams _p = p;
    private Route _route;
    private string _axisType = "";
    private SeparationAxis? _outputAxis;
    private List<TransformJob> _jobs = [];

    protected override void Initialize()
    {
        _p.Options.Validate();
        InputVis.RequireExists(_p.Vis);
        string vis = Path.GetFullPath(_p.Vis), output = InputVis.CheckOutput(_p.OutputVis);
        bool isMms;
        long bytes, rows;
        using (var ms = InputVis.OpenMs(vis))
        {
            (isMms, bytes, rows) = (ms.IsMms(), DiskUsage.Bytes(vis), ms.NRow);
            if (_p.Options.CalLibrary.Length > 0)
            {
                var tables = CalLibrary.Read(_p.Options.CalLibrary, MsCalLayout.Read(ms));
                CalibrationCheck.Terms(ms, vis, tables);
                _p = _p with { Options = _p.Options with { Calibration = tables } };
            }
        }
        var selected = MultiMs.Selected(vis, _p.Options.WithKeepFlags(_p.Selection));
        if (_p.Options.RegridMs)
        {
            // One reference epoch and one direction for every sub-MS, so they all get the same grid and Doppler
            // tracking (CASA lets each sub-MS take its own first row).
            _p = _p with { Options = _p.Options with
            {
                RefEpoch = selected.FirstTime,
                PhaseCenter = _p.Options.PhaseCenter.Trim().Length > 0 ? _p.Options.PhaseCenter : selected.FirstField.ToString(),
            } };
        }
        // CASA decides on the selection without keepflags; with keepflags (the default) that is the same selection.
        _route = isMms ? Decide(vis, _p.Options.KeepFlags ? selected : MultiMs.Selected(vis, _p.Selection)) : _p.CreateMms ? Route.PartitionThenParallel : Route.Monolithic;
        if (_route == Route.PartitionThenParallel && (_p.Options.CombineSpws || _p.Options.NSpw > 1) &&
            _p.SeparationAxis != SeparationAxis.Scan)
            throw new UserError($"Cannot create MMS using separationaxis={_p.SeparationAxis.ToString().ToLowerInvariant()} with some of the requested transformations (combinespws and nspw > 1 need separationaxis=scan)");
        var command = CommandFingerprint.Of(_p with { Vis = vis, OutputVis = output }, CommandJson.Default.MsTransformParams);
        // Only where the output's size follows from the input's (selection, channel averaging): time averaging,
        // regridding and spw combination depend on the data, and the check must refuse only what clearly cannot fit.
        var o = _p.Options;
        long estimate = o.TimeAverage || o.RegridMs || o.CombineSpws ? 0
            : (long)((double)bytes * selected.Rows / Math.Max(rows, 1) / (o.ChanAverage ? o.ChanBin.Max() : 1));
        OpenStaging(vis, output, command, estimate);
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        switch (_route)
        {
            case Route.Monolithic:
                _jobs = [new TransformJob(Vis, Stage.PathFor(Path.GetFileName(Output)), _p.Selection, _p.Options)];
                break;
            case Route.MonolithicThenPartition:
                _jobs = [new TransformJob(Vis, Stage.PathFor(Monolithic), _p.Selection, _p.Options)];
                break;
            case Route.PartitionThenParallel:
                string partitioned = Stage.PathFor(Partitioned);
                if (Stage.Done(partitioned) is null)
                {
                    var summary = new PartitionTask(Context, new PartitionOptions(Vis, partitioned, true, _p.SeparationAxis, _p.NumSubMs, "all", false, _p.Selection)).Run();
                    Stage.Record(partitioned, summary.Rows);
                }
                _axisType = MultiMs.Axis(partitioned)!.Value.AxisTypeText();
                _jobs = PerSubMs(partitioned, new SelectionExprs());
                break;
            default:
                _axisType = MmsAssembler.ReadAxisType(Vis) ?? "";
                _jobs = PerSubMs(Vis, _p.Selection);
                break;
        }
        if (_jobs.Count > 1) Logger.Info($"transforming {_jobs.Count} sub-MSs in parallel on {Cluster.Where}");
        return _jobs;
    }

    protected override OutputSummary PostExecution(IReadOnlyList<JobResult> results)
    {
        long rows = results.Sum(r => r.Rows);
        switch (_route)
        {
            case Route.Monolithic:
                if (rows == 0) throw new UserError("the data selection selects no rows");
                Publish(_jobs[0].OutputPath, Output);
                return new OutputSummary(Output, 0, rows, Clock.Elapsed.TotalSeconds);
            case Route.MonolithicThenPartition:
                string repartitioned = Stage.PathFor("repartitioned.mms");
                var summary = new PartitionTask(Context, new PartitionOptions(_jobs[0].OutputPath, repartitioned, true, _outputAxis!.Value, _p.NumSubMs, "all", false)).Run();
                Publish(repartitioned, Output);
                return summary with { OutputVis = Output, Seconds = Clock.Elapsed.TotalSeconds };
            default:
                return AssembleMms(results);
        }
    }

    /// <summary>The ParallelDataHelper decision for an MMS input (CASA's warnings logged).</summary>
    private Route Decide(string vis, SelectedData selected)
    {
        var request = new TransformRequest(_p.Task, _p.Options.CombineSpws, _p.Options.NSpw, _p.Options.TimeAverage, _p.Options.TimeSpanText,
            _p.Options.TimeBinSeconds, _p.KeepMms, selected.Spws, selected.Scans);
        ProcessingDecision decision;
        try { decision = MmsProcessing.Decide(MultiMs.Axis(vis), request, MultiMs.SubMss(vis).Select(MultiMs.Contents).ToList()); }
        catch (MmsProcessingRefused e) { throw new UserError(e.Message); }
        foreach (var w in decision.Warnings) Logger.Warn(w);
        _outputAxis = decision.OutputAxis;
        return decision.Mode switch
        {
            ProcessingMode.ParallelPerSubMs => Route.Parallel,
            ProcessingMode.MonolithicToMs => Route.Monolithic,
            _ => Route.MonolithicThenPartition,
        };
    }

    /// <summary>
    /// One job per sub-MS. Every job copies all subtables (the first written sub-MS must hold POINTING/SYSCAL
    /// whichever it is); the assembler then links the shared ones.
    /// </summary>
    private List<TransformJob> PerSubMs(string mms, SelectionExprs selection) =>
        MultiMs.SubMss(mms).Select((s, i) => new TransformJob(s, Stage.PathFor($"job{i:D4}.ms"), selection, _p.Options)).ToList();

    /// <summary>Sub-MSs whose selection is empty are dropped and the rest renumbered (as CASA).</summary>
    private OutputSummary AssembleMms(IReadOnlyList<JobResult> results)
    {
        var written = _jobs.Where((_, i) => results[i].Rows > 0).ToList();
        if (written.Count == 0) throw new UserError("the data selection selects no rows in any sub-MS");
        if (written.Count < _jobs.Count)
            Logger.Info($"{_jobs.Count - written.Count} subMSs were not created because the selection leaves them empty");
        string baseName = SubMsNaming.BaseName(Output);
        var names = written.Select((j, i) =>
        {
            var name = Stage.PathFor(SubMsNaming.Name(baseName, i));
            Directory.Move(j.OutputPath, name);
            return name;
        }).ToList();
        var built = Stage.PathFor("output.mms");
        MmsAssembler.Assemble(names, built, _axisType, consolidateSpws: false);
        Publish(built, Output);
        return new OutputSummary(Output, names.Count, results.Sum(r => r.Rows), Clock.Elapsed.TotalSeconds);
    }
}
