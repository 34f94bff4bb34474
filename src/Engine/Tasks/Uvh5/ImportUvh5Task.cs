using MmsMpi.Hdf5;
using MmsMpi.Heuristics;
using MmsMpi.Runtime;
using MmsMpi.Uvh5;

namespace MmsMpi.Tasks.Uvh5;

/// <summary>importuvh5's parameters; CreateMms null: an MMS for several files, a plain MS for one.</summary>
public sealed record ImportUvh5Options(string Vis, string OutputVis, bool? CreateMms, SeparationAxis SeparationAxis);

/// <summary>
/// `importuvh5`: UVH5 files → an MS, or a Multi-MS with one sub-MS per file converted in parallel (one job per file),
/// all sharing the subtables the coordinator plans from every file's Header (docs/uvh5-rules.md).
/// </summary>
public sealed class ImportUvh5Task(TaskContext context, ImportUvh5Options o) : ParallelDataHelper(context)
{
    public static void Register(JobTypes types) => types.Job<ImportUvh5Job>("importuvh5");

    private IReadOnlyList<Uvh5Header> _headers = [];
    private ImportPlan _plan = null!;
    private SeparationAxis _axis;
    private bool _mms;
    private List<ImportUvh5Job> _jobs = [];

    protected override void Initialize()
    {
        var files = Uvh5Inputs.Resolve(o.Vis);
        string output = InputVis.CheckOutput(o.OutputVis);
        _headers = files.Select(ReadHeader).OrderBy(h => h.TimeJd.Min()).ThenBy(h => h.Freqs.Min()).ToList();
        _plan = ImportPlan.Of(_headers);
        _mms = o.CreateMms ?? files.Count > 1;
        if (_mms) _axis = _headers.Count > 1 ? _plan.Axis(_headers, o.SeparationAxis) : o.SeparationAxis;
        var command = CommandFingerprint.Of(o with { Vis = string.Join(",", files), OutputVis = output }, CommandJson.Default.ImportUvh5Options);
        OpenStaging(files, output, command, (long)(files.Sum(f => new FileInfo(f).Length) * 1.1));
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        var all = Enumerable.Range(0, _headers.Count).ToArray();
        _jobs = _mms
            ? all.Select(i => new ImportUvh5Job(Stage.PathFor(SubMsNaming.Name(SubMsNaming.BaseName(Output), i)), _plan, [i])).ToList()
            : [new ImportUvh5Job(Stage.PathFor(Path.GetFileName(Output)), _plan, all)];
        Logger.Info($"{_headers.Count} UVH5 file(s) → {(_mms ? $"a Multi-MS of {_jobs.Count} sub-MS(s) along '{_axis.AxisTypeText()}'" : "a plain MS")} " +
                    $"({_plan.Antennas.Length} antenna rows, {_plan.Spws.Length} spw(s), {_plan.Fields.Length} field(s)) on {Cluster.Where}");
        return _jobs;
    }

    protected override OutputSummary PostExecution(IReadOnlyList<JobResult> results)
    {
        string built = _jobs[0].OutputPath;
        if (_mms)
        {
            built = Stage.PathFor(Path.GetFileName(Output) + ".mms-ref");
            MmsAssembler.Assemble(_jobs.Select(j => j.OutputPath).ToList(), built, _axis.AxisTypeText(), consolidateSpws: false);
        }
        Publish(built, Output);
        long rows = results.Sum(r => r.Rows);
        return new OutputSummary(Output, _mms ? _jobs.Count : 0, rows, Clock.Elapsed.TotalSeconds);
    }

    private static Uvh5Header ReadHeader(string file)
    {
        try
        {
            using var f = H5File.Open(file);
            return Uvh5Header.Read(f);
        }
        catch (H5Exception e) { throw Uvh5Header.Error(file, e.Message); }
    }
}
