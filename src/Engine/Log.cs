using System.Collections.Concurrent;
using NLog;
using NLog.Config;
using NLog.Targets;

namespace MmsMpi;

/// <summary>
/// NLog set up once per process: every line carries the MPI rank as its origin, like CASA's MPIServer-N (rank 0 is
/// the coordinator, "MPIClient"). The terminal (stderr, so stdout stays for task output) gets rank 0's lines and the
/// workers' warnings and errors; the run's log file, written by rank 0 alone, gets every line of every rank at debug
/// level, the workers' handed over through MPI (a worker's node may not see the file).
/// </summary>
public static class Log
{
    /// <summary>Loggers whose lines go to the file only: the lines a worker handed over (written as they came; the
    /// worker printed what the terminal needs itself), and the ERROR line the terminal got from the CLI directly.</summary>
    private const string FileOnly = "File.";

    /// <summary>This run's log file (rank 0 or a run without mpiexec, once <see cref="Configure"/> made one); null otherwise.</summary>
    public static string? FilePath { get; private set; }

    /// <param name="logFile">whether this run writes a log file (not for --help or --version)</param>
    public static void Configure(int rank, bool verbose, bool logFile)
    {
        var config = new LoggingConfiguration();
        var layout = Line(rank == 0 ? "MPIClient" : $"MPIServer-{rank}");
        var console = new ConsoleTarget("stderr") { StdErr = true, Layout = layout };
        FilePath = rank == 0 && logFile ? RunLog.Create() : null;
        // Without a log file (--version under mpiexec) the file-only lines go nowhere, not to the terminal.
        Target file = FilePath is null ? new NullTarget("nowhere")
            : new FileTarget("file") { FileName = FilePath, Layout = AsForwarded(layout), KeepFileOpen = true, AutoFlush = true };
        config.AddRule(new LoggingRule(FileOnly + "*", LogLevel.Trace, LogLevel.Fatal, file) { Final = true });
        if (FilePath is not null) config.AddRule(LogLevel.Debug, LogLevel.Fatal, file);
        if (rank != 0) config.AddRule(LogLevel.Debug, LogLevel.Fatal, new WorkerLines.Queue { Layout = layout });
        config.AddRule(verbose ? LogLevel.Debug : rank == 0 ? LogLevel.Info : LogLevel.Warn, LogLevel.Fatal, console);
        LogManager.Configuration = config;
        if (FilePath is null) return;
        LogManager.GetLogger("Log").Info($"full log in {FilePath}");
        FileOnlyLine("Command", LogLevel.Info, $"MmsMpi {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}");
    }

    /// <summary>
    /// A line: time, level, origin, the logger's short name, the message and an exception's message. A method, not
    /// NLog's layout text: parsing that sets each renderer's options by reflection, ~15 ms of every rank's start-up.
    /// </summary>
    private static NLog.Layouts.Layout Line(string origin) => NLog.Layouts.Layout.FromMethod(e =>
    {
        string logger = e.LoggerName ?? "";
        return $"{e.TimeStamp:yyyy-MM-dd HH:mm:ss.fff} {e.Level.Name.ToUpperInvariant(),-5} {origin} {logger[(logger.LastIndexOf('.') + 1)..]}: " +
               $"{e.FormattedMessage}{(e.Exception is null ? "" : " " + e.Exception.Message)}";
    }, NLog.Layouts.LayoutRenderOptions.ThreadAgnostic);

    /// <summary>A forwarded line as the worker formatted it, any other event in the given layout.</summary>
    private static NLog.Layouts.Layout AsForwarded(NLog.Layouts.Layout own) =>
        NLog.Layouts.Layout.FromMethod(e => e.Properties.TryGetValue("line", out var line) && line is string text ? text : own.Render(e));

    public static Logger For<T>() => LogManager.GetLogger(typeof(T).Name);

    /// <summary>Writes lines a worker handed over into the log file, as the worker formatted them.</summary>
    public static void WriteForwarded(IEnumerable<string> lines)
    {
        var logger = LogManager.GetLogger(FileOnly + "Forwarded");
        foreach (var line in lines)
            logger.Log(new LogEventInfo(LogLevel.Info, logger.Name, "") { Properties = { ["line"] = line } });
    }

    /// <summary>Writes a line the terminal got otherwise (the ERROR line) into the log file.</summary>
    /// <param name="origin">the logger name the line shows</param>
    public static void FileOnlyLine(string origin, LogLevel level, string message) => LogManager.GetLogger(FileOnly + origin).Log(level, message);

    /// <summary>" (log: PATH)" for an ERROR line, or nothing when this run has no log file.</summary>
    public static string FileHint => FilePath is null ? "" : $" (log: {FilePath})";

    /// <summary>Writes an unexpected exception's full trace to a file of its own next to the logs (the terminal gets one line) and returns its path.</summary>
    public static string WriteTrace(Exception e)
    {
        string name = $"mmsmpi-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.trace";
        foreach (var dir in RunLog.Directories())
        {
            try
            {
                Directory.CreateDirectory(dir);
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

/// <summary>
/// Where a run's log goes, as CASA's casa-YYYYMMDD-HHMMSS.log but outside the working directory (a run must not
/// leave files where it is started): MMSMPI_LOG_DIR, else $XDG_STATE_HOME/mmsmpi, else ~/.local/state/mmsmpi, else
/// the temporary directory. The process id keeps runs started in the same second apart.
/// </summary>
public static class RunLog
{
    public static IEnumerable<string> Directories()
    {
        if (Environment.GetEnvironmentVariable("MMSMPI_LOG_DIR") is { Length: > 0 } dir) yield return dir;
        else
        {
            string? state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (!string.IsNullOrEmpty(state)) yield return Path.Combine(state, "mmsmpi");
            else if (home.Length > 0) yield return Path.Combine(home, ".local", "state", "mmsmpi");
        }
        yield return Path.Combine(Path.GetTempPath(), $"mmsmpi-{Environment.UserName}");
    }

    /// <summary>A new log file's path in the first directory that can be written, or null when none can.</summary>
    public static string? Create()
    {
        string name = $"mmsmpi-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log";
        foreach (var dir in Directories())
        {
            try
            {
                Directory.CreateDirectory(dir);
                string path = Path.Combine(dir, name);
                File.WriteAllText(path, "");
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return null;
    }
}

/// <summary>A worker's log lines waiting to be handed to rank 0 (the worker's MPI thread sends them).</summary>
public static class WorkerLines
{
    private static readonly ConcurrentQueue<string> Pending = new();

    /// <summary>The NLog target that formats a worker's lines and queues them.</summary>
    internal sealed class Queue : TargetWithLayout
    {
        protected override void Write(LogEventInfo logEvent) => Pending.Enqueue(RenderLogEvent(Layout, logEvent));
    }

    /// <summary>Takes every line logged since the last call.</summary>
    public static List<string> Take()
    {
        var lines = new List<string>();
        while (Pending.TryDequeue(out var line)) lines.Add(line);
        return lines;
    }
}
