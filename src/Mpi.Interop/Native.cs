using System.Runtime.InteropServices;

namespace MmsMpi.Mpi;

/// <summary>
/// P/Invoke declarations of libmpishim (native/mpishim.c, built against Open MPI). Only ints, doubles and pointers
/// cross; -1 = any source/tag.
/// </summary>
internal static unsafe partial class Native
{
    private const string Lib = "mpishim";

    [LibraryImport(Lib)] internal static partial int mshim_init(out int provided);
    [LibraryImport(Lib)] internal static partial int mshim_finalize();
    [LibraryImport(Lib)] internal static partial int mshim_initialized(out int flag);
    [LibraryImport(Lib)] internal static partial int mshim_finalized(out int flag);
    [LibraryImport(Lib)] internal static partial int mshim_rank(out int rank);
    [LibraryImport(Lib)] internal static partial int mshim_size(out int size);
    [LibraryImport(Lib)] internal static partial int mshim_send(byte* buf, int count, int dest, int tag);
    [LibraryImport(Lib)] internal static partial int mshim_probe(int source, int tag, out int gotSource, out int gotTag, out long count);
    [LibraryImport(Lib)] internal static partial int mshim_iprobe(int source, int tag, out int flag, out int gotSource, out int gotTag, out long count);
    [LibraryImport(Lib)] internal static partial int mshim_recv(byte* buf, int count, int source, int tag);
    [LibraryImport(Lib)] internal static partial int mshim_barrier();
    [LibraryImport(Lib)] internal static partial int mshim_bcast(byte* buf, int count, int root);
    [LibraryImport(Lib)] internal static partial int mshim_abort(int code);
    [LibraryImport(Lib)] internal static partial double mshim_wtime();
    [LibraryImport(Lib)] internal static partial int mshim_processor_name(byte* buf, int len);
    [LibraryImport(Lib)] internal static partial int mshim_error_string(int code, byte* buf, int len);

    internal delegate int StringReader(byte* buf, int len);

    /// <summary>Reads a string the shim copies into a caller buffer (returning its length, or -1).</summary>
    internal static string? ReadString(StringReader read)
    {
        const int size = 1024; // >= MPI_MAX_ERROR_STRING and MPI_MAX_PROCESSOR_NAME of Open MPI and MPICH
        byte* buf = stackalloc byte[size];
        int n = read(buf, size);
        return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buf, n);
    }
}

/// <summary>The few libc calls that must happen before libmpi is loaded (environment that .NET cannot reach, global dlopen).</summary>
internal static partial class Libc
{
    private const string Lib = "libc.so.6";
    internal const int RtldNow = 2, RtldGlobal = 0x100;

    [LibraryImport(Lib, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Lib, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint DlOpen(string file, int mode);

    [LibraryImport(Lib, EntryPoint = "dlerror")]
    internal static partial nint DlError();
}
