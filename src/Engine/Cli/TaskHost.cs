using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Cli;

/// <summary>
/// Runs a task's coordinator code with the process's cluster and turns failures into CASA-like one-line
/// errors on stderr with exit code 1.
/// </summary>
public static class TaskHost
{
    /// <summary>The cluster of this process: set by Program (MPI coordinator) or a local one.</summary>
    public static ICluster Cluster { get; set; } = new LocalCluster();

    public static int Run(Action<ICluster> task)
    {
        try
        {
            task(Cluster);
            return 0;
        }
        catch (Exception e) when (e is UserError or CasacoreException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ERROR: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
}
