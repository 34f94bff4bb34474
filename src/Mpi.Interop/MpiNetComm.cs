using System.Reflection;
using System.Runtime.InteropServices;

namespace MmsMpi.Mpi;

/// <summary>
/// MPI through MPI.NET, the binding the design card names, on MPICH-ABI libraries (MPICH, Intel MPI, MVAPICH, Cray
/// MPICH; shared/recipes/mpi-net-on-mpich.md). MPI.NET's package is built for MS-MPI, whose integer handles are
/// MPICH's: its imports of msmpi.dll are resolved to libmpich.so.12. Only byte arrays are sent, so MPI.NET never
/// reaches for its BinaryFormatter serialisation (gone from .NET 9). Open MPI's handles are pointers: use
/// <see cref="MpiComm"/> there.
/// </summary>
public sealed class MpiNetComm : IMessagePassing
{
    /// <summary>The MPICH ABI's library (its soname since MPICH 3.1, shared by the ABI-compatible MPIs).</summary>
    internal const string LibMpich = "libmpich.so.12";

    private readonly MPI.Environment _environment;
    private readonly MPI.Intracommunicator _world;
    private readonly int _thread = Environment.CurrentManagedThreadId;

    private MpiNetComm(MPI.Environment environment)
    {
        _environment = environment;
        _world = MPI.Communicator.world;
        (Rank, Size, ProcessorName) = (_world.Rank, _world.Size, MPI.Environment.ProcessorName);
    }

    public int Rank { get; }

    public int Size { get; }

    public string ProcessorName { get; }

    public string Backend => $"MPI.NET {typeof(MPI.Communicator).Assembly.GetName().Version?.ToString(2)} on {LibMpich}";

    /// <summary>Initialises MPI through MPI.NET (MPI_THREAD_FUNNELED) from the thread that will make every MPI call.</summary>
    public static MpiNetComm Init()
    {
        // As for the shim: UCX must not take the signals .NET uses for NullReferenceException (set in the native environment).
        Libc.SetEnv("UCX_ERROR_SIGNALS", "", 1);
        nint mpich;
        try { mpich = NativeLibrary.Load(LibMpich); }
        catch (DllNotFoundException e) { throw new MpiException($"cannot load {LibMpich} (install mpich): {e.Message}"); }
        NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, (name, _, _) =>
            name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase) ? mpich : 0);
        var args = Array.Empty<string>();
        var environment = new MPI.Environment(ref args, MPI.Threading.Funneled);
        if (MPI.Environment.Threading < MPI.Threading.Funneled)
            throw new MpiException("MPI does not provide MPI_THREAD_FUNNELED");
        return new MpiNetComm(environment);
    }

    public void Send(ReadOnlySpan<byte> data, int dest, int tag)
    {
        CheckThread();
        _world.Send(data.ToArray(), dest, tag);
    }

    public bool TryProbe(int source, int tag, out int fromRank, out int gotTag)
    {
        CheckThread();
        var status = _world.ImmediateProbe(Source(source), Tag(tag));
        (fromRank, gotTag) = status is null ? (0, 0) : (status.Source, status.Tag);
        return status is not null;
    }

    public byte[] Receive(int source, int tag, out int fromRank, out int gotTag)
    {
        CheckThread();
        var status = _world.Probe(Source(source), Tag(tag));
        (fromRank, gotTag) = (status.Source, status.Tag);
        var data = new byte[status.Count(typeof(byte)) ?? throw new MpiException($"a message from rank {fromRank} is not a whole number of bytes")];
        _world.Receive(fromRank, gotTag, ref data);
        return data;
    }

    public void Abort(int code) => _world.Abort(code);

    public void Dispose()
    {
        CheckThread();
        _environment.Dispose();
    }

    private static int Source(int source) => source == IMessagePassing.Any ? MPI.Communicator.anySource : source;

    private static int Tag(int tag) => tag == IMessagePassing.Any ? MPI.Communicator.anyTag : tag;

    private void CheckThread()
    {
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("MPI calls must come from the thread that initialised MPI (MPI_THREAD_FUNNELED)");
    }
}
