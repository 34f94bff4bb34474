using System.Runtime.InteropServices;

namespace MmsMpi.Hdf5;

/// <summary>An open HDF5 file: datasets and groups by path ("Header/Nbls"). Not thread safe (libhdf5 serial).</summary>
public sealed class H5File : IDisposable
{
    /// <summary>h5py's LZF filter (hdf5-plugin-lzf): pyuvdata compresses flags and nsamples with it.</summary>
    public const int LzfFilter = 32000;

    private long _id;

    public string Path { get; }

    private H5File(long id, string path) => (_id, Path) = (id, path);

    /// <summary>Whether path is an HDF5 file (false for any other file; a missing file throws).</summary>
    public static bool IsHdf5(string path) =>
        H5Exception.Check(Native.H5Fis_hdf5(path), $"H5Fis_hdf5 of {path}") > 0;

    public static H5File Open(string path, bool writable = false) =>
        new(H5Exception.Check(Native.H5Fopen(path, writable ? Native.AccRdWr : Native.AccRdOnly, Native.Default), $"opening {path}"), path);

    /// <summary>Creates a new file; an existing file is an error.</summary>
    public static H5File Create(string path) =>
        new(H5Exception.Check(Native.H5Fcreate(path, Native.AccExcl, Native.Default, Native.Default), $"creating {path}"), path);

    /// <summary>Whether the group or dataset exists (every component of the path).</summary>
    public bool Exists(string name)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 1; i <= parts.Length; i++)
            if (Native.H5Lexists(Id, string.Join('/', parts[..i]), Native.Default) <= 0) return false;
        return true;
    }

    public void CreateGroup(string name) =>
        Native.H5Gclose(H5Exception.Check(Native.H5Gcreate2(Id, name, Native.Default, Native.Default, Native.Default), $"creating group {name} in {Path}"));

    public H5Dataset Dataset(string name) =>
        new(H5Exception.Check(Native.H5Dopen2(Id, name, Native.Default), $"opening dataset {name} in {Path}"), name, Path);

    /// <summary>
    /// Writes a new dataset of the given dims from data in memType (a scalar for no dims), optionally chunked and LZF
    /// compressed. The filter must be available: without it HDF5 would silently store the data uncompressed.
    /// </summary>
    public unsafe void Write<T>(string name, ReadOnlySpan<T> data, ulong[] dims, long memType, ulong[]? lzfChunk = null) where T : unmanaged
    {
        ulong count = dims.Aggregate(1UL, (a, d) => a * d);
        if ((ulong)(data.Length * sizeof(T)) != count * Native.H5Tget_size(memType))
            throw new ArgumentException($"{name}: {data.Length} values of {sizeof(T)} bytes for dims [{string.Join(",", dims)}] of {Native.H5Tget_size(memType)}-byte elements");
        long space = dims.Length == 0 ? Native.H5Screate(Native.SpaceScalar) : CreateSpace(dims);
        long dcpl = H5Exception.Check(Native.H5Pcreate(Native.Global("H5P_CLS_DATASET_CREATE_ID_g")), "H5Pcreate");
        try
        {
            if (lzfChunk is not null)
            {
                if (Native.H5Zfilter_avail(LzfFilter) <= 0)
                    throw new H5Exception($"HDF5: the LZF filter ({LzfFilter}) is not available to write {name}: install hdf5-plugin-lzf");
                fixed (ulong* c = lzfChunk) H5Exception.Check(Native.H5Pset_chunk(dcpl, lzfChunk.Length, c), $"chunking {name}");
                H5Exception.Check(Native.H5Pset_filter(dcpl, LzfFilter, Native.FlagOptional, 0, null), $"setting LZF on {name}");
            }
            long ds = H5Exception.Check(Native.H5Dcreate2(Id, name, memType, space, Native.Default, dcpl, Native.Default), $"creating dataset {name} in {Path}");
            try
            {
                fixed (T* p = data) H5Exception.Check(Native.H5Dwrite(ds, memType, Native.All, Native.All, Native.Default, p), $"writing {name} in {Path}");
            }
            finally { Native.H5Dclose(ds); }
        }
        finally
        {
            Native.H5Pclose(dcpl);
            Native.H5Sclose(space);
        }
    }

    /// <summary>Writes a fixed-length string dataset (h5py's np.bytes_, as pyuvdata writes its strings).</summary>
    public void WriteString(string name, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        long type = H5Types.FixedString(bytes.Length);
        try { Write<byte>(name, bytes.Length == 0 ? [0] : bytes, [], type); }
        finally { H5Types.Close(type); }
    }

    private static unsafe long CreateSpace(ulong[] dims)
    {
        fixed (ulong* d = dims) return H5Exception.Check(Native.H5Screate_simple(dims.Length, d, null), "H5Screate_simple");
    }

    private long Id => _id != 0 ? _id : throw new ObjectDisposedException(nameof(H5File));

    public void Dispose()
    {
        if (_id == 0) return;
        Native.H5Fclose(_id);
        _id = 0;
    }
}

/// <summary>An open dataset: its dims, file type and filters, and whole reads into caller buffers.</summary>
public sealed class H5Dataset : IDisposable
{
    private long _id;
    private readonly string _where;

