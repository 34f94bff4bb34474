namespace MmsMpi.Runtime;

/// <summary>
/// Where jobs run: in this process one after another, or on MPI worker ranks from a dynamic queue.
/// Either way the coordinator sees the same results in job order.
/// </summary>
public interface ICluster
{
    /// <summary>Worker ranks available (0 when running without mpiexec).</summary>
    int Workers { get; }

    /// <summary>Runs every job; onDone is called on the coordinator as each one finishes.</summary>
    IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone);
}

/// <summary>No MPI: the same jobs, sequentially, in this process.</summary>
public sealed class LocalCluster : ICluster
{
    public int Workers => 0;

    public IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone)
    {
        var results = new JobResult[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            results[i] = JobRunner.RunSafely(jobs[i]);
            onDone(i, results[i]);
        }
        return results;
    }
}

public static class JobRunner
{
    /// <summary>Runs a job, turning any exception into a failed result (the coordinator decides what to do).</summary>
    public static JobResult RunSafely(Job job)
    {
        try
        {
            return job.Run();
        }
        catch (Exception e)
        {
            return JobResult.Failed(e);
        }
    }
}
