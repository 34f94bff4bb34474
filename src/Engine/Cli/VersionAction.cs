using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using MmsMpi.Casacore;
using MmsMpi.Hdf5;
using MmsMpi.Mpi;

namespace MmsMpi.Cli;

/// <summary>
/// `MmsMpi --version`: the version and what it runs on (casacore, HDF5, .NET, and the MPI of this job, or both MPIs
/// and their bindings when not started by a launcher), so a bug report says it all.
/// </summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var version = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        int plus = version.IndexOf('+');
        if (plus >= 0 && version.Length > plus + 8) version = version[..(plus + 8)];   // a short commit id
        Console.WriteLine($"MmsMpi {version}");
        Console.WriteLine($"casacore {CasacoreLibrary.Version}, HDF5 {H5Library.Version}, .NET {Environment.Version}");
        if (MpiBackend.LaunchedByMpiexec)
            Console.WriteLine($"MPI: {Describe(MpiBackend.Family)} (this job)");
        else
            foreach (var family in new[] { MpiFamily.OpenMpi, MpiFamily.Mpich }) Console.WriteLine($"MPI: {Describe(family)}");
        return 0;
    }

    private static string Describe(MpiFamily family) => family == MpiFamily.Mpich
        ? $"{MpiBackend.LibraryVersion(family)} through MPI.NET {typeof(MPI.Communicator).Assembly.GetName().Version?.ToString(3)} (mpiexec.mpich, MMSMPI_MPI=mpich)"
        : $"{MpiBackend.LibraryVersion(family)} through MmsMpi's shim (mpiexec.openmpi)";
}
