using System.Runtime.InteropServices;

namespace MmsMpi.Mpi;

/// <summary>
/// MPI_COMM_WORLD of this process through our C shim, for Open MPI (whose handles are pointers, which MPI.NET cannot
/// take): point-to-point byte messages, barrier, broadcast, abort.
/// MPI is initialised with MPI_THREAD_FUNNELED: every call (including <see cref="Dispose"/>, except the last-resort
/// <see cref="Abort"/>) must come from the thread that called <see cref="Init"/>; calls from another thread throw
/// <see cref="InvalidOperationException"/>.
/// Do not <c>await</c> between MPI calls unless the continuation is known to resume on that same thread.
/// Source and tag arguments accept <see cref="Any"/> (-1) for MPI_ANY_SOURCE / MPI_ANY_TAG.
/// </summary>
public sealed unsafe class MpiComm : IMessagePassing
{
    /// <summary>Wildcard for a source rank or tag (MPI_ANY_SOURCE, MPI_ANY_TAG).</summary>
    public const int Any = IMessagePassing.Any;

    private readonly int _thread = Environment.CurrentManagedThreadId;
    private volatile bool _finalized;

    private MpiComm()
    {
        MpiException.Check(Native.mshim_rank(out int rank), "MPI_Comm_rank");
        MpiException.Check(Native.mshim_size(out int size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        ProcessorName = Native.ReadString(Native.mshim_processor_name) ?? throw new MpiException("MPI_Get_processor_name failed");
    }

    /// <summary>This process's rank in MPI_COMM_WORLD.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in MPI_COMM_WORLD.</summary>
    public int Size { get; }

    /// <summary>MPI_Get_processor_name: the host this rank runs on.</summary>
    public string ProcessorName { get; }

    public string Backend => $"MmsMpi's shim on {LibMpi}";

    /// <summary>Open MPI's library (soname of Open MPI 3 and 4).</summary>
    internal const string LibMpi = "libmpi.so.40";

    /// <summary>
    /// Initialises MPI (MPI_THREAD_FUNNELED, errors returned as codes) once per process, from the thread that will make
    /// every MPI call. Before libmpi loads it sets UCX_ERROR_SIGNALS="" through libc (so UCX does not turn .NET's
    /// NullReferenceException into a crash) and dlopens libmpi with RTLD_GLOBAL (Open MPI's plugins need its symbols).
    /// Without mpiexec, MPI starts a singleton job of size 1. To end the whole job at once when a rank throws, call
    /// <see cref="Abort"/> from an <see cref="AppDomain.UnhandledException"/> handler (otherwise mpiexec notices the
    /// crashed rank and kills the others about a second later).
    /// </summary>
    /// <exception cref="InvalidOperationException">MPI was already initialised (or finalised) in this process.</exception>
    /// <exception cref="MpiException">libmpi could not be loaded or initialised.</exception>
    public static MpiComm Init()
    {
        LoadLibMpi();
        MpiException.Check(Native.mshim_finalized(out int finalized), "MPI_Finalized");
        MpiException.Check(Native.mshim_initialized(out int initialized), "MPI_Initialized");
        if (finalized != 0 || initialized != 0)
            throw new InvalidOperationException(finalized != 0
                ? "MPI was finalised and cannot be initialised again in this process"
                : "MPI is already initialised in this process");
        MpiException.Check(Native.mshim_init(out int provided), "MPI_Init_thread");
        if (provided < 1)
            throw new MpiException("MPI does not provide MPI_THREAD_FUNNELED");
        return new MpiComm();
    }

    /// <summary>Sends <paramref name="data"/> as one message (MPI_Send; may block until the receiver has posted a matching receive).</summary>
    public void Send(ReadOnlySpan<byte> data, int dest, int tag)
    {
        CheckThread();
        fixed (byte* p = data)
            MpiException.Check(Native.mshim_send(p, data.Length, dest, tag), "MPI_Send");
    }

    /// <summary>Waits for a message matching <paramref name="source"/> and <paramref name="tag"/> (or <see cref="Any"/>) and returns its bytes in a new array.</summary>
    /// <exception cref="MpiException">The message is larger than a .NET array can hold (not sent by this binding).</exception>
    public byte[] Receive(int source, int tag, out int fromRank, out int gotTag)
    {
        int length = WaitProbe(source, tag, out fromRank, out gotTag, Array.MaxLength);
        var data = GC.AllocateUninitializedArray<byte>(length);
        ReceiveExact(data, fromRank, gotTag);
        return data;
    }

    /// <summary>
    /// Waits for a matching message and receives it into <paramref name="buffer"/>, returning its length
    /// (reusing a buffer avoids allocating and page-faulting fresh memory for every large message).
    /// </summary>
    /// <exception cref="MpiException">The message is longer than <paramref name="buffer"/>; it stays pending.</exception>
    public int Receive(Span<byte> buffer, int source, int tag, out int fromRank, out int gotTag)
    {
        int length = WaitProbe(source, tag, out fromRank, out gotTag, buffer.Length);
        ReceiveExact(buffer[..length], fromRank, gotTag);
        return length;
    }

    public bool TryProbe(int source, int tag, out int fromRank, out int gotTag) => Probe(source, tag, out fromRank, out gotTag, out _);

    /// <summary>Non-blocking probe (MPI_Iprobe): true if a matching message is pending, with its source, tag and length in bytes.</summary>
    public bool Probe(int source, int tag, out int fromRank, out int gotTag, out long length)
    {
        CheckThread();
        MpiException.Check(Native.mshim_iprobe(source, tag, out int flag, out fromRank, out gotTag, out length), "MPI_Iprobe");
        return flag != 0;
    }

    /// <summary>Blocks until every rank has called Barrier.</summary>
    public void Barrier()
    {
        CheckThread();
        MpiException.Check(Native.mshim_barrier(), "MPI_Barrier");
    }

    /// <summary>MPI_Bcast: copies <paramref name="buffer"/> of rank <paramref name="root"/> into the (same-sized) buffers of all ranks.</summary>
    public void Broadcast(Span<byte> buffer, int root)
    {
        CheckThread();
        fixed (byte* p = buffer)
            MpiException.Check(Native.mshim_bcast(p, buffer.Length, root), "MPI_Bcast");
    }

    /// <summary>Broadcasts a byte array of any length from <paramref name="root"/> (whose <paramref name="data"/> is used; others may pass null).</summary>
    public byte[] BroadcastArray(byte[]? data, int root)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        if (Rank == root)
            BitConverter.TryWriteBytes(length, (data ?? throw new ArgumentNullException(nameof(data))).Length);
        Broadcast(length, root);
        var result = Rank == root ? data! : new byte[BitConverter.ToInt32(length)];
        Broadcast(result.AsSpan(), root);
        return result;
    }

    /// <summary>Ends every rank of the job with exit code <paramref name="code"/> (MPI_Abort). May be called from any thread as a last resort.</summary>
    public void Abort(int code)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        MpiException.Check(Native.mshim_abort(code), "MPI_Abort");
    }

