namespace MmsMpi.Runtime;

/// <summary>
/// Rows the running job has moved so far (read, flagged, written), counted by its chunk loop: a process runs one job
/// at a time, so one counter per process is the job's. Progress reads it from another thread (the worker's MPI
/// thread, the one-process ticker), hence the interlocked access.
/// </summary>
public static class RowMeter
{
    private static long _rows;

    public static long Rows => Interlocked.Read(ref _rows);

    public static void Add(long rows) => Interlocked.Add(ref _rows, rows);

    /// <summary>Called as a job starts.</summary>
    public static void Reset() => Interlocked.Exchange(ref _rows, 0);
}
