using NLog;
using NLog.Config;
using NLog.Targets;

namespace MmsMpi;

/// <summary>
/// NLog set up once per process: every line carries the MPI rank as its origin, like CASA's MPIServer-N
/// (rank 0 is the coordinator, "MPIClient"). Logs go to stderr so stdout stays for task output.
/// </summary>
public static class Log
{
    public static void Configure(int rank, bool verbose)
    {
        var config = new LoggingConfiguration();
        var origin = rank == 0 ? "MPIClient" : $"MPIServer-{rank}";
        var console = new ConsoleTarget("stderr")
        {
            StdErr = true,
            Layout = "${date:format=yyyy-MM-dd HH\\:mm\\:ss.fff} ${level:uppercase=true:padding=-5} " + origin + " ${logger:shortName=true}: ${message}${onexception:inner= ${exception:format=message}}",
        };
        config.AddRule(verbose ? LogLevel.Debug : LogLevel.Info, LogLevel.Fatal, console);
        LogManager.Configuration = config;
    }

    public static Logger For<T>() => LogManager.GetLogger(typeof(T).Name);

    /// <summary>Writes an unexpected exception's full trace to a file of its own (the terminal gets one line) and returns its path.</summary>
    public static string WriteTrace(Exception e)
    {
        string name = $"mmsmpi-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.trace";
        foreach (var dir in new[] { Environment.CurrentDirectory, Path.GetTempPath() })
        {
            try
            {
                string path = Path.Combine(dir, name);
                File.WriteAllText(path, $"MmsMpi {string.Join(' ', Environment.GetCommandLineArgs())}\n{e}\n");
                return path;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return "(nowhere: no writable directory)";
    }

    /// <summary>Seconds from this process's start to now (after MPI init: the rank's start-up) as a Debug line.</summary>
    public static void StartUp() =>
        LogManager.GetLogger("Process").Debug($"start-up {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds:F3} s");

    /// <summary>This process's peak resident memory (VmHWM) as a Debug line at exit; bench/compare.sh reads it per rank.</summary>
    public static void PeakMemory()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:")) : null;
        if (line is not null) LogManager.GetLogger("Process").Debug($"peak memory {long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024} MB");
    }
}
