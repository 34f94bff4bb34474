using MmsMpi.Casacore;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Single-dish FLOAT_DATA goes through the steps as complex values (<see cref="CellReads.RealAsComplex"/>) and is
/// written back as its real part.
/// </summary>
public static class FloatColumns
{
    public static bool IsReal(string column) => column == "FLOAT_DATA";

    public static void RealPart(ReadOnlySpan<ComplexF> vis, Span<float> real)
    {
        for (int i = 0; i < vis.Length; i++) real[i] = vis[i].Re;
    }
}

/// <summary>
/// Reads the selected rows of an input MS as VisChunks, in input order: each chunk joins consecutive runs of one
/// DDI (up to a size limit), reads every column run by run in bulk, and applies the DDI's channel/correlation slice.
/// The chunk's weight spectrum comes from spectrumColumn (WEIGHT_SPECTRUM; SIGMA_SPECTRUM for on-the-fly calibration
/// that resets weights from sigmas, see CalibrateStep) when it has values, else from WEIGHT repeated over channels.
/// </summary>
public sealed class VisReader(CasaTable input, IReadOnlyDictionary<string, string> visColumns,
    IReadOnlyDictionary<int, (int NChan, int NCorr, CellSlice? Slice)> ddis, string? spectrumColumn)
{
    /// <summary>
    /// Bytes of visibilities (one complex column) per chunk: small enough that a chunk with its flags and weights
    /// stays in the cache from the reader through the steps to the writer (32 MiB chunks made every stage stream from
    /// memory: the job took 5.9 s instead of the io_floor's 0.55 s), large enough that casacore reads whole tiles.
    /// </summary>
    private const long ChunkBytes = 4L << 20;

    /// <summary>Rows per chunk for cells of nchan × ncorr (also the chunks of bench/IoFloor, the read floor).</summary>
    public static int RowsPerChunk(int nchan, int ncorr) => (int)Math.Max(1, ChunkBytes / (8L * nchan * ncorr));

    /// <summary>The runs' rows as chunks of <see cref="RowsPerChunk"/> rows of one DDI (<see cref="RowRun.Chunks"/>).</summary>
    public IEnumerable<VisChunk> Read(IReadOnlyList<RowRun> runs) =>
        RowRun.Chunks(runs, ddi => RowsPerChunk(ddis[ddi].NChan, ddis[ddi].NCorr)).Select(ReadChunk);

    private VisChunk ReadChunk(List<RowRun> runs)
    {
        int nrow = runs.Sum(r => r.Length);
        int ddi = runs[0].Ddi;
        var (nchan, ncorr, slice) = ddis[ddi];
        var chunk = VisChunk.Allocate(ddi, nrow, nchan, ncorr, visColumns.Keys);
        foreach (var (col, values) in chunk.IntColumns) ReadRuns<int>(runs, col, values, 1, null);
        foreach (var (col, values) in chunk.DoubleColumns) ReadRuns<double>(runs, col, values, 1, null);
        ReadRuns<bool>(runs, "FLAG_ROW", chunk.FlagRow, 1, null);
        ReadRuns<double>(runs, "UVW", chunk.Uvw, 3, null);
        var corrSlice = slice is null ? null : new CellSlice([slice.Start[0]], [slice.Length[0]], [slice.Stride[0]]);
        ReadRuns<float>(runs, "WEIGHT", chunk.Weight, ncorr, corrSlice);
        ReadRuns<float>(runs, "SIGMA", chunk.Sigma, ncorr, corrSlice);
        foreach (var (output, inputColumn) in visColumns)
        {
            if (FloatColumns.IsReal(inputColumn)) CellReads.RealAsComplex(input, runs, inputColumn, chunk.Vis[output], nchan * ncorr, slice);
            else ReadRuns<ComplexF>(runs, inputColumn, chunk.Vis[output], nchan * ncorr, slice);
        }
        ReadRuns<bool>(runs, "FLAG", chunk.Flag, nchan * ncorr, slice);
        if (spectrumColumn is not null && input.IsDefined(spectrumColumn, runs[0].Start))
            ReadRuns<float>(runs, spectrumColumn, chunk.WeightSpectrum, nchan * ncorr, slice);
        else
            CellReads.RepeatOverChannels(chunk.Weight, chunk.WeightSpectrum, nrow, nchan, ncorr);
        return chunk;
    }

    private void ReadRuns<T>(IReadOnlyList<RowRun> runs, string col, T[] dest, int perRow, CellSlice? slice) where T : unmanaged =>
        RunIo.Read(input, runs, col, dest, perRow, slice);
}
