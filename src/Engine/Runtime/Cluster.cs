namespace MmsMpi.Runtime;

/// <summary>
/// Where jobs run: in this process one after another, or on MPI worker ranks from a dynamic queue.
/// Either way the coordinator sees the same results in job order.
/// </summary>
public interface ICluster
{
    /// <summary>Worker ranks available (0 when running without mpiexec).</summary>
    int Workers { get; }

    /// <summary>What runs the jobs, for messages: "2 worker(s)" (MPI ranks) or "2 thread(s)" (this process).</summary>
    string Where { get; }

    /// <summary>
    /// Runs the jobs; onDone is called on the coordinator as each one finishes. Once cancel is set no new job starts
    /// and the jobs not started get an interrupted result.
    /// </summary>
    IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone, CancellationToken cancel);

    /// <summary>Returns once every worker is known to be alive (before an output is published).</summary>
    void ConfirmWorkersAlive(CancellationToken cancel);
}

/// <summary>
/// No MPI: the jobs in this process, up to <c>threads</c> at once (--nthreads; default the cores), each on a thread of
/// its own, taken from the queue in order as threads come free. casacore allows two threads on two tables but not one
/// table (nor an MMS and one of its members) from two threads (casacore #1163: a segfault), so a job starts only beside
/// jobs that hold nothing it holds (<see cref="Job.MayRunBeside"/>): the sub-MS jobs of an MMS run together, the jobs
/// that all read one plain MS (partition) one after another. Results reach onDone on the calling thread, as each job
/// finishes, as from MPI workers.
/// </summary>
public sealed class LocalCluster(int threads = 1) : ICluster
{
    /// <summary>casacore recurses on deep table trees; a job gets the main thread's 8 MiB, not a thread's default.</summary>
    internal const int JobStack = 8 << 20;

    public int Workers => 0;

    public string Where => $"{Threads} thread(s)";

    /// <summary>Jobs this process runs at once.</summary>
    public int Threads { get; } = Math.Max(1, threads);

    public void ConfirmWorkersAlive(CancellationToken cancel) { }

    public IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone, CancellationToken cancel)
    {
        var results = new JobResult?[jobs.Count];
        int slots = Math.Min(Threads, Math.Max(1, jobs.Count));
        // One slot is "this process"; several are threads 1..n.
        var progress = slots == 1 ? new JobProgress(jobs.Count, 0) : new JobProgress(jobs.Count, slots, unit: "thread");
        var waiting = Enumerable.Range(0, jobs.Count).ToList();
        var running = new Dictionary<int, (int Job, RowMeter Meter, Thread Thread)>();
        using var finished = new System.Collections.Concurrent.BlockingCollection<int>();
        while (true)
        {
            for (int slot = 0; slot < slots && !cancel.IsCancellationRequested; slot++)
            {
                if (running.ContainsKey(Slot(slot, slots))) continue;
                int pick = waiting.FindIndex(j => running.Values.All(r => jobs[j].MayRunBeside(jobs[r.Job])));
                if (pick < 0) break;
                int job = waiting[pick], at = Slot(slot, slots);
                waiting.RemoveAt(pick);
                var meter = new RowMeter();
                var thread = new Thread(() =>
                {
                    results[job] = ComputeThreads.With(Threads / slots, () => JobRunner.RunSafely(jobs[job], cancel, meter));
                    finished.Add(at);
                }, JobStack) { Name = jobs[job].Name };
                running[at] = (job, meter, thread);
                progress.Started(at, jobs[job].Name);
                thread.Start();
            }
            if (running.Count == 0) break;
            if (!finished.TryTake(out int done, 100))
            {
                foreach (var (slot, r) in running) progress.RowsSoFar(slot, r.Meter.Rows);
                progress.Tick();
                continue;
            }
            var (index, _, ended) = running[done];
            running.Remove(done);
            ended.Join();
            progress.End();
            progress.Finished(done, results[index]!.Rows);
            onDone(index, results[index]!);
        }
        progress.End();
        return results.Select(r => r ?? JobResult.Failed(new OperationCanceledException())).ToList();
    }

    private static int Slot(int slot, int slots) => slots == 1 ? 0 : slot + 1;
}

public static class JobRunner
{
    /// <summary>
    /// Runs a job with its rows counted by meter, turning any exception into a failed result (the coordinator decides
    /// what to do).
    /// </summary>
    public static JobResult RunSafely(Job job, CancellationToken cancel, RowMeter meter)
    {
        if (cancel.IsCancellationRequested) return JobResult.Failed(new OperationCanceledException());
        try
        {
            return meter.Measure(() => job.Run(cancel));
        }
        catch (Exception e)
        {
            if (e is not (UserError or OperationCanceledException or Casacore.CasacoreException or IOException))
                Log.For<Job>().Error(e, $"{job.Name}: internal error");
            return JobResult.Failed(e);
        }
    }
}
