using System.CommandLine;
using MmsMpi;
using MmsMpi.Cli;
using MmsMpi.Mpi;
using MmsMpi.Runtime;

// Without mpiexec the whole command runs in this process. Under mpiexec, rank 0 parses the command and
// coordinates; every other rank serves jobs until rank 0 is done.
bool verbose = Environment.GetEnvironmentVariable("MMSMPI_DEBUG") == "1";
if (!MpiComm.LaunchedByMpiexec)
{
    Log.Configure(0, verbose);
    Log.StartUp();
    try { return Invoke(args); }
    finally { Log.PeakMemory(); }
}

using var comm = MpiComm.Init();
Log.Configure(comm.Rank, verbose);
Log.StartUp();
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Error.WriteLine($"ERROR: rank {comm.Rank}: {(e.ExceptionObject as Exception)?.Message}");
    comm.Abort(1);
};
if (comm.Rank != 0)
{
    Worker.Serve(comm);
    Log.PeakMemory();
    return 0;
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
    var root = new RootCommand("MmsMpi: MPI-parallel Multi-MS engine for radio-interferometry MeasurementSets");
    foreach (var command in TaskCommands.All())
        root.Add(command);
    return root.Parse(args).Invoke();
}
