using MmsMpi.Mpi;

namespace MmsMpi.Runtime;

/// <summary>Message tags between the coordinator (rank 0) and the workers.</summary>
internal static class Tags
{
    public const int Job = 1;
    public const int Result = 2;
    public const int Stop = 3;
    public const int Ping = 4;
}

/// <summary>
/// Rank 0's view of an MPI job: a dynamic queue that hands the next job to whichever worker is idle (as CASA's
/// MPICommandClient does), and collects results in job order. All MPI calls happen on the calling thread.
/// </summary>
public sealed class MpiCluster(IMessagePassing comm) : ICluster
{
    private static readonly NLog.Logger Logger = Log.For<MpiCluster>();

    public int Workers => comm.Size - 1;

    /// <summary>How long rank 0 waits for busy workers after a stop request before it aborts the whole job.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public IReadOnlyList<JobResult> Run(IReadOnlyList<Job> jobs, Action<int, JobResult> onDone, CancellationToken cancel)
    {
        var results = new JobResult?[jobs.Count];
        var progress = new JobProgress(jobs.Count, Workers);
        int next = 0, running = 0;
        for (int worker = 1; worker <= Workers && next < jobs.Count; worker++, running++)
            Send(worker, next++, jobs, progress);
        DateTime? stopAsked = null;
        while (running > 0)
        {
            if (cancel.IsCancellationRequested)
            {
                stopAsked ??= DateTime.UtcNow;
                // The workers stop after their current chunk when the signal reached them too (mpiexec forwards it);
                // when only rank 0 was signalled they would run their jobs to the end: end the job instead.
                if (DateTime.UtcNow - stopAsked > Grace)
                {
                    Logger.Warn($"{running} worker(s) still busy {Grace.TotalSeconds:F0} s after the stop request: aborting the MPI job");
                    comm.Abort(Interruption.ExitCode);
                }
            }
            progress.Tick();
            var message = Idle.TryReceive(comm, IMessagePassing.Any, Tags.Result, out int from, TimeSpan.FromMilliseconds(200));
            if (message is null) continue;
            var reply = JobWire.Decode<WorkerReply>(message);
            running--;
            progress.Finished(from, reply.Result.Rows);
            results[reply.JobIndex] = reply.Result;
            progress.End();
            onDone(reply.JobIndex, reply.Result);
            if (next < jobs.Count && !cancel.IsCancellationRequested) { Send(from, next++, jobs, progress); running++; }
        }
        progress.End();
        return results.Select(r => r ?? JobResult.Failed(new OperationCanceledException())).ToList();
    }

    /// <summary>
    /// Every worker answers a ping before rank 0 publishes: a worker that died after its last result (kill -9, a lost
    /// node) makes mpiexec end the job while rank 0 waits here, so nothing is published by a job that fails.
    /// </summary>
    public void ConfirmWorkersAlive(CancellationToken cancel)
    {
        for (int worker = 1; worker <= Workers; worker++) comm.Send([], worker, Tags.Ping);
        for (int answered = 0; answered < Workers;)
        {
            if (Idle.TryReceive(comm, IMessagePassing.Any, Tags.Ping, out _, TimeSpan.FromMilliseconds(200)) is not null) answered++;
            else if (cancel.IsCancellationRequested) throw new InterruptedError(Interruption.Signal);
        }
    }

    /// <summary>Tells every worker to leave its loop; called once when the coordinator is done.</summary>
    public void StopWorkers()
    {
        for (int worker = 1; worker <= Workers; worker++) comm.Send([], worker, Tags.Stop);
    }

    private void Send(int worker, int index, IReadOnlyList<Job> jobs, JobProgress progress)
    {
        Logger.Debug($"job {index} → rank {worker}");
        progress.Started(worker, jobs[index].Name);
        comm.Send(JobWire.Encode(new JobRequest(index, jobs[index])), worker, Tags.Job);
    }
}

/// <summary>
/// Waiting for a message without spinning: MPI's blocking receive busy-polls a core, which on a small node takes
/// the core a worker needs (measured: a 1-worker partition ran 2.5× slower). Poll, then sleep a millisecond.
/// </summary>
internal static class Idle
{
    public static byte[] Receive(IMessagePassing comm, int source, int tag, out int from, out int gotTag)
    {
        while (!comm.TryProbe(source, tag, out from, out gotTag)) Thread.Sleep(1);
        return comm.Receive(from, gotTag, out from, out gotTag);
    }

    /// <summary>The next message, or null when none came within the timeout (the coordinator then checks for a stop).</summary>
    public static byte[]? TryReceive(IMessagePassing comm, int source, int tag, out int from, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        int gotTag;
        while (!comm.TryProbe(source, tag, out from, out gotTag))
        {
            if (DateTime.UtcNow > until) return null;
            Thread.Sleep(1);
        }
        return comm.Receive(from, gotTag, out from, out _);
    }
}

internal sealed record JobRequest(int JobIndex, Job Job);

internal sealed record WorkerReply(int JobIndex, JobResult Result);

/// <summary>A worker rank: runs the jobs rank 0 sends until it is told to stop.</summary>
public static class Worker
{
    public static void Serve(IMessagePassing comm)
    {
        var logger = Log.For<MpiCluster>();
        logger.Info($"worker rank {comm.Rank} of {comm.Size} on host {comm.ProcessorName} ({comm.Backend})");
        while (true)
        {
            var message = Idle.Receive(comm, 0, IMessagePassing.Any, out _, out int tag);
            if (tag == Tags.Stop) return;
            if (tag == Tags.Ping) { comm.Send([], 0, Tags.Ping); continue; }
            var request = JobWire.Decode<JobRequest>(message);
            var result = JobRunner.RunSafely(request.Job, Interruption.Token);
            comm.Send(JobWire.Encode(new WorkerReply(request.JobIndex, result)), 0, Tags.Result);
        }
    }
}
