using System.CommandLine;
using MmsMpi;
using MmsMpi.Cli;
using MmsMpi.Mpi;
using MmsMpi.Runtime;

// Without mpiexec the whole command runs in this process. Under mpiexec, rank 0 parses the command and
// coordinates; every other rank serves jobs until rank 0 is done.
bool verbose = Environment.GetEnvironmentVariable("MMSMPI_DEBUG") == "1";
// Every run of a task writes a log file; asking for help or the version does not.
bool logFile = args.Length > 0 && !args.Any(a => a is "--help" or "-h" or "-?" or "--version");
JobWire.Use(TaskCommands.JobTypes());
Interruption.Install();
if (!MpiBackend.LaunchedByMpiexec)
{
    Log.Configure(0, verbose, logFile);
    CasacoreMessages.Install(worker: false);
    Log.StartUp();
    AppDomain.CurrentDomain.UnhandledException += (_, e) => LastResort(e.ExceptionObject as Exception, 0);
    try { return Invoke(args); }
    finally { Log.PeakMemory(); }
}

using var comm = MpiBackend.Init();
Log.Configure(comm.Rank, verbose, logFile);
CasacoreMessages.Install(worker: comm.Rank != 0);
Log.StartUp();
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    LastResort(e.ExceptionObject as Exception, comm.Rank);
    comm.Abort(1);
};
if (comm.Rank != 0)
{
    Worker.Serve(comm);
    Log.PeakMemory();
    return 0;
}
if (comm.Size == 1)
{
    // A job of one rank has no workers: rank 0 runs the jobs itself, as without mpiexec (they were all "interrupted").
    try { return Invoke(args); }
    finally { Log.PeakMemory(); }
}
var cluster = new MpiCluster(comm);
TaskHost.Cluster = cluster;
try
{
    return Invoke(args);
}
finally
{
    cluster.StopWorkers();
    Log.PeakMemory();
}

static int Invoke(string[] args)
{
    var root = new RootCommand("MmsMpi: MPI-parallel Multi-MS engine for radio-interferometry MeasurementSets") { Options.NThreads };
    foreach (var command in TaskCommands.All())
        root.Add(command);
    foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new VersionAction();
    var parsed = root.Parse(args);
    // A parameter given twice would silently keep one of its values (a second "--vis" without a value was ignored).
    var repeated = parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
        .Where(o => o.IdentifierTokenCount > 1 && o.Option.Arity.MaximumNumberOfValues == 1).Select(o => $"{o.Option.Name} is given more than once").ToList();
    // System.CommandLine's own error text is several lines without our ERROR: form; the usage hint follows ours.
    if (parsed.Errors.Count > 0 || repeated.Count > 0)
    {
        TaskHost.Fail(string.Join("; ", parsed.Errors.Select(e => e.Message).Concat(repeated)), 1);
        Console.Error.WriteLine($"usage: MmsMpi {(parsed.CommandResult.Command is RootCommand ? "TASK" : parsed.CommandResult.Command.Name)} --help");
        return 1;
    }
    int nthreads = parsed.GetValue(Options.NThreads);
    if (nthreads < 1) return TaskHost.Fail($"--nthreads must be at least 1 (got {nthreads})", 1);
    if (TaskHost.Cluster is LocalCluster) TaskHost.Cluster = new LocalCluster(nthreads);
    return parsed.Invoke();
}

// An exception outside any task's handler (a thread of the runtime): one line, the trace in a file.
static void LastResort(Exception? e, int rank) =>
    Console.Error.WriteLine($"ERROR: internal error on rank {rank}: {e?.Message} (the full trace is in {(e is null ? "nowhere" : Log.WriteTrace(e))}){Log.FileHint}");