    public string Name { get; }
    public ulong[] Dims { get; }
    public H5TypeInfo Type { get; }

    /// <summary>Elements in the dataset (1 for a scalar).</summary>
    public long Count => (long)Dims.Aggregate(1UL, (a, d) => a * d);

    internal unsafe H5Dataset(long id, string name, string file)
    {
        (_id, Name, _where) = (id, name, $"{name} in {file}");
        long space = H5Exception.Check(Native.H5Dget_space(id), $"the dataspace of {_where}");
        int rank = Native.H5Sget_simple_extent_ndims(space);
        Dims = new ulong[Math.Max(rank, 0)];
        fixed (ulong* d = Dims) Native.H5Sget_simple_extent_dims(space, d, null);
        Native.H5Sclose(space);
        long type = H5Exception.Check(Native.H5Dget_type(id), $"the type of {_where}");
        Type = H5TypeInfo.Of(type);
        Native.H5Tclose(type);
    }

    /// <summary>The filter ids of the dataset's pipeline (32000: LZF, 1: deflate, 2: shuffle).</summary>
    public unsafe IReadOnlyList<int> Filters()
    {
        long plist = H5Exception.Check(Native.H5Dget_create_plist(Id), $"the creation properties of {_where}");
        try
        {
            var ids = new List<int>();
            for (uint i = 0; i < Native.H5Pget_nfilters(plist); i++)
            {
                uint flags, config;
                nuint n = 0;
                ids.Add(Native.H5Pget_filter2(plist, i, &flags, &n, null, 0, null, &config));
            }
            return ids;
        }
        finally { Native.H5Pclose(plist); }
    }

    /// <summary>
    /// Reads the whole dataset into dest, converting to memType (HDF5's conversions; dest holds the elements' bytes, e.g.
    /// two ints per ComplexInt32); a missing filter is named.
    /// </summary>
    public unsafe void Read<T>(Span<T> dest, long memType) where T : unmanaged
    {
        if ((ulong)(dest.Length * sizeof(T)) != (ulong)Count * Native.H5Tget_size(memType))
            throw new ArgumentException($"{_where}: a buffer of {dest.Length} values of {sizeof(T)} bytes for {Count} elements of {Native.H5Tget_size(memType)} bytes");
        int status;
        fixed (T* p = dest) status = Native.H5Dread(Id, memType, Native.All, Native.All, Native.Default, p);
        if (status >= 0) return;
        var missing = Filters().Where(f => Native.H5Zfilter_avail(f) <= 0).ToList();
        throw new H5Exception(missing.Count > 0
            ? $"HDF5: {_where} needs filter {string.Join(", ", missing)}, which is not available (LZF is 32000: hdf5-plugin-lzf)"
            : $"HDF5: reading {_where} failed");
    }

    /// <summary>The dataset read whole as memType.</summary>
    public unsafe T[] Read<T>(long memType) where T : unmanaged
    {
        var values = new T[Count * (long)Native.H5Tget_size(memType) / sizeof(T)];
        Read<T>(values, memType);
        return values;
    }

    /// <summary>A string dataset (fixed length or variable length, scalar or the first element), trailing NULs removed.</summary>
    public unsafe string ReadString()
    {
        if (!Type.IsString) throw new H5Exception($"HDF5: {_where} is not a string");
        if (Type.VariableString)
        {
            long type = H5Exception.Check(Native.H5Tcopy(Native.Global("H5T_C_S1_g")), "H5Tcopy");
            Native.H5Tset_size(type, unchecked((nuint)(-1)));   // H5T_VARIABLE
            long fileType = Native.H5Dget_type(Id);
            Native.H5Tset_cset(type, Native.H5Tget_cset(fileType));   // h5py's are UTF-8; HDF5 does not convert between sets
            Native.H5Tclose(fileType);
            var pointers = new nint[Count];
            try
            {
                fixed (nint* p = pointers) H5Exception.Check(Native.H5Dread(Id, type, Native.All, Native.All, Native.Default, p), $"reading {_where}");
                string s = Marshal.PtrToStringUTF8(pointers[0]) ?? "";
                long space = Native.H5Dget_space(Id);
                fixed (nint* p = pointers) Native.H5Dvlen_reclaim(type, space, Native.Default, p);
                Native.H5Sclose(space);
                return s;
            }
            finally { Native.H5Tclose(type); }
        }
        long fixedType = H5Types.FixedString(Type.Size);
        try
        {
            var bytes = new byte[Type.Size * Count];
            fixed (byte* p = bytes) H5Exception.Check(Native.H5Dread(Id, fixedType, Native.All, Native.All, Native.Default, p), $"reading {_where}");
            return System.Text.Encoding.UTF8.GetString(bytes, 0, Type.Size).TrimEnd('\0');
        }
        finally { H5Types.Close(fixedType); }
    }

    private long Id => _id != 0 ? _id : throw new ObjectDisposedException(nameof(H5Dataset));

    public void Dispose()
    {
        if (_id == 0) return;
        Native.H5Dclose(_id);
        _id = 0;
    }
}
