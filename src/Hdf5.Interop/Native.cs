using System.Runtime.InteropServices;

namespace MmsMpi.Hdf5;

/// <summary>
/// P/Invoke declarations of Debian's libhdf5 1.10 (serial). hid_t is a 64-bit id, herr_t/htri_t ints (negative:
/// failure). The library is loaded with RTLD_GLOBAL, and liblzf next to it: Debian's LZF filter plugin
/// (hdf5-plugin-lzf) is not linked against either and finds their symbols only that way
/// (shared/recipes/hdf5-from-dotnet.md).
/// </summary>
internal static unsafe partial class Native
{
    internal const string Lib = "libhdf5_serial.so.103";
    private const string LzfLib = "liblzf.so.1";

    internal const uint AccRdOnly = 0, AccRdWr = 1, AccExcl = 4;
    internal const long Default = 0, All = 0;
    internal const int ClassInteger = 0, ClassFloat = 1, ClassString = 3, ClassCompound = 6, ClassEnum = 8;
    internal const int SpaceScalar = 0, SpaceNull = 2;
    internal const uint FlagOptional = 1;
    internal const int StrNullPad = 1;
    internal const int SelectSet = 0, IndexName = 0, IterInc = 0, IdGroup = 2, LayoutChunked = 2;

    [LibraryImport(Lib)] internal static partial int H5open();
    [LibraryImport(Lib)] internal static partial int H5get_libversion(out uint major, out uint minor, out uint release);
    [LibraryImport(Lib)] internal static partial int H5Eset_auto2(long stack, nint func, nint clientData);
    [LibraryImport(Lib)] internal static partial int H5free_memory(nint buf);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Fis_hdf5(string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fopen(string name, uint flags, long fapl);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fcreate(string name, uint flags, long fcpl, long fapl);
    [LibraryImport(Lib)] internal static partial int H5Fclose(long file);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Gcreate2(long loc, string name, long lcpl, long gcpl, long gapl);
    [LibraryImport(Lib)] internal static partial int H5Gclose(long group);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Lexists(long loc, string name, long lapl);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Dopen2(long loc, string name, long dapl);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long H5Dcreate2(long loc, string name, long type, long space, long lcpl, long dcpl, long dapl);
    [LibraryImport(Lib)] internal static partial int H5Dread(long dataset, long memType, long memSpace, long fileSpace, long xfer, void* buf);
    [LibraryImport(Lib)] internal static partial int H5Dwrite(long dataset, long memType, long memSpace, long fileSpace, long xfer, void* buf);
    [LibraryImport(Lib)] internal static partial long H5Dget_space(long dataset);
    [LibraryImport(Lib)] internal static partial long H5Dget_type(long dataset);
    [LibraryImport(Lib)] internal static partial long H5Dget_create_plist(long dataset);
    [LibraryImport(Lib)] internal static partial int H5Dclose(long dataset);
    [LibraryImport(Lib)] internal static partial int H5Dvlen_reclaim(long type, long space, long plist, void* buf);
    [LibraryImport(Lib)] internal static partial int H5Sget_simple_extent_ndims(long space);
    [LibraryImport(Lib)] internal static partial int H5Sget_simple_extent_type(long space);
    [LibraryImport(Lib)] internal static partial int H5Sget_simple_extent_dims(long space, ulong* dims, ulong* maxDims);
    [LibraryImport(Lib)] internal static partial long H5Screate_simple(int rank, ulong* dims, ulong* maxDims);
    [LibraryImport(Lib)] internal static partial long H5Screate(int type);
    [LibraryImport(Lib)] internal static partial int H5Sclose(long space);
    [LibraryImport(Lib)] internal static partial long H5Tcreate(int type, nuint size);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Tinsert(long parent, string name, nuint offset, long member);
    [LibraryImport(Lib)] internal static partial long H5Tenum_create(long baseType);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Tenum_insert(long type, string name, void* value);
    [LibraryImport(Lib)] internal static partial int H5Tget_class(long type);
    [LibraryImport(Lib)] internal static partial nuint H5Tget_size(long type);
    [LibraryImport(Lib)] internal static partial int H5Tget_sign(long type);
    [LibraryImport(Lib)] internal static partial int H5Tget_nmembers(long type);
    [LibraryImport(Lib)] internal static partial nint H5Tget_member_name(long type, uint index);
    [LibraryImport(Lib)] internal static partial long H5Tget_member_type(long type, uint index);
    [LibraryImport(Lib)] internal static partial nuint H5Tget_member_offset(long type, uint index);
    [LibraryImport(Lib)] internal static partial int H5Tis_variable_str(long type);
    [LibraryImport(Lib)] internal static partial long H5Tcopy(long type);
    [LibraryImport(Lib)] internal static partial int H5Tset_size(long type, nuint size);
    [LibraryImport(Lib)] internal static partial int H5Tset_strpad(long type, int pad);
    [LibraryImport(Lib)] internal static partial int H5Tget_cset(long type);
    [LibraryImport(Lib)] internal static partial int H5Tset_cset(long type, int cset);
    [LibraryImport(Lib)] internal static partial int H5Tclose(long type);
    [LibraryImport(Lib)] internal static partial long H5Pcreate(long cls);
    [LibraryImport(Lib)] internal static partial int H5Pset_chunk(long plist, int ndims, ulong* dims);
    [LibraryImport(Lib)] internal static partial int H5Pset_filter(long plist, int filter, uint flags, nuint nValues, uint* values);
    [LibraryImport(Lib)] internal static partial int H5Pget_nfilters(long plist);
    [LibraryImport(Lib)]
    internal static partial int H5Pget_filter2(long plist, uint index, uint* flags, nuint* nValues, uint* values, nuint nameLength, byte* name, uint* config);
    [LibraryImport(Lib)] internal static partial int H5Pclose(long plist);
    [LibraryImport(Lib)] internal static partial int H5Zfilter_avail(int filter);
    [LibraryImport(Lib)] internal static partial int H5Sselect_hyperslab(long space, int op, ulong* start, ulong* stride, ulong* count, ulong* block);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Gget_info_by_name(long loc, string name, GroupInfo* info, long lapl);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint H5Lget_name_by_idx(long loc, string group, int indexType, int order, ulong n, byte* name, nuint size, long lapl);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Oopen(long loc, string name, long lapl);
    [LibraryImport(Lib)] internal static partial int H5Oclose(long obj);
    [LibraryImport(Lib)] internal static partial int H5Iget_type(long id);
    [LibraryImport(Lib)] internal static partial int H5Dread_chunk(long dataset, long xfer, ulong* offset, uint* filters, void* buf);
    [LibraryImport(Lib)] internal static partial int H5Dget_chunk_storage_size(long dataset, ulong* offset, ulong* bytes);
    [LibraryImport(Lib)] internal static partial int H5Tequal(long a, long b);
    [LibraryImport(Lib)] internal static partial int H5Pget_layout(long plist);
    [LibraryImport(Lib)] internal static partial int H5Pget_chunk(long plist, int maxDims, ulong* dims);

    /// <summary>H5G_info_t of libhdf5 1.10.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct GroupInfo
    {
        public int StorageType;
        public ulong NLinks;
        public long MaxCorder;
        public byte Mounted;
    }

    private static readonly nint Handle;

    // An explicit static constructor (not a field initializer) runs before the first call of any declaration here.
    static Native() => Handle = Load();

    /// <summary>A library global (H5T_NATIVE_FLOAT_g, ...): an id stored in libhdf5, valid once H5open has run.</summary>
    internal static long Global(string name) => *(long*)NativeLibrary.GetExport(Handle, name);

    private static nint Load()
    {
        foreach (var lib in new[] { Lib, LzfLib })
            if (Libc.DlOpen(lib, Libc.RtldNow | Libc.RtldGlobal) == 0)
                throw new H5Exception($"cannot load {lib} ({Marshal.PtrToStringUTF8(Libc.DlError())}): install libhdf5-103-1 and liblzf1 (scripts/test.sh does)");
        var handle = NativeLibrary.Load(Lib);
        H5Exception.Check(H5open(), "H5open");
        // Failures are reported by our exceptions, not printed by HDF5 onto stderr.
        H5Eset_auto2(Default, 0, 0);
        return handle;
    }
}

/// <summary>liblzf (loaded with libhdf5 for the LZF plugin): its decoder, for chunks read whole with H5Dread_chunk.</summary>
internal static unsafe partial class LzfNative
{
    [LibraryImport("liblzf.so.1")] internal static partial uint lzf_decompress(void* input, uint inputLength, void* output, uint outputLength);
}

/// <summary>The libc calls that loading libhdf5 globally needs.</summary>
internal static partial class Libc
{
    private const string Lib = "libc.so.6";
    internal const int RtldNow = 2, RtldGlobal = 0x100;

    [LibraryImport(Lib, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint DlOpen(string file, int mode);

    [LibraryImport(Lib, EntryPoint = "dlerror")]
    internal static partial nint DlError();
}

/// <summary>An HDF5 call that failed, named with what it was doing.</summary>
public sealed class H5Exception(string message) : Exception(message)
{
    internal static long Check(long status, string what) => status < 0 ? throw new H5Exception($"HDF5: {what} failed") : status;
}