    /// <summary>MPI_Wtime: wall-clock seconds since an arbitrary origin.</summary>
    public double Wtime()
    {
        CheckThread();
        return Native.mshim_wtime();
    }

    /// <summary>Finalises MPI (MPI_Finalize). MPI cannot be initialised again in this process.</summary>
    public void Dispose()
    {
        if (_finalized)
            return;
        CheckThread();
        _finalized = true;
        MpiException.Check(Native.mshim_finalize(), "MPI_Finalize");
    }

    /// <summary>Loads libmpi the way MPI needs it from .NET (recipe gotchas 1 and 2); must precede any call into the shim.</summary>
    private static void LoadLibMpi()
    {
        Libc.SetEnv("UCX_ERROR_SIGNALS", "", 1);
        const string libmpi = LibMpi;
        if (Libc.DlOpen(libmpi, Libc.RtldNow | Libc.RtldGlobal) == 0)
            throw new MpiException($"cannot load {libmpi}: {Marshal.PtrToStringUTF8(Libc.DlError())}");
    }

    private int WaitProbe(int source, int tag, out int fromRank, out int gotTag, int maxLength)
    {
        CheckThread();
        MpiException.Check(Native.mshim_probe(source, tag, out fromRank, out gotTag, out long length), "MPI_Probe");
        return length <= maxLength ? (int)length
            : throw new MpiException($"message of {length} bytes from rank {fromRank} (tag {gotTag}) exceeds the {maxLength}-byte limit of the receive buffer");
    }

    private void ReceiveExact(Span<byte> buffer, int fromRank, int tag)
    {
        fixed (byte* p = buffer)
            MpiException.Check(Native.mshim_recv(p, buffer.Length, fromRank, tag), "MPI_Recv");
    }

    private void CheckThread()
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("MPI calls must come from the thread that called MpiComm.Init (MPI_THREAD_FUNNELED)");
    }
}
