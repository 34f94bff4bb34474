using System.Diagnostics;

namespace MmsMpi.Runtime;

/// <summary>How a task runs: its cluster, whether it resumes an interrupted run, and the stop request it honours.</summary>
public sealed record TaskContext(ICluster Cluster, bool Resume = false, CancellationToken Cancel = default);

/// <summary>
/// The design document's ParallelTaskHelper cycle, which every task runs on: initialize (validate parameters and
/// inputs, absolute paths), generateJobs, executeJobs (the cluster's dynamic queue; a failure names its job), and
/// postExecution (consolidate the results; publish or finish the bookkeeping). A task object runs once.
/// </summary>
public abstract class ParallelTaskHelper<TResult>(TaskContext context)
{
    protected readonly Stopwatch Clock = new();

    protected TaskContext Context => context;

    protected ICluster Cluster => context.Cluster;

    protected NLog.Logger Logger => NLog.LogManager.GetLogger(GetType().Name);

    /// <summary>The CASA task name (PartitionTask → partition, FlagDataTask → flagdata) for messages and ledgers.</summary>
    protected string TaskName => GetType().Name.Replace("Task", "").ToLowerInvariant();

    public virtual TResult Run()
    {
        Clock.Start();
        Initialize();
        var jobs = GenerateJobs();
        var results = ExecuteJobs(jobs);
        ThrowIfInterrupted();
        return PostExecution(results);
    }

    protected abstract void Initialize();

    protected abstract IReadOnlyList<Job> GenerateJobs();

    protected abstract TResult PostExecution(IReadOnlyList<JobResult> results);

    /// <summary>A job completed by an earlier run of this command (resume), or null to run it.</summary>
    protected virtual JobResult? Kept(Job job) => null;

    /// <summary>Called on the coordinator as each job completes, before the next result is taken.</summary>
    protected virtual void Completed(Job job, JobResult result) { }

    /// <summary>What the message of an interrupted run tells the user to do.</summary>
    protected virtual string ResumeHint => "rerun with --resume to continue";

    /// <summary>
    /// Runs jobs on the cluster (those kept from an earlier run are not run again) and returns every result in job
    /// order. A stop request (signal) or an interrupted worker ends the run as interrupted; the first failed job as
    /// "NAME failed: error" (a task of one job: its error), preferring one whose error has a message.
    /// </summary>
    protected IReadOnlyList<JobResult> ExecuteJobs(IReadOnlyList<Job> jobs)
    {
        var results = new JobResult[jobs.Count];
        var todo = new List<int>();
        for (int i = 0; i < jobs.Count; i++)
            if (Kept(jobs[i]) is { } kept) results[i] = kept;
            else todo.Add(i);
        if (todo.Count < jobs.Count) Logger.Info($"{jobs.Count - todo.Count} of {jobs.Count} job(s) completed by the interrupted run are kept");
        int done = jobs.Count - todo.Count;
        long rows = 0;
        var clock = Stopwatch.StartNew();
        var ran = Cluster.Run(todo.Select(i => jobs[i]).ToList(), (k, r) =>
        {
            var job = jobs[todo[k]];
            if (r.Error is not null)
            {
                // As it happens, while the other jobs run on; a single job's error is the task's error line itself.
                if (r.InterruptedBy == 0 && jobs.Count > 1) Logger.Error($"{job.Name} failed: {r.Error}");
                return;
            }
            Completed(job, r);
            rows += r.Rows;
            Logger.Info($"{job.Name} done: job {++done}/{jobs.Count} ({rows} rows, {rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F0} rows/s)");
        }, Context.Cancel);
        for (int k = 0; k < todo.Count; k++) results[todo[k]] = ran[k];

        var interrupted = results.FirstOrDefault(r => r.InterruptedBy != 0);
        if (interrupted is not null) throw new InterruptedError(interrupted.InterruptedBy, ResumeHint);
        ThrowIfInterrupted();
        // A job can fail without a message (casacore, on a full disk that another job's write met first): the first
        // failed job that says why is the task's error.
        int failed = Array.FindIndex(results, r => !string.IsNullOrWhiteSpace(r.Error));
        if (failed < 0) failed = Array.FindIndex(results, r => r.Error is not null);
        if (failed < 0) return results;
        string name = jobs[failed].Name, why = results[failed].Error!;
        throw new UserError(string.IsNullOrWhiteSpace(why) ? $"{name} failed without a message" : jobs.Count > 1 ? $"{name} failed: {why}" : why);
    }

    /// <summary>Ends the run as interrupted when a stop was requested (called where stopping is safe).</summary>
    protected void ThrowIfInterrupted()
    {
        if (Context.Cancel.IsCancellationRequested) throw new InterruptedError(Interruption.Signal, ResumeHint);
    }
}
