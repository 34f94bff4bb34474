using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MmsMpi.Hdf5;

namespace MmsMpi.Uvh5;

/// <summary>
/// Reads a hyperslab of a chunked dataset chunk by chunk: each chunk's stored bytes (H5Dread_chunk), LZF-decoded
/// when the chunk was compressed, gathered into a stripe that holds the slab's whole last dimension, then copied into
/// the slab in long runs. HDF5's own hyperslab read copies h5py's chunks of one polarization element by element;
/// this is what makes importuvh5's reads about twice as fast. Usable when the file stores the elements as the caller
/// wants them and LZF is the only filter (HDF5 reads everything else).
/// </summary>
public sealed class ChunkedSlab
{
    private readonly H5Dataset _ds;
    private readonly ulong[] _chunk, _dims;
    private readonly int _elem;
    private readonly bool _lzf;
    private byte[] _raw = [], _plain = [], _stripe = [];

    private ChunkedSlab(H5Dataset ds, ulong[] chunk, int elem, bool lzf) => (_ds, _chunk, _dims, _elem, _lzf) = (ds, chunk, ds.Dims, elem, lzf);

    /// <summary>A reader of ds's chunks as memType elements of elemBytes, or null when HDF5 must do the read.</summary>
    public static ChunkedSlab? For(H5Dataset ds, long memType, int elemBytes)
    {
        var filters = ds.Filters();
        if (ds.Dims.Length < 2 || ds.ChunkDims() is not { } chunk || filters.Any(f => f != H5File.LzfFilter) || !ds.StoredAs(memType)) return null;
        return new ChunkedSlab(ds, chunk, elemBytes, filters.Count > 0);
    }

    /// <summary>Reads [start, start + count) into dest (row-major over count).</summary>
    public void Read(ulong[] start, ulong[] count, Span<byte> dest)
    {
        int rank = _dims.Length;
        if (dest.Length != _elem * count.Aggregate(1L, (a, c) => a * (long)c))
            throw new ArgumentException($"{_ds.Name}: a buffer of {dest.Length} bytes for [{string.Join(",", count)}] elements of {_elem} bytes");
        long chunkBytes = _elem * _chunk.Aggregate(1L, (a, c) => a * (long)c);
        long stripeBytes = chunkBytes / (long)_chunk[rank - 1] * (long)count[rank - 1];
        if (_plain.Length < chunkBytes) (_raw, _plain) = (new byte[chunkBytes], new byte[chunkBytes]);
        if (_stripe.Length < stripeBytes) _stripe = new byte[stripeBytes];
        var first = new ulong[rank];
        var last = new ulong[rank];
        for (int d = 0; d < rank; d++) (first[d], last[d]) = (start[d] / _chunk[d], (start[d] + count[d] - 1) / _chunk[d]);
        var k = (ulong[])first.Clone();
        var offset = new ulong[rank];
        while (true)
        {
            for (int d = 0; d < rank - 1; d++) offset[d] = k[d] * _chunk[d];
            for (ulong kl = first[rank - 1]; kl <= last[rank - 1]; kl++)
            {
                offset[rank - 1] = kl * _chunk[rank - 1];
                Gather(Chunk(offset, (int)chunkBytes), offset[rank - 1], start[rank - 1], (int)count[rank - 1]);
            }
            Place(offset, start, count, dest);
            int i = rank - 2;
            while (i >= 0 && k[i] == last[i]) k[i] = first[i--];
            if (i < 0) return;
            k[i]++;
        }
    }

    /// <summary>The chunk at offset decoded (zeros for one never written).</summary>
    private ReadOnlySpan<byte> Chunk(ulong[] offset, int chunkBytes)
    {
        long stored = _ds.ChunkBytes(offset);
        if (stored == 0)
        {
            Array.Clear(_plain, 0, chunkBytes);
            return _plain.AsSpan(0, chunkBytes);
        }
        if (stored > _raw.Length) _raw = new byte[stored];
        _ds.ReadChunk(offset, _raw.AsSpan(0, (int)stored), out uint skipped);
        if (!_lzf || (skipped & 1) != 0)
            return stored == chunkBytes ? _raw.AsSpan(0, chunkBytes)
                : throw new H5Exception($"HDF5: an unfiltered chunk of {_ds.Name} holds {stored} bytes, {chunkBytes} expected");
        Lzf.Decompress(_raw.AsSpan(0, (int)stored), _plain.AsSpan(0, chunkBytes));
        return _plain.AsSpan(0, chunkBytes);
    }

