namespace MmsMpi.Mpi;

/// <summary>
/// The MPI operations the runtime needs, over MPI_COMM_WORLD, whichever MPI started the process: byte messages with
/// tags, a non-blocking probe, abort. Source and tag accept <see cref="Any"/>. Every call must come from the thread
/// that initialised MPI (MPI_THREAD_FUNNELED), except <see cref="Abort"/>, the last resort.
/// </summary>
public interface IMessagePassing : IDisposable
{
    /// <summary>Wildcard for a source rank or tag (MPI_ANY_SOURCE, MPI_ANY_TAG).</summary>
    const int Any = -1;

    int Rank { get; }

    int Size { get; }

    /// <summary>MPI_Get_processor_name: the host this rank runs on.</summary>
    string ProcessorName { get; }

    /// <summary>The binding and MPI library in use, e.g. "MPI.NET 1.4 on MPICH 4.0.2".</summary>
    string Backend { get; }

    /// <summary>Sends data as one message (MPI_Send).</summary>
    void Send(ReadOnlySpan<byte> data, int dest, int tag);

    /// <summary>MPI_Iprobe: whether a matching message is pending, with its source and tag.</summary>
    bool TryProbe(int source, int tag, out int fromRank, out int gotTag);

    /// <summary>Waits for a matching message and returns its bytes.</summary>
    byte[] Receive(int source, int tag, out int fromRank, out int gotTag);

    /// <summary>Ends every rank of the job with the exit code (MPI_Abort); callable from any thread.</summary>
    void Abort(int code);
}
