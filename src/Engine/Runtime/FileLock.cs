using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MmsMpi.Runtime;

/// <summary>
/// An exclusive advisory lock on a file (flock), held by one process until disposed or until the process dies (the
/// kernel releases it, so a killed run never leaves a lock that blocks the next one). The file holds the owner's
/// description for the message of whoever is refused. .NET's own flock emulation is off (runtimeconfig
/// System.IO.DisableFileLocking) so reading that description never conflicts with the lock.
/// </summary>
public sealed partial class FileLock : IDisposable
{
    private const int LockExclusive = 2, LockNonBlocking = 4;
    private readonly SafeFileHandle _file;

    private FileLock(SafeFileHandle file) => _file = file;

    /// <summary>Takes the lock and writes owner into the file, or returns null when another process holds it.</summary>
    public static FileLock? TryAcquire(string path, string owner)
    {
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (flock((int)file.DangerousGetHandle(), LockExclusive | LockNonBlocking) != 0)
        {
            file.Dispose();
            return null;
        }
        var text = System.Text.Encoding.UTF8.GetBytes(owner + "\n");
        RandomAccess.SetLength(file, 0);
        RandomAccess.Write(file, text, 0);
        return new FileLock(file);
    }

    /// <summary>Whether some live process holds the lock at path (a lock file left by a dead one is not held).</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path)) return false;
        // Locks belong to open files, so this probe conflicts with any holder, this process's included; closing it
        // releases the probe's own lock.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return flock((int)file.DangerousGetHandle(), LockExclusive | LockNonBlocking) != 0;
    }

    /// <summary>The owner description written by the holder (empty when unreadable).</summary>
    public static string Owner(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return ""; }
    }

    /// <summary>"process 123 on host vm: partition (started 2026-12-01 12:00:00)" for this process.</summary>
    public static string Describe(string task) =>
        $"process {Environment.ProcessId} on host {Environment.MachineName}: {task} (started {DateTime.Now:yyyy-MM-dd HH:mm:ss})";

    public void Dispose() => _file.Dispose();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);
}
