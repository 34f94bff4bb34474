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
    /// Creates a dataset of the given dims (none: a scalar) and file type, optionally chunked and LZF compressed, to be
    /// written with <see cref="H5Dataset.Write{T}"/>. The filter must be available: without it HDF5 would silently
    /// store the data uncompressed.
    /// </summary>
    public unsafe H5Dataset CreateDataset(string name, ulong[] dims, long fileType, ulong[]? lzfChunk = null)
    {
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
            return new H5Dataset(H5Exception.Check(Native.H5Dcreate2(Id, name, fileType, space, Native.Default, dcpl, Native.Default),
                $"creating dataset {name} in {Path}"), name, Path);
        }
        finally
        {
            Native.H5Pclose(dcpl);
            Native.H5Sclose(space);
        }
    }

    /// <summary>Writes a new dataset whole from data in memType (also its file type).</summary>
    public void Write<T>(string name, ReadOnlySpan<T> data, ulong[] dims, long memType, ulong[]? lzfChunk = null) where T : unmanaged
    {
        using var ds = CreateDataset(name, dims, memType, lzfChunk);
        ds.Write(data, memType);
    }

    /// <summary>Writes a fixed-length string dataset (h5py's np.bytes_, as pyuvdata writes its strings).</summary>
    public void WriteString(string name, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        long type = H5Types.FixedString(bytes.Length);
        try { Write<byte>(name, bytes.Length == 0 ? [0] : bytes, [], type); }
        finally { H5Types.Close(type); }
    }

    /// <summary>Writes a 1-D fixed-length string dataset, each value NUL-padded to the longest.</summary>
    public void WriteStrings(string name, IReadOnlyList<string> values)
    {
        var bytes = values.Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        int width = Math.Max(1, bytes.Max(b => b.Length));
        var packed = new byte[width * values.Count];
        for (int i = 0; i < bytes.Count; i++) bytes[i].CopyTo(packed, i * width);
        long type = H5Types.FixedString(width);
        try { Write<byte>(name, packed, [(ulong)values.Count], type); }
        finally { H5Types.Close(type); }
    }

    /// <summary>The members of a group in name order, each with whether it is a group itself.</summary>
    public unsafe IReadOnlyList<(string Name, bool IsGroup)> Children(string group)
    {
        Native.GroupInfo info;
        H5Exception.Check(Native.H5Gget_info_by_name(Id, group, &info, Native.Default), $"listing group {group} in {Path}");
        var children = new List<(string, bool)>();
        var name = new byte[1024];
        for (ulong i = 0; i < info.NLinks; i++)
        {
            nint n;
            fixed (byte* p = name) n = Native.H5Lget_name_by_idx(Id, group, Native.IndexName, Native.IterInc, i, p, (nuint)name.Length, Native.Default);
            string child = System.Text.Encoding.UTF8.GetString(name, 0, (int)H5Exception.Check(n, $"listing group {group} in {Path}"));
            long obj = H5Exception.Check(Native.H5Oopen(Id, $"{group}/{child}", Native.Default), $"opening {group}/{child} in {Path}");
            children.Add((child, Native.H5Iget_type(obj) == Native.IdGroup));
            Native.H5Oclose(obj);
        }
        return children;
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

/// <summary>liblzf's decoder (h5py's LZF filter stores a chunk as one LZF block without a header).</summary>
public static class Lzf
{
    /// <summary>Decodes input into output, which it must fill exactly.</summary>
    public static unsafe void Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        uint n;
        fixed (byte* i = input)
        fixed (byte* o = output)
            n = LzfNative.lzf_decompress(i, (uint)input.Length, o, (uint)output.Length);
        if (n != output.Length) throw new H5Exception($"LZF: a chunk decoded to {n} bytes, {output.Length} expected");
    }
}

/// <summary>An open dataset: its dims, file type and filters, whole and hyperslab reads and writes with caller buffers.</summary>
public sealed class H5Dataset : IDisposable
{
    private long _id;
    private readonly string _where;

