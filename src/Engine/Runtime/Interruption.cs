using System.Runtime.InteropServices;

namespace MmsMpi.Runtime;

/// <summary>
/// SIGINT and SIGTERM as a request to stop: jobs stop after their current chunk, nothing is published, the staging
/// stays resumable, and the process exits 128 + the signal (130, 143). Under mpiexec, Open MPI forwards SIGTERM to
/// every rank for either signal; a signal to rank 0 alone reaches the workers through rank 0 (it stops waiting and
/// aborts the job after a grace period).
/// </summary>
public static class Interruption
{
    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];
    private static int _signal;

    public static CancellationToken Token => Source.Token;

    /// <summary>The signal that asked to stop (SIGINT when the stop came without one, e.g. a cancelled test).</summary>
    public static int Signal => _signal == 0 ? 2 : _signal;

    /// <summary>The exit code of an interrupted run: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).</summary>
    public static int ExitCode => 128 + Signal;
    /// <summary>Installs the handlers (instead of .NET's default, which ends the process before cleanup is decided).</summary>
    public static void Install()
    {
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; Request(2); }));
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Request(15); }));
    }

    public static void Request(int signal)
    {
        Interlocked.CompareExchange(ref _signal, signal, 0);
        Source.Cancel();
    }

}

/// <summary>The run stopped on a signal; the CLI prints its message and exits 128 + the signal (130, 143).</summary>
public sealed class InterruptedError(int signal, string hint = "rerun with --resume to continue") : Exception($"interrupted ({hint})")
{
    public int ExitCode => 128 + signal;
}
