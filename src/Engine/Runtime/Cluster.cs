namespace MmsMpi.Runtime;

/// <summary>
/// Where jobs run: in this process one after another, or on MPI worker ranks from a dynamic queue.
/// Either way the coordinator sees the same results in job order.
/// </summary>
public interface ICluster
{
    /// <summary>Worker ranks available (0 when running without mpiexec).</summary>
    int Workers { get; }

    /// <summary>
    /// Runs the jobs; onDone is called on the coordinator as each one finishes. Once cancel is set no new job starts
    /// and the jobs not started get an interrupted result.
    /// </summary>
    IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone, CancellationToken cancel);

    /// <summary>Returns once every worker is known to be alive (before an output is published).</summary>
    void ConfirmWorkersAlive(CancellationToken cancel);
}

/// <summary>No MPI: the same jobs, sequentially, in this process.</summary>
public sealed class LocalCluster : ICluster
{
    public int Workers => 0;

    public void ConfirmWorkersAlive(CancellationToken cancel) { }

    public IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone, CancellationToken cancel)
    {
        var results = new JobResult[jobs.Count];
        var progress = new JobProgress(jobs.Count, 0);
        for (int i = 0; i < jobs.Count; i++)
        {
            progress.Started(0, jobs[i].Name);
            // The job runs on this thread; a timer reads its rows so far (the meter is the job's: one job at a time).
            var ticker = new Timer(_ => { progress.RowsSoFar(0, RowMeter.Rows); progress.Tick(); }, null, 100, 100);
            results[i] = JobRunner.RunSafely(jobs[i], cancel);
            ticker.DisposeAsync().AsTask().Wait();   // waits for a tick under way, so none draws after End
            progress.End();
            progress.Finished(0, results[i].Rows);
            onDone(i, results[i]);
        }
        return results;
    }
}

public static class JobRunner
{
    /// <summary>Runs a job, turning any exception into a failed result (the coordinator decides what to do).</summary>
    public static JobResult RunSafely(Job job, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested) return JobResult.Failed(new OperationCanceledException());
        try
        {
            return job.Run(cancel);
        }
        catch (Exception e)
        {
            if (e is not (UserError or OperationCanceledException or Casacore.CasacoreException or IOException))
                Log.For<Job>().Error(e, $"{job.Name}: internal error");
            return JobResult.Failed(e);
        }
    }
}