    /// <summary>Copies a chunk's part of the slab's last dimension into the stripe (the chunk's rows × the slab's width).</summary>
    private void Gather(ReadOnlySpan<byte> chunk, ulong offset, ulong start, int width)
    {
        int rank = _dims.Length, chunkWidth = (int)_chunk[rank - 1];
        int lo = (int)(Math.Max(start, offset) - offset);
        int hi = (int)(Math.Min(start + (ulong)width, Math.Min(offset + (ulong)chunkWidth, _dims[rank - 1])) - offset);
        int shift = (int)((long)offset - (long)start);
        long rows = chunk.Length / _elem / chunkWidth;
        // Typed element copies for the short runs of h5py's chunks (one polarization: one element per row).
        switch (_elem)
        {
            case 8: Copy(MemoryMarshal.Cast<byte, ulong>(chunk), MemoryMarshal.Cast<byte, ulong>(_stripe.AsSpan()), rows, chunkWidth, width, lo, hi, shift); break;
            case 4: Copy(MemoryMarshal.Cast<byte, uint>(chunk), MemoryMarshal.Cast<byte, uint>(_stripe.AsSpan()), rows, chunkWidth, width, lo, hi, shift); break;
            case 1: Copy(chunk, _stripe.AsSpan(), rows, chunkWidth, width, lo, hi, shift); break;
            default: throw new ArgumentException($"{_ds.Name}: elements of {_elem} bytes");
        }
    }

    private static void Copy<T>(ReadOnlySpan<T> chunk, Span<T> stripe, long rows, int chunkWidth, int width, int lo, int hi, int shift) where T : unmanaged
    {
        ref T s0 = ref MemoryMarshal.GetReference(chunk);
        ref T t0 = ref MemoryMarshal.GetReference(stripe);
        for (long r = 0; r < rows; r++)
        {
            nint src = (nint)(r * chunkWidth), dst = (nint)(r * width + shift);
            for (int j = lo; j < hi; j++) Unsafe.Add(ref t0, dst + j) = Unsafe.Add(ref s0, src + j);
        }
    }

    /// <summary>
    /// Copies the stripe's part that lies in the slab into dest. Stripe rows and slab rows both hold the slab's whole
    /// last dimension, so the rows along the second-to-last dimension are contiguous in both: one copy each.
    /// </summary>
    private void Place(ulong[] offset, ulong[] start, ulong[] count, Span<byte> dest)
    {
        int rank = _dims.Length, outer = rank - 1;
        Span<long> lo = stackalloc long[outer], hi = stackalloc long[outer], idx = stackalloc long[outer];
        for (int d = 0; d < outer; d++)
        {
            lo[d] = (long)Math.Max(start[d], offset[d]);
            hi[d] = (long)Math.Min(start[d] + count[d], Math.Min(offset[d] + _chunk[d], _dims[d]));
        }
        long row = (long)count[rank - 1] * _elem;
        uint run = (uint)((hi[outer - 1] - lo[outer - 1]) * row);
        lo.CopyTo(idx);
        ref byte s0 = ref _stripe[0];
        ref byte t0 = ref dest[0];
        while (true)
        {
            long s = 0, t = 0;
            for (int d = 0; d < outer; d++)
            {
                s = s * (long)_chunk[d] + (idx[d] - (long)offset[d]);
                t = t * (long)count[d] + (idx[d] - (long)start[d]);
            }
            Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref t0, (nint)(t * row)), ref Unsafe.Add(ref s0, (nint)(s * row)), run);
            int i = outer - 2;
            while (i >= 0 && idx[i] == hi[i] - 1) idx[i] = lo[i--];
            if (i < 0) return;
            idx[i]++;
        }
    }
}
