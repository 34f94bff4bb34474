using System.Runtime.ExceptionServices;

namespace MmsMpi.Runtime;

/// <summary>
/// Threads a running job may use for its own compute (tfcrop's baselines side by side, mstransform's steps over row
/// blocks): the --nthreads of a process without mpiexec shared among the jobs it runs at once, so a plain MS uses the
/// cores and the sub-MS jobs of an MMS in threads do not multiply them; one under mpiexec, where a rank stands for a
/// core. Held in an AsyncLocal, as the <see cref="RowMeter"/>: the threads a job starts inherit it.
/// </summary>
public static class ComputeThreads
{
    /// <summary>
    /// Cells (visibilities) below which a block is not worth a thread: handing a block to the thread pool costs some
    /// microseconds, a kernel does about a cell a nanosecond.
    /// </summary>
    public const int MinBlockCells = 1 << 15;

    private static readonly AsyncLocal<int> Current = new();

    /// <summary>The calling job's threads (1 outside a job, and for the jobs of an MPI worker).</summary>
    public static int ForThisJob => Math.Max(1, Current.Value);

    /// <summary>Runs body with <paramref name="threads"/> as the job's compute threads.</summary>
    internal static T With<T>(int threads, Func<T> body)
    {
        int outer = Current.Value;
        Current.Value = threads;
        try { return body(); }
        finally { Current.Value = outer; }
    }

    internal static void With(int threads, Action body) => With(threads, () =>
    {
        body();
        return 0;
    });

    /// <summary>
    /// Runs <paramref name="block"/>(start, count) over items 0..count−1 cut into contiguous blocks, one per compute
    /// thread, side by side; on the calling thread alone when the job has one thread or the items are too few
    /// (<paramref name="cellsEach"/> cells each) to be worth more. The blocks must write disjoint outputs; each one's
    /// items run in order, so a kernel gives the same values however the items are cut.
    /// </summary>
    public static void ForBlocks(int count, int cellsEach, Action<int, int> block)
    {
        long cells = (long)count * Math.Max(1, cellsEach);
        int blocks = (int)Math.Min(Math.Min(ForThisJob, count), Math.Max(1, cells / MinBlockCells));
        if (blocks <= 1)
        {
            if (count > 0) block(0, count);
            return;
        }
        try
        {
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks }, b =>
            {
                int start = (int)((long)count * b / blocks), end = (int)((long)count * (b + 1) / blocks);
                block(start, end - start);
            });
        }
        catch (AggregateException e)
        {
            // the block's own exception, as the one-thread path throws it (a UserError stays one)
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
    }
}