    public string Name { get; }
    public ulong[] Dims { get; }
    public H5TypeInfo Type { get; }

    /// <summary>A dataset without a value (a null dataspace: h5py's Empty, pyuvdata's None).</summary>
    public bool IsEmpty { get; }

    /// <summary>Elements in the dataset (1 for a scalar).</summary>
    public long Count => (long)Dims.Aggregate(1UL, (a, d) => a * d);

    internal unsafe H5Dataset(long id, string name, string file)
    {
        (_id, Name, _where) = (id, name, $"{name} in {file}");
        long space = H5Exception.Check(Native.H5Dget_space(id), $"the dataspace of {_where}");
        int rank = Native.H5Sget_simple_extent_ndims(space);
        IsEmpty = Native.H5Sget_simple_extent_type(space) == Native.SpaceNull;
        Dims = new ulong[Math.Max(rank, 0)];
        fixed (ulong* d = Dims) Native.H5Sget_simple_extent_dims(space, d, null);
        Native.H5Sclose(space);
        long type = H5Exception.Check(Native.H5Dget_type(id), $"the type of {_where}");
        Type = H5TypeInfo.Of(type);
        Native.H5Tclose(type);
    }

    /// <summary>The chunk shape of a chunked dataset, null for a contiguous or compact one.</summary>
    public unsafe ulong[]? ChunkDims()
    {
        long plist = H5Exception.Check(Native.H5Dget_create_plist(Id), $"the creation properties of {_where}");
        try
        {
            if (Native.H5Pget_layout(plist) != Native.LayoutChunked) return null;
            var dims = new ulong[Dims.Length];
            fixed (ulong* d = dims) H5Exception.Check(Native.H5Pget_chunk(plist, dims.Length, d), $"the chunks of {_where}");
            return dims;
        }
        finally { Native.H5Pclose(plist); }
    }

    /// <summary>Whether the file stores the elements exactly as memType holds them (a raw chunk is then usable as is).</summary>
    public bool StoredAs(long memType)
    {
        long type = H5Exception.Check(Native.H5Dget_type(Id), $"the type of {_where}");
        try { return Native.H5Tequal(type, memType) > 0; }
        finally { Native.H5Tclose(type); }
    }

    /// <summary>Bytes stored for the chunk at offset (0: never written, the fill value).</summary>
    public unsafe long ChunkBytes(ulong[] offset)
    {
        ulong bytes = 0;
        fixed (ulong* o = offset) H5Exception.Check(Native.H5Dget_chunk_storage_size(Id, o, &bytes), $"the chunk at [{string.Join(",", offset)}] of {_where}");
        return (long)bytes;
    }

