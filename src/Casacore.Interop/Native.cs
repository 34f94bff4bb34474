using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>Element type codes shared with the C++ shim (shim.h, CsType).</summary>
public enum CasaType
{
    Bool = 0,
    Int = 1,
    Float = 2,
    Double = 3,
    Complex = 4,
    Int64 = 5,
    String = 6,
}

/// <summary>A single-precision complex visibility, laid out as casacore's Complex (two floats).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ComplexF(float Re, float Im);

/// <summary>The casacore library the shim was built against.</summary>
public static class CasacoreLibrary
{
    public static string Version => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.cs_casacore_version()) ?? "unknown";
}

/// <summary>
/// casacore's log messages handed to the caller instead of printed on stderr: <see cref="RouteTo"/> once, before the
/// first casacore call that may log. Messages come from whichever thread casacore runs on.
/// </summary>
public static unsafe class CasacoreLog
{
    /// <summary>casacore's LogMessage priorities that matter to a caller.</summary>
    public const int Normal = 8, Warn = 9, Severe = 10;

    private static Action<int, string, string> _handler = (_, _, _) => { };

    public static void RouteTo(Action<int, string, string> handler)
    {
        _handler = handler;
        Native.Check(Native.cs_log_to(&Post));
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void Post(int priority, byte* origin, byte* message)
    {
        // An exception must not unwind into casacore.
        try
        {
            _handler(priority, System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)origin) ?? "",
                System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)message) ?? "");
        }
        catch
        {
        }
    }
}

/// <summary>Raised when casacore reports an error; the message is casacore's own.</summary>
public sealed class CasacoreException(string message) : Exception(message);

/// <summary>P/Invoke declarations of libcasashim (tables.cpp and friends). Only ints, doubles, pointers cross.</summary>
internal static unsafe partial class Native
{
    private const string Lib = "casashim";

    [LibraryImport(Lib)] internal static partial nint cs_last_error();
    [LibraryImport(Lib)] internal static partial nint cs_casacore_version();
    [LibraryImport(Lib)] internal static partial int cs_log_to(delegate* unmanaged<int, byte*, byte*, void> callback);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint cs_table_open(string path, int writable);
    [LibraryImport(Lib)] internal static partial int cs_table_close(nint t);
    [LibraryImport(Lib)] internal static partial long cs_table_nrow(nint t);
    [LibraryImport(Lib)] internal static partial int cs_table_flush(nint t);
    [LibraryImport(Lib)] internal static partial long cs_table_name(nint t, byte* buf, long len);
    [LibraryImport(Lib)] internal static partial long cs_table_colnames(nint t, byte* buf, long len);
    [LibraryImport(Lib)] internal static partial long cs_table_subtables(nint t, byte* buf, long len);
    [LibraryImport(Lib)] internal static partial long cs_table_info(nint t, byte* buf, long len);
    [LibraryImport(Lib)] internal static partial long cs_table_parts(nint t, byte* buf, long len);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint cs_table_query(nint t, string command);
    [LibraryImport(Lib)] internal static partial long cs_table_rownumbers(nint t, long row0, long* rows, long n);
    [LibraryImport(Lib)] internal static partial int cs_table_add_rows(nint t, long n);
    [LibraryImport(Lib)] internal static partial int cs_table_remove_rows(nint t, long* rows, long n);
    [LibraryImport(Lib)] internal static partial int cs_table_copy_rows(nint dst, nint src, long dstStart, long srcStart, long n);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cs_table_deep_copy(nint t, string path, int noRows);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cs_table_empty_columns(nint t, string columns, string path);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long cs_table_keywords(nint t, string column, byte* buf, long len);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cs_ms_add_data_column(nint t, string col, int ncorr, int nchan);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cs_table_cell_defined(nint t, string col, long row);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_col_io(nint t, string col, long row0, long nrow, int type, void* buf, long nelem,
        int sliceNdim, long* start, long* length, long* stride, int cellNdim, long* cellShape, int write);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long cs_cell_get_array(nint t, string col, long row, int type, void* buf, long maxelem, long* shape, int maxdim, out int ndim);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_cell_put_array(nint t, string col, long row, int type, void* buf, int ndim, long* shape);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long cs_cell_get_string(nint t, string col, long row, byte* buf, long len);

    [LibraryImport(Lib)] internal static partial nint cs_msselect(nint table, nint* exprs);
    [LibraryImport(Lib)] internal static partial nint cs_sel_table(nint sel);
    [LibraryImport(Lib)] internal static partial long cs_sel_ints(nint sel, int which, int* buf, long n);
    [LibraryImport(Lib)] internal static partial int cs_sel_free(nint sel);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_ms_create_like(nint src, string path, string dropColumns, string emptySubtables, int maxCorr, int maxChan);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_ms_create_fresh(nint src, string path, string optionalColumns, string emptySubtables, int maxCorr, int maxChan);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_ms_create_new(string path, string optionalColumns, int maxCorr, int maxChan, string directionRef);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_cell_put_strings(nint t, string col, long row, byte* buf, long n);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_table_put_keyword(nint t, string column, string name, byte kind, string value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_ms_copy_runs(nint src, nint dst, long* runs, long nruns, long dstRow0, long* specs, long nspecs, string columns);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cs_mms_concat(byte* members, long len, string output);

    internal static string LastError() => Marshal.PtrToStringUTF8(cs_last_error()) ?? "unknown casacore error";

    /// <summary>Throws the shim's last error when a call returned a negative status.</summary>
    internal static long Check(long status) => status < 0 ? throw new CasacoreException(LastError()) : status;

    internal static nint CheckHandle(nint handle) => handle == 0 ? throw new CasacoreException(LastError()) : handle;

    /// <summary>Calls a shim function that fills a text buffer and returns the length it needs.</summary>
    internal static string ReadString(Func<nint, long, long> fill)
    {
        long need = Check(fill(0, 0));
        var buf = new byte[need + 1];
        fixed (byte* p = buf) Check(fill((nint)p, buf.Length));
        return System.Text.Encoding.UTF8.GetString(buf, 0, (int)need);
    }
}
