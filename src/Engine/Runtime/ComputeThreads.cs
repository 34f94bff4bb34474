namespace MmsMpi.Runtime;

/// <summary>
/// Threads a running job may use for its own compute (tfcrop's baselines side by side): the --nthreads of a process
/// without mpiexec shared among the jobs it runs at once, so a plain MS uses the cores and the sub-MS jobs of an MMS
/// in threads do not multiply them; one under mpiexec, where a rank stands for a core. Held in an AsyncLocal, as the
/// <see cref="RowMeter"/>: the threads a job starts inherit it.
/// </summary>
public static class ComputeThreads
{
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
}
