using MmsMpi.Casacore;
using MmsMpi.Runtime;
using MmsMpi.Simulation;

namespace MmsMpi.Cli;

/// <summary>
/// Runs every command's coordinator code with the process's cluster and turns failures into CASA-like one-line
/// errors on stderr: exit 1 for an input or I/O error, 128 + signal for an interrupted run, and for anything else
/// "internal error" with the file that holds the full trace. No stack trace ever reaches the terminal.
/// </summary>
public static class TaskHost
{
    /// <summary>The cluster of this process: set by Program (MPI coordinator) or a local one.</summary>
    public static ICluster Cluster { get; set; } = new LocalCluster();

    public static int Run(Action<TaskContext> task, bool resume = false)
    {
        try
        {
            task(new TaskContext(Cluster, resume, Interruption.Token));
            return 0;
        }
        catch (InterruptedError e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (Exception e) when (e is UserError or SimulationException)
        {
            return Fail(e.Message, 1);
        }
        catch (Exception e) when (NoSpace.Is(e))
        {
            return Fail($"no space left on device ({e.Message.Split('\n')[0].Trim()})", 1);
        }
        catch (Exception e) when (e is CasacoreException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message, 1);
        }
        catch (Exception e)
        {
            return Fail($"internal error: {e.Message} (the full trace is in {Log.WriteTrace(e)})", 1);
        }
    }

    /// <summary>Prints the one ERROR line; returns the exit code.</summary>
    public static int Fail(string message, int exitCode)
    {
        Log.FileOnlyLine("TaskHost", NLog.LogLevel.Error, OneLine(message));
        Console.Error.WriteLine($"ERROR: {OneLine(message)}{Log.FileHint}");
        return exitCode;
    }

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
}
