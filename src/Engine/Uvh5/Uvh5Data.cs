using System.Runtime.InteropServices;
using MmsMpi.Hdf5;

namespace MmsMpi.Uvh5;

/// <summary>
/// Block reads of a UVH5 file's Data: visdata (complex64, complex128 or an integer {r, i} compound, converted by HDF5
/// to float pairs), flags (h5py's bool enum or plain int8) and nsamples, for baseline-times [blt0, blt0 + n) and
/// channels [chan0, chan0 + nchan) with every polarization: row-major [blt][chan][pol] as in the file. Datasets that
/// store exactly these elements in LZF or plain chunks (what pyuvdata writes) are read chunk by chunk (ChunkedSlab).
/// </summary>
public sealed class Uvh5Data : IDisposable
{
    private readonly Part _vis, _flags, _nsamples;
    private readonly bool _spwAxis;
    private readonly int _npol;

    /// <summary>One dataset, its memory type and, when the file stores exactly that, its chunk reader.</summary>
    private sealed record Part(H5Dataset Dataset, long MemType, ChunkedSlab? Chunks) : IDisposable
    {
        public static Part Of(H5Dataset ds, long memType, int elemBytes) => new(ds, memType, ChunkedSlab.For(ds, memType, elemBytes));

        public void Read<T>(Span<T> dest, ulong[] start, ulong[] count) where T : unmanaged
        {
            if (Chunks is not null) Chunks.Read(start, count, MemoryMarshal.AsBytes(dest));
            else Dataset.Read(dest, MemType, start, count);
        }

        public void Dispose() => Dataset.Dispose();
    }

    public Uvh5Data(H5File file, Uvh5Header header)
    {
        (_spwAxis, _npol) = (header.SpwAxis, header.Npols);
        var vis = file.Dataset("Data/visdata");
        if (!vis.Type.IsComplex && !vis.Type.IsFloat)
        {
            vis.Dispose();
            throw header.Error("Data/visdata is neither complex nor an {r, i} compound");
        }
        _vis = Part.Of(vis, H5Types.ComplexFloat, 8);
        var flags = file.Dataset("Data/flags");
        _flags = Part.Of(flags, flags.Type.IsEnum ? H5Types.Bool : H5Types.Int8, 1);
        _nsamples = Part.Of(file.Dataset("Data/nsamples"), H5Types.Float, 4);
    }

    /// <summary>
    /// About wanted baseline-times per block, as a whole number of every dataset's chunks along the baseline-time axis:
    /// a chunk cut by a block boundary would be read and decoded twice (HDF5's chunk cache holds 1 MiB).
    /// </summary>
    public int BlockRows(int wanted)
    {
        long step = 1;
        foreach (var p in new[] { _vis, _flags, _nsamples })
            if (p.Dataset.ChunkDims() is { } c) step = Lcm(step, (long)c[0]);
        return step > 2L * wanted ? wanted : (int)Math.Max(step, wanted / step * step);
    }

    private static long Lcm(long a, long b)
    {
        long x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }

    /// <summary>Reads one block; vis holds 2 floats per cell, flags and nsamples one.</summary>
    public void Read(int blt0, int n, int chan0, int nchan, Span<float> vis, Span<sbyte> flags, Span<float> nsamples)
    {
        ulong[] start = _spwAxis ? [(ulong)blt0, 0, (ulong)chan0, 0] : [(ulong)blt0, (ulong)chan0, 0];
        ulong[] count = _spwAxis ? [(ulong)n, 1, (ulong)nchan, (ulong)_npol] : [(ulong)n, (ulong)nchan, (ulong)_npol];
        _vis.Read(vis, start, count);
        _flags.Read(flags, start, count);
        _nsamples.Read(nsamples, start, count);
    }

    public void Dispose()
    {
        _vis.Dispose();
        _flags.Dispose();
        _nsamples.Dispose();
    }
}
