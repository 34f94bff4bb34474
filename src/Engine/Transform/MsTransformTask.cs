using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Runtime;
using MmsMpi.Tasks;

namespace MmsMpi.Transform;

/// <summary>Parameters of mstransform and its front ends beyond the transformations themselves.</summary>
public sealed record MsTransformParams(
    string Vis, string OutputVis, SelectionExprs Selection, TransformOptions Options, TransformTask Task = TransformTask.MsTransform,
    bool CreateMms = false, string SeparationAxis = "auto", string NumSubMs = "auto", bool KeepMms = true);

/// <summary>
/// mstransform on an MS or an MMS. An MMS is transformed one sub-MS per job in parallel into an MMS with the same
/// axis when its sub-MSs are self-contained for the request (ParallelDataHelper, src/Heuristics/MmsProcessing),
/// otherwise read as one MS and written as a re-partitioned MMS or a plain MS, with CASA's warnings. An MS with
/// createmms=true is partitioned first, then transformed per sub-MS.
/// </summary>
public sealed class MsTransformTask(ICluster cluster)
{
    private static readonly NLog.Logger Logger = Log.For<MsTransformTask>();

    public sealed record Summary(string OutputVis, int SubMss, long Rows, double Seconds);

    public Summary Run(MsTransformParams p)
    {
        var clock = Stopwatch.StartNew();
        p.Options.Validate();
        InputVis.RequireExists(p.Vis);
        string vis = Path.GetFullPath(p.Vis);
        string output = InputVis.CheckOutput(p.OutputVis);
        bool isMms;
        using (var ms = InputVis.OpenMs(vis)) isMms = ms.IsMms();
        using var stage = new StagedOutput(output);
        if (p.Options.RegridMs)
        {
            // One reference epoch and one direction for every sub-MS, so they all get the same grid and Doppler
            // tracking (CASA lets each sub-MS take its own first row).
            var first = MultiMs.Selected(vis, p.Options.WithKeepFlags(p.Selection));
            p = p with { Options = p.Options with
            {
                RefEpoch = first.FirstTime,
                PhaseCenter = p.Options.PhaseCenter.Trim().Length > 0 ? p.Options.PhaseCenter : first.FirstField.ToString(),
            } };
        }

        if (isMms) return TransformMms(vis, output, p, stage, clock);
        if (p.CreateMms)
        {
            if ((p.Options.CombineSpws || p.Options.NSpw > 1) && !p.SeparationAxis.Trim().Equals("scan", StringComparison.OrdinalIgnoreCase))
                throw new UserError($"Cannot create MMS using separationaxis={p.SeparationAxis} with some of the requested transformations (combinespws and nspw > 1 need separationaxis=scan)");
            var partitioned = stage.PathFor("partitioned.mms");
            new PartitionTask(cluster).Run(new PartitionOptions(vis, partitioned, true, p.SeparationAxis, p.NumSubMs, "all", false, p.Selection));
            return Parallel(partitioned, MultiMs.Axis(partitioned)!.Value.AxisTypeText(), output, p with { Selection = new SelectionExprs() }, stage, clock);
        }
        return Monolithic(vis, output, p, stage, clock);
    }

    private Summary TransformMms(string vis, string output, MsTransformParams p, StagedOutput stage, Stopwatch clock)
    {
        var (spws, scans, _, _) = MultiMs.Selected(vis, p.Selection);
        var request = new TransformRequest(p.Task, p.Options.CombineSpws, p.Options.NSpw, p.Options.TimeAverage, p.Options.TimeSpanText, p.Options.TimeBinSeconds,
            p.KeepMms, spws, scans);
        ProcessingDecision decision;
        try { decision = MmsProcessing.Decide(MultiMs.Axis(vis), request, MultiMs.SubMss(vis).Select(MultiMs.Contents).ToList()); }
        catch (MmsProcessingRefused e) { throw new UserError(e.Message); }
        foreach (var w in decision.Warnings) Logger.Warn(w);
        switch (decision.Mode)
        {
            case ProcessingMode.ParallelPerSubMs:
                return Parallel(vis, MmsAssembler.ReadAxisType(vis) ?? "", output, p, stage, clock);
            case ProcessingMode.MonolithicToMs:
                return Monolithic(vis, output, p, stage, clock);
            default:
                var whole = stage.PathFor("monolithic.ms");
                RunJobs([new TransformJob(vis, whole, p.Selection, p.Options)]);
                var summary = new PartitionTask(cluster).Run(new PartitionOptions(whole, output, true, decision.OutputAxis!.Value.ToString(), p.NumSubMs, "all", false));
                return new Summary(output, summary.SubMss, summary.Rows, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// One job per sub-MS; sub-MSs whose selection is empty are dropped and the rest renumbered (as CASA). Every job
    /// copies all subtables (the first written sub-MS must hold POINTING/SYSCAL whichever it is); the assembler then
    /// links the shared ones.
    /// </summary>
    private Summary Parallel(string mms, string axisType, string output, MsTransformParams p, StagedOutput stage, Stopwatch clock)
    {
        var subs = MultiMs.SubMss(mms);
        string baseName = SubMsNaming.BaseName(output);
        var jobs = subs.Select((s, i) => new TransformJob(s, stage.PathFor($"job{i:D4}.ms"), p.Selection, p.Options)).ToList();
        Logger.Info($"transforming {jobs.Count} sub-MSs in parallel on {Math.Max(1, cluster.Workers)} worker(s)");
        var results = RunJobs(jobs);
        var written = jobs.Where((_, i) => results[i].Rows > 0).ToList();
        if (written.Count == 0) throw new UserError("the data selection selects no rows in any sub-MS");
        if (written.Count < jobs.Count)
            Logger.Info($"{jobs.Count - written.Count} subMSs were not created because the selection leaves them empty");
        var names = written.Select((j, i) =>
        {
            var name = stage.PathFor(SubMsNaming.Name(baseName, i));
            Directory.Move(j.OutputPath, name);
            return name;
        }).ToList();
        var built = stage.PathFor("output.mms");
        MmsAssembler.Assemble(names, built, axisType, consolidateSpws: false);
        StagedOutput.Publish(built, output);
        return new Summary(output, names.Count, results.Sum(r => r.Rows), clock.Elapsed.TotalSeconds);
    }

    private Summary Monolithic(string vis, string output, MsTransformParams p, StagedOutput stage, Stopwatch clock)
    {
        var built = stage.PathFor(Path.GetFileName(output));
        var result = RunJobs([new TransformJob(vis, built, p.Selection, p.Options)])[0];
        if (result.Rows == 0) throw new UserError("the data selection selects no rows");
        StagedOutput.Publish(built, output);
        return new Summary(output, 0, result.Rows, clock.Elapsed.TotalSeconds);
    }

    private IReadOnlyList<JobResult> RunJobs(IReadOnlyList<Job> jobs)
    {
        int done = 0;
        var results = cluster.Run(jobs, (i, r) => Logger.Info(r.Error is null ? $"job {++done}/{jobs.Count} done ({r.Rows} rows)" : $"job {i} failed: {r.Error}"));
        var failed = results.FirstOrDefault(r => r.Error is not null);
        if (failed is not null) throw new UserError(failed.Error!);
        return results;
    }
}
