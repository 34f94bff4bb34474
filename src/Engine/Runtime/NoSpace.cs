namespace MmsMpi.Runtime;

/// <summary>
/// A write that failed because the filesystem is full, as .NET (IOException, HResult ENOSPC) or casacore (its
/// message quotes strerror) report it; and the up-front check that refuses an output that clearly will not fit.
/// </summary>
public static class NoSpace
{
    private const int Enospc = 28;

    public static bool Is(Exception e) =>
        (e is IOException io && (io.HResult & 0xFFFF) == Enospc) ||
        e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) ||
        (e.InnerException is { } inner && Is(inner));

    /// <summary>
    /// Also casacore's short writes, which it reports as "write error ...: Success" (errno was not set) or as a
    /// failed assertion on a pwrite (its lock files): a write error while the filesystem of path has less free than
    /// a bucket or tile casacore may write at once (64 MiB) is a full disk.
    /// </summary>
    public static bool Is(Exception e, string path) =>
        Is(e) || ((e.Message.Contains("write error", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("PWRITE", StringComparison.Ordinal))
                  && FreeBytes(path) < (64 << 20));

    private static long FreeBytes(string path)
    {
        string? dir = Path.GetFullPath(path);
        while (dir is not null && !Directory.Exists(dir)) dir = Path.GetDirectoryName(dir);
        return dir is null ? long.MaxValue : new DriveInfo(dir).AvailableFreeSpace;
    }
}

public static class DiskSpace
{
    /// <summary>Refuses when the output's filesystem has less free space than the estimate (plus 5 % for tables' overheads).</summary>
    public static void Require(string output, long estimatedBytes)
    {
        if (estimatedBytes <= 0) return;
        long free = new DriveInfo(Path.GetDirectoryName(output)!).AvailableFreeSpace;
        long need = estimatedBytes + estimatedBytes / 20;
        if (free < need)
            throw new UserError($"not enough space for {output}: about {DiskUsage.Human(need)} needed, {DiskUsage.Human(free)} free");
    }
}
