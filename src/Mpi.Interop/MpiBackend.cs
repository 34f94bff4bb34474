namespace MmsMpi.Mpi;

/// <summary>The MPI family of this process, from the launcher that started it.</summary>
public enum MpiFamily
{
    OpenMpi,
    Mpich,
}

/// <summary>
/// Picks the MPI binding for the launcher that started the process: Open MPI's mpiexec (OMPI_* variables, or PMIx)
/// → our shim (<see cref="MpiComm"/>); MPICH's hydra or a PMI-1/2 launcher such as srun --mpi=pmi2 (PMI_RANK) →
/// MPI.NET (<see cref="MpiNetComm"/>). MMSMPI_MPI=openmpi|mpich overrides the guess.
/// </summary>
public static class MpiBackend
{
    /// <summary>Environment variables through which mpiexec (Open MPI, MPICH hydra, PMIx) hands a rank its job.</summary>
    private static readonly string[] LauncherVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK"];

    /// <summary>True when this process was started by an MPI launcher (its environment carries the job's rank information).</summary>
    public static bool LaunchedByMpiexec => LauncherVariables.Any(Has);

    /// <summary>The family the ranks of this job use.</summary>
    public static MpiFamily Family => Environment.GetEnvironmentVariable("MMSMPI_MPI") switch
    {
        "openmpi" => MpiFamily.OpenMpi,
        "mpich" => MpiFamily.Mpich,
        { Length: > 0 } other => throw new MpiException($"MMSMPI_MPI={other}: use openmpi or mpich"),
        _ => Has("OMPI_COMM_WORLD_SIZE") || Has("PMIX_RANK") ? MpiFamily.OpenMpi
            : Has("PMI_RANK") || Has("PMI_SIZE") ? MpiFamily.Mpich : MpiFamily.OpenMpi,
    };

    /// <summary>Initialises MPI with the binding of <see cref="Family"/>.</summary>
    public static IMessagePassing Init() => Family == MpiFamily.Mpich ? MpiNetComm.Init() : MpiComm.Init();

    /// <summary>
    /// The name and version from MPI_Get_library_version of the family's library (callable before MPI_Init), or why
    /// it cannot be had (the library is not installed).
    /// </summary>
    public static unsafe string LibraryVersion(MpiFamily family)
    {
        string lib = family == MpiFamily.Mpich ? MpiNetComm.LibMpich : MpiComm.LibMpi;
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(lib, out nint handle)) return $"{lib} not found";
        var get = (delegate* unmanaged<byte*, int*, int>)System.Runtime.InteropServices.NativeLibrary.GetExport(handle, "MPI_Get_library_version");
        // MPI_MAX_LIBRARY_VERSION_STRING: 256 in Open MPI, 8192 in MPICH.
        var buffer = new byte[8192];
        int length;
        fixed (byte* b = buffer)
            if (get(b, &length) != 0) return $"{lib}: MPI_Get_library_version failed";
        // "Open MPI v4.1.4, package: ..." and "MPICH Version:\t4.0.2\n...": the name and version.
        string first = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n', ',')[0].Replace("Version:", "");
        return string.Join(' ', first.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool Has(string variable) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable));
}