    /// <summary>
    /// The stored bytes of the chunk at offset, without the filter pipeline (H5Dread_chunk); filterMask has bit i set
    /// where filter i was skipped for this chunk (h5py stores a chunk LZF cannot shrink as it is).
    /// </summary>
    public unsafe void ReadChunk(ulong[] offset, Span<byte> raw, out uint filterMask)
    {
        uint mask = 0;
        fixed (ulong* o = offset)
        fixed (byte* p = raw)
            H5Exception.Check(Native.H5Dread_chunk(Id, Native.Default, o, &mask, p), $"reading the chunk at [{string.Join(",", offset)}] of {_where}");
        filterMask = mask;
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
    /// Reads the whole dataset, or the hyperslab start/count of it, into dest, converting to memType (HDF5's conversions;
    /// dest holds the elements' bytes, e.g. two ints per ComplexInt32); a missing filter is named.
    /// </summary>
    public unsafe void Read<T>(Span<T> dest, long memType, ulong[]? start = null, ulong[]? count = null) where T : unmanaged
    {
        int status;
        using (var sel = Selection.Of(this, dest.Length * sizeof(T), memType, start, count))
            fixed (T* p = dest) status = Native.H5Dread(Id, memType, sel.Memory, sel.File, Native.Default, p);
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

    /// <summary>Writes src (memType) into the whole dataset or into its hyperslab start/count.</summary>
    public unsafe void Write<T>(ReadOnlySpan<T> src, long memType, ulong[]? start = null, ulong[]? count = null) where T : unmanaged
    {
        using var sel = Selection.Of(this, src.Length * sizeof(T), memType, start, count);
        fixed (T* p = src) H5Exception.Check(Native.H5Dwrite(Id, memType, sel.Memory, sel.File, Native.Default, p), $"writing {_where}");
    }

    /// <summary>A string dataset's first (or only) value.</summary>
    public string ReadString() => ReadStrings()[0];

    /// <summary>A string dataset (fixed or variable length, scalar or 1-D) as values with trailing NULs removed.</summary>
    public unsafe string[] ReadStrings()
    {
        if (!Type.IsString) throw new H5Exception($"HDF5: {_where} is not a string");
        var values = new string[Count];
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
                for (int i = 0; i < values.Length; i++) values[i] = Marshal.PtrToStringUTF8(pointers[i]) ?? "";
                long space = Native.H5Dget_space(Id);
                fixed (nint* p = pointers) Native.H5Dvlen_reclaim(type, space, Native.Default, p);
                Native.H5Sclose(space);
                return values;
            }
            finally { Native.H5Tclose(type); }
        }
        long fixedType = H5Types.FixedString(Type.Size);
        try
        {
            var bytes = new byte[Type.Size * Count];
            fixed (byte* p = bytes) H5Exception.Check(Native.H5Dread(Id, fixedType, Native.All, Native.All, Native.Default, p), $"reading {_where}");
            for (int i = 0; i < values.Length; i++) values[i] = System.Text.Encoding.UTF8.GetString(bytes, i * Type.Size, Type.Size).TrimEnd('\0');
            return values;
        }
        finally { H5Types.Close(fixedType); }
    }

    /// <summary>The memory and file dataspaces of a whole or hyperslab transfer, checked against the buffer's size.</summary>
    private readonly unsafe struct Selection(long memory, long file) : IDisposable
    {
        public long Memory { get; } = memory;
        public long File { get; } = file;

        public static Selection Of(H5Dataset ds, long bufferBytes, long memType, ulong[]? start, ulong[]? count)
        {
            ulong elements = count?.Aggregate(1UL, (a, c) => a * c) ?? (ulong)ds.Count;
            if ((ulong)bufferBytes != elements * Native.H5Tget_size(memType))
                throw new ArgumentException($"{ds._where}: a buffer of {bufferBytes} bytes for {elements} elements of {Native.H5Tget_size(memType)} bytes");
            if (start is null || count is null) return new Selection(Native.All, Native.All);
            long file = H5Exception.Check(Native.H5Dget_space(ds.Id), $"the dataspace of {ds._where}");
            fixed (ulong* s = start)
            fixed (ulong* c = count)
            {
                if (Native.H5Sselect_hyperslab(file, Native.SelectSet, s, null, c, null) < 0)
                {
                    Native.H5Sclose(file);
                    throw new H5Exception($"HDF5: selecting [{string.Join(",", start)}]+[{string.Join(",", count)}] of {ds._where}");
                }
                return new Selection(H5Exception.Check(Native.H5Screate_simple(count.Length, c, null), "H5Screate_simple"), file);
            }
        }

        public void Dispose()
        {
            if (Memory != Native.All) Native.H5Sclose(Memory);
            if (File != Native.All) Native.H5Sclose(File);
        }
    }

    private long Id => _id != 0 ? _id : throw new ObjectDisposedException(nameof(H5Dataset));

    public void Dispose()
    {
        if (_id == 0) return;
        Native.H5Dclose(_id);
        _id = 0;
    }
}
