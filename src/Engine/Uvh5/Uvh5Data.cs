using MmsMpi.Hdf5;

namespace MmsMpi.Uvh5;

/// <summary>
/// Block reads of a UVH5 file's Data: visdata (complex64, complex128 or an integer {r, i} compound, converted by HDF5
/// to float pairs), flags (h5py's bool enum or plain int8) and nsamples, for baseline-times [blt0, blt0 + n) and
/// channels [chan0, chan0 + nchan) with every polarization: row-major [blt][chan][pol] as in the file.
/// </summary>
public sealed class Uvh5Data : IDisposable
{
    private readonly H5Dataset _vis, _flags, _nsamples;
    private readonly bool _spwAxis;
    private readonly int _npol;

    public Uvh5Data(H5File file, Uvh5Header header)
    {
        (_spwAxis, _npol) = (header.SpwAxis, header.Npols);
        _vis = file.Dataset("Data/visdata");
        _flags = file.Dataset("Data/flags");
        _nsamples = file.Dataset("Data/nsamples");
        if (!_vis.Type.IsComplex && !_vis.Type.IsFloat)
            throw header.Error("Data/visdata is neither complex nor an {r, i} compound");
    }

    /// <summary>Reads one block; vis holds 2 floats per cell, flags and nsamples one.</summary>
    public void Read(int blt0, int n, int chan0, int nchan, Span<float> vis, Span<sbyte> flags, Span<float> nsamples)
    {
        ulong[] start = _spwAxis ? [(ulong)blt0, 0, (ulong)chan0, 0] : [(ulong)blt0, (ulong)chan0, 0];
        ulong[] count = _spwAxis ? [(ulong)n, 1, (ulong)nchan, (ulong)_npol] : [(ulong)n, (ulong)nchan, (ulong)_npol];
        _vis.Read(vis, H5Types.ComplexFloat, start, count);
        _flags.Read(flags, _flags.Type.IsEnum ? H5Types.Bool : H5Types.Int8, start, count);
        _nsamples.Read(nsamples, H5Types.Float, start, count);
    }

    public void Dispose()
    {
        _vis.Dispose();
        _flags.Dispose();
        _nsamples.Dispose();
    }
}
