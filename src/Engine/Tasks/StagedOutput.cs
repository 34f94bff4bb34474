namespace MmsMpi.Tasks;

/// <summary>
/// A work directory beside the output (same filesystem), so outputs appear only when complete: everything is
/// built inside it and moved to its final name at the end; on failure the whole directory is removed.
/// </summary>
public sealed class StagedOutput : IDisposable
{
    private static int _count;

    public string WorkDir { get; }

    /// <summary>A fresh work directory; unique per use, since a task may stage another inside (mstransform → partition).</summary>
    public StagedOutput(string finalPath)
    {
        WorkDir = $"{finalPath}.building-{Environment.ProcessId}-{Interlocked.Increment(ref _count)}";
        if (Directory.Exists(WorkDir)) Directory.Delete(WorkDir, recursive: true);
        Directory.CreateDirectory(WorkDir);
    }

    public string PathFor(string name) => Path.Combine(WorkDir, name);

    /// <summary>Moves a finished output from the work directory to its final path.</summary>
    public static void Publish(string builtPath, string finalPath) => Directory.Move(builtPath, finalPath);

    public void Dispose()
    {
        if (Directory.Exists(WorkDir)) Directory.Delete(WorkDir, recursive: true);
    }
}
