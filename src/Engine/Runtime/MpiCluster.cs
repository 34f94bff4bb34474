using MmsMpi.Mpi;

namespace MmsMpi.Runtime;

/// <summary>Message tags between the coordinator (rank 0) and the workers.</summary>
internal static class Tags
{
    public const int Job = 1;
    public const int Result = 2;
    public const int Stop = 3;
    public const int Ping = 4;

    /// <summary>A worker's rows so far in its running job (8 bytes).</summary>
    public const int Rows = 5;

    /// <summary>A worker's log lines for the run's log file (UTF-8, one per line).</summary>
    public const int LogLines = 6;
}

/// <summary>
/// Rank 0's view of an MPI job: a dynamic queue that hands the next job to whichever worker is idle (as CASA's
/// MPICommandClient does), and collects results in job order. All MPI calls happen on the calling thread.
/// </summary>
public sealed class MpiCluster(IMessagePassing comm) : ICluster
{
    private static readonly NLog.Logger Logger = Log.For<MpiCluster>();

    public int Workers => comm.Size - 1;

    public string Where => $"{Workers} worker(s)";

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
            var message = Idle.TryReceive(comm, IMessagePassing.Any, IMessagePassing.Any, out int from, out int tag, TimeSpan.FromMilliseconds(200));
            if (message is null || Reported(message, from, tag, progress)) continue;
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
            var message = Idle.TryReceive(comm, IMessagePassing.Any, IMessagePassing.Any, out int from, out int tag, TimeSpan.FromMilliseconds(200));
            if (message is not null && !Reported(message, from, tag, null) && tag == Tags.Ping) answered++;
            else if (message is null && cancel.IsCancellationRequested) throw new InterruptedError(Interruption.Signal);
        }
    }

    /// <summary>
    /// Tells every worker to leave its loop; called once when the coordinator is done. Each answers after its last log
    /// lines, so the log file is complete; a worker that does not answer within a few seconds is not waited for.
    /// </summary>
    public void StopWorkers()
    {
        for (int worker = 1; worker <= Workers; worker++) comm.Send([], worker, Tags.Stop);
        var until = DateTime.UtcNow + Grace;
        for (int stopped = 0; stopped < Workers && DateTime.UtcNow < until;)
        {
            var message = Idle.TryReceive(comm, IMessagePassing.Any, IMessagePassing.Any, out int from, out int tag, TimeSpan.FromMilliseconds(200));
            if (message is not null && !Reported(message, from, tag, null) && tag == Tags.Stop) stopped++;
        }
    }

    /// <summary>Takes in a worker's report on the side (rows so far, log lines); false for a result or a ping answer.</summary>
    private static bool Reported(byte[] message, int from, int tag, JobProgress? progress)
    {
        if (tag == Tags.Rows) progress?.RowsSoFar(from, BitConverter.ToInt64(message));
        else if (tag == Tags.LogLines)
        {
            var lines = System.Text.Encoding.UTF8.GetString(message).Split('\n');
            Log.WriteForwarded(lines);
            if (lines.Any(CasacoreMessages.IsMeasuresNotice)) CasacoreMessages.SayMeasuresNotice();
        }
        else return false;
        return true;
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
    /// <summary>The next message, or null when none came within the timeout (the coordinator then checks for a stop).</summary>
    public static byte[]? TryReceive(IMessagePassing comm, int source, int tag, out int from, out int gotTag, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!comm.TryProbe(source, tag, out from, out gotTag))
        {
            if (DateTime.UtcNow > until) return null;
            Thread.Sleep(1);
        }
        return comm.Receive(from, gotTag, out from, out gotTag);
    }
}

/// <summary>A job for a worker (public for the build-time JSON metadata, <see cref="Cli.CompiledJobJson"/>).</summary>
public sealed record JobRequest(int JobIndex, Job Job);

/// <summary>A worker's result of the job it was sent.</summary>
public sealed record WorkerReply(int JobIndex, JobResult Result);

/// <summary>
/// A worker rank: runs the jobs rank 0 sends until it is told to stop. A job runs on a thread of its own while this
/// thread, the only one that talks MPI, hands rank 0 the job's rows so far every second and the log lines as they come.
/// </summary>
public static class Worker
{
    private static readonly TimeSpan RowsEvery = TimeSpan.FromSeconds(1);

    public static void Serve(IMessagePassing comm)
    {
        var logger = Log.For<MpiCluster>();
        logger.Info($"worker rank {comm.Rank} of {comm.Size} on host {comm.ProcessorName} ({comm.Backend})");
        while (true)
        {
            int from, tag;
            while (!comm.TryProbe(0, IMessagePassing.Any, out from, out tag))
            {
                SendLines(comm);
                Thread.Sleep(1);
            }
            var message = comm.Receive(from, tag, out _, out _);
            SendLines(comm);
            if (tag == Tags.Stop)
            {
                comm.Send([], 0, Tags.Stop);
                return;
            }
            if (tag == Tags.Ping) { comm.Send([], 0, Tags.Ping); continue; }
            var request = JobWire.Decode<JobRequest>(message);
            var result = Run(comm, request.Job);
            SendLines(comm);
            comm.Send(JobWire.Encode(new WorkerReply(request.JobIndex, result)), 0, Tags.Result);
        }
    }

    private static JobResult Run(IMessagePassing comm, Job job)
    {
        JobResult? result = null;
        var meter = new RowMeter();
        var thread = new Thread(() => result = JobRunner.RunSafely(job, Interruption.Token, meter), LocalCluster.JobStack) { Name = job.Name };
        thread.Start();
        var next = DateTime.UtcNow + RowsEvery;
        while (!thread.Join(50))
        {
            SendLines(comm);
            if (DateTime.UtcNow < next) continue;
            comm.Send(BitConverter.GetBytes(meter.Rows), 0, Tags.Rows);
            next = DateTime.UtcNow + RowsEvery;
        }
        return result!;
    }

    private static void SendLines(IMessagePassing comm)
    {
        var lines = WorkerLines.Take();
        if (lines.Count > 0) comm.Send(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)), 0, Tags.LogLines);
    }
}
