namespace MmsMpi.Runtime;

/// <summary>
/// Rows a running job has moved so far (read, flagged, written), counted by its chunk loops. Each job gets a meter of
/// its own (<see cref="JobRunner.RunSafely"/>), held in an AsyncLocal: the threads a job starts (the pipeline's reader
/// and writer) inherit it and count into it, and jobs running at once in threads of one process count apart. Progress
/// reads it from another thread (the worker's MPI thread, the one-process loop), hence the interlocked access.
/// </summary>
public sealed class RowMeter
{
    private static readonly AsyncLocal<RowMeter?> Current = new();

    private long _rows;

    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Counts rows into the calling job's meter (none outside a job: a coordinator's own reads).</summary>
    public static void Add(long rows)
    {
        if (Current.Value is { } meter) Interlocked.Add(ref meter._rows, rows);
    }

    /// <summary>Makes this the meter of the code run by body on the calling thread and every thread it starts.</summary>
    internal T Measure<T>(Func<T> body)
    {
        var outer = Current.Value;
        Current.Value = this;
        try { return body(); }
        finally { Current.Value = outer; }
    }
}
