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
}
