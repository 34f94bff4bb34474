using System.Diagnostics;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// One step of the pipeline (DP3 style): chunks in, chunks out; Finish flushes what the step still holds. A step
/// either passes its input on (returns it) or replaces it; a replaced input goes back to the pool as soon as Process
/// has returned, so a step must not keep references into its input chunk (it copies what it holds on to).
/// </summary>
public interface IVisStep
{
    /// <summary>
    /// DP3's updateInfo: the spectral axis of each DDI after this step, from the one before it. The output's
    /// SPECTRAL_WINDOW is written from what the last step returns. Default: the channels are kept.
    /// </summary>
    SpectralInfo UpdateInfo(SpectralInfo input) => input;

    IEnumerable<VisChunk> Process(VisChunk chunk);

    IEnumerable<VisChunk> Finish() => [];
}

/// <summary>
/// Runs chunks through the steps in order and hands what comes out to the writer, with reading, the steps and
/// writing on three threads joined by bounded queues (DP3 writes in a thread of its own; here the reader has one
/// too): while the steps work on chunk n the reader fills chunk n+1 and the writer stores chunk n−1, so a job takes
/// about as long as its slowest stage instead of the sum of all three. The reader and the writer touch different
/// tables (input and output), each from one thread only, which casacore allows. The queues hold
/// <see cref="Depth"/> chunks each, which bounds the memory in flight; every chunk is released to the pool once
/// written.
/// </summary>
public sealed class Pipeline(IReadOnlyList<IVisStep> steps, VisWriter writer)
{
    private const int Depth = 2;

    /// <summary>Busy seconds of each stage (DP3's profile): the slowest one sets the job's time.</summary>
    public (double Read, double Steps, double Write) Busy => (_read.Elapsed.TotalSeconds, _steps.Elapsed.TotalSeconds, _write.Elapsed.TotalSeconds);

    private readonly Stopwatch _read = new(), _steps = new(), _write = new();

    /// <summary>
    /// Runs the chunks through; a cancel request stops every stage after its current chunk (OperationCanceledException).
    /// The steps get the job's compute threads less the reader's and the writer's (at least one): on two cores, two
    /// more threads for the steps' row blocks only added 10–20 % CPU, and each chunk waited for its slowest block
    /// while four threads took turns on two cores.
    /// </summary>
    public void Run(IEnumerable<VisChunk> input, CancellationToken cancel = default) =>
        ComputeThreads.With(Math.Max(1, ComputeThreads.ForThisJob - 2), () => RunStages(input, cancel));

    private void RunStages(IEnumerable<VisChunk> input, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var fromReader = new BlockingCollection<VisChunk>(Depth);
        using var toWriter = new BlockingCollection<VisChunk>(Depth);
        var reading = Stage(() =>
        {
            try
            {
                using var chunks = input.GetEnumerator();
                while (Timed(_read, chunks.MoveNext))
                {
                    RowMeter.Add(chunks.Current.NRow);
                    fromReader.Add(chunks.Current, stop.Token);
                }
            }
            finally { fromReader.CompleteAdding(); }
        }, stop);
        var writing = Stage(() =>
        {
            foreach (var chunk in toWriter.GetConsumingEnumerable(stop.Token))
            {
                _write.Start();
                writer.Write(chunk);
                _write.Stop();
                chunk.Release();
            }
        }, stop);
        Exception? failure = null;
        try
        {
            foreach (var chunk in fromReader.GetConsumingEnumerable(stop.Token)) Push(chunk, 0, toWriter, stop.Token);
            reading.Wait();   // a reader that failed ended its queue early: its error, not a short output
            for (int s = 0; s < steps.Count; s++)
                foreach (var rest in steps[s].Finish()) Push(rest, s + 1, toWriter, stop.Token);
        }
        catch (Exception e) when (e is AggregateException || (e is OperationCanceledException && stop.IsCancellationRequested))
        {
            // another stage failed (and cancelled this one): its exception is collected below
        }
        catch (Exception e)
        {
            failure = e;
            stop.Cancel();
        }
        toWriter.CompleteAdding();
        try { Task.WaitAll(reading, writing); }
        catch (AggregateException e) { failure ??= FirstCause(e); }
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        cancel.ThrowIfCancellationRequested();
    }

    /// <summary>A stage on a thread of its own; its failure stops the others.</summary>
    private static Task Stage(Action body, CancellationTokenSource stop) => Task.Factory.StartNew(() =>
    {
        try { body(); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { throw; }
        catch
        {
            stop.Cancel();
            throw;
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static bool Timed(Stopwatch clock, Func<bool> work)
    {
        clock.Start();
        try { return work(); }
        finally { clock.Stop(); }
    }

    /// <summary>The failure that stopped the stages, as thrown (a UserError stays one), not the cancellations it caused.</summary>
    private static Exception FirstCause(AggregateException e)
    {
        var all = e.Flatten().InnerExceptions;
        return all.FirstOrDefault(x => x is not OperationCanceledException) ?? all[0];
    }

    private void Push(VisChunk chunk, int step, BlockingCollection<VisChunk> toWriter, CancellationToken stop)
    {
        if (step == steps.Count)
        {
            _steps.Start();
            writer.Prepare(chunk);
            _steps.Stop();
            toWriter.Add(chunk, stop);
            return;
        }
        bool passedOn = false;
        _steps.Start();
        foreach (var next in steps[step].Process(chunk))
        {
            passedOn |= ReferenceEquals(next, chunk);
            _steps.Stop();
            Push(next, step + 1, toWriter, stop);
            _steps.Start();
        }
        _steps.Stop();
        if (!passedOn) chunk.Release();
    }
}
