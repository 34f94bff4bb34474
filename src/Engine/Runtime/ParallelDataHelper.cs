namespace MmsMpi.Runtime;

/// <summary>What a task that wrote a new MS or MMS reports (the CLI's "Created ..." line).</summary>
public sealed record OutputSummary(string OutputVis, int SubMss, long Rows, double Seconds)
{
    public override string ToString() => SubMss > 0
        ? $"Created {OutputVis} with {SubMss} sub-MSs, {Rows} rows in {Seconds:F1} s"
        : $"Created {OutputVis} (plain MS), {Rows} rows in {Seconds:F1} s";
}

/// <summary>
/// The design document's ParallelDataHelper: the part of the cycle shared by tasks that write a new MS from an MS or
/// MMS (partition, mstransform and its front ends). Initialize checks the output (absolute, not existing, not inside
/// the input nor containing it, room on its filesystem) and opens its staging; completed jobs go into the staging's
/// ledger, so --resume skips them; postExecution publishes by one rename once every worker is known alive. The
/// staging stays after an interruption (resumable) or a full disk with completed jobs; any other failure removes it.
/// </summary>
public abstract class ParallelDataHelper(TaskContext context) : ParallelTaskHelper<OutputSummary>(context)
{
    private Staging? _stage;

    protected string Vis { get; private set; } = "";

    protected string Output { get; private set; } = "";

    protected Staging Stage => _stage ?? throw new InvalidOperationException("the staging is opened in Initialize");

    public override OutputSummary Run()
    {
        try
        {
            var summary = base.Run();
            _stage?.Discard();
            return summary;
        }
        catch (Exception e) when (NoSpace.Is(e, Output))
        {
            if (_stage is { Resumable: false }) _stage.Discard();
            throw new UserError($"no space left on device writing {Output}");
        }
        catch (Exception e) when (e is not InterruptedError)
        {
            _stage?.Discard();
            throw;
        }
        finally
        {
            _stage?.Dispose();
        }
    }

    /// <summary>
    /// Checks where the output is and opens the staging for this command; output: as InputVis.CheckOutput returned it
    /// (tasks check it first, before reading the input); estimatedBytes: the output's expected size.
    /// </summary>
    protected void OpenStaging(string vis, string output, IReadOnlyDictionary<string, string> command, long estimatedBytes) =>
        OpenStaging([vis], output, command, estimatedBytes);

    /// <summary>The same for a task that reads several inputs (MSs or files; Vis is the first).</summary>
    protected void OpenStaging(IReadOnlyList<string> inputs, string output, IReadOnlyDictionary<string, string> command, long estimatedBytes)
    {
        var full = inputs.Select(Path.GetFullPath).ToList();
        Vis = full[0];
        Output = output;
        foreach (var input in full) Containment.CheckOutputPlacement(input, Output);
        var parameters = new Dictionary<string, string>(command) { ["task"] = TaskName, ["input modified"] = InputStamp(full) };
        // A resumed run already holds part of the output: the estimate of the whole would refuse what fits.
        if (!Directory.Exists(Staging.DirFor(Output))) DiskSpace.Require(Output, estimatedBytes);
        _stage = Staging.Begin(Output, parameters, TaskName, Context.Resume);
    }

    protected override JobResult? Kept(Job job) =>
        job is IOutputJob o && Stage.Done(o.OutputPath) is long rows ? new JobResult(rows) : null;

    protected override void Completed(Job job, JobResult result)
    {
        if (job is IOutputJob o && Directory.Exists(o.OutputPath)) Stage.Record(o.OutputPath, result.Rows);
    }

    /// <summary>Moves the built output to its final name: only when no stop was asked and every worker is alive.</summary>
    protected void Publish(string built, string final)
    {
        ThrowIfInterrupted();
        Cluster.ConfirmWorkersAlive(Context.Cancel);
        ThrowIfInterrupted();
        Staging.Publish(built, final);
    }

    /// <summary>
    /// The inputs' latest file change: a resumed run must read the same data as the run it continues. casacore's
    /// table.lock files change when a table is merely opened, so they do not count.
    /// </summary>
    private static string InputStamp(IEnumerable<string> inputs) =>
        inputs.SelectMany(i => File.Exists(i) ? [new FileInfo(i)]
                : new DirectoryInfo(i).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true }))
            .Where(f => f.Name != "table.lock").Select(f => f.LastWriteTimeUtc).DefaultIfEmpty().Max().ToString("O");
}
