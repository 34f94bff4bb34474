using MmsMpi.Runtime;
using MmsMpi.Uvh5;

namespace MmsMpi.Tasks.Uvh5;

/// <summary>exportuvh5's parameters.</summary>
public sealed record ExportUvh5Options(string Vis, string OutputVis, bool PerSubMs);

/// <summary>What exportuvh5 wrote.</summary>
public sealed record ExportSummary(IReadOnlyList<string> Files, long Rows, double Seconds)
{
    public override string ToString() => Files.Count == 1
        ? $"Created {Files[0]}, {Rows} rows in {Seconds:F1} s"
        : $"Created {Files.Count} UVH5 files ({Path.GetFileName(Files[0])} …), {Rows} rows in {Seconds:F1} s";
}

/// <summary>Writes one UVH5 file from an MS (or an MMS's reference table) under a temporary name. Runs on a worker.</summary>
public sealed record ExportUvh5Job(string Vis, string OutputPath) : Job
{
    public override string Name => Path.GetFileName(Vis);

    public override IReadOnlyList<string> Holds => [Vis, OutputPath, Libraries.Hdf5];

    public override JobResult Run(CancellationToken cancel) => new(Uvh5FromMs.Write(Vis, OutputPath, cancel));
}

/// <summary>
/// `exportuvh5`: an MS or MMS → one UVH5 file, or with --per-subms one file per sub-MS (OUT.NNNN.uvh5) written in
/// parallel. Files are written under hidden temporary names and renamed when every job has finished.
/// </summary>
public sealed class ExportUvh5Task(TaskContext context, ExportUvh5Options o) : ParallelTaskHelper<ExportSummary>(context)
{
    public static void Register(JobTypes types) => types.Job<ExportUvh5Job>("exportuvh5");

    private IReadOnlyList<string> _members = [];
    private List<(string Temp, string Final)> _files = [];

    public override ExportSummary Run()
    {
        try { return base.Run(); }
        finally
        {
            foreach (var (temp, _) in _files) File.Delete(temp);
        }
    }

    protected override void Initialize()
    {
        string vis = Path.GetFullPath(o.Vis);
        if (string.IsNullOrWhiteSpace(o.OutputVis)) throw new UserError("Please specify outputvis (the UVH5 file).");
        string output = Path.GetFullPath(o.OutputVis);
        using (var ms = InputVis.OpenMs(vis)) _members = o.PerSubMs ? ms.Members() : [vis];
        if (o.PerSubMs && _members.Count == 1 && _members[0] == vis) Logger.Warn($"{o.Vis} is a plain MS: --per-subms writes one file");
        string dir = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(dir)) throw new UserError($"outputvis {o.OutputVis}: the directory {dir} does not exist");
        var finals = _members.Count == 1 && (!o.PerSubMs || _members[0] == vis) ? [output]
            : _members.Select((_, i) => Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(output)}.{i:D4}{Path.GetExtension(output)}")).ToList();
        foreach (var f in finals.Where(Path.Exists).Take(1)) throw new UserError($"Output file {f} already exists - will not overwrite it.");
        _files = finals.Select(f => (Path.Combine(dir, $".{Path.GetFileName(f)}.partial-{Environment.ProcessId}"), f)).ToList();
    }

    protected override IReadOnlyList<Job> GenerateJobs() => _members.Select((m, i) => (Job)new ExportUvh5Job(m, _files[i].Temp)).ToList();

    protected override ExportSummary PostExecution(IReadOnlyList<JobResult> results)
    {
        foreach (var (temp, final) in _files) File.Move(temp, final);
        var written = _files.Select(f => f.Final).ToList();
        _files.Clear();
        return new ExportSummary(written, results.Sum(r => r.Rows), Clock.Elapsed.TotalSeconds);
    }
}
