using MmsMpi.Casacore;

namespace MmsMpi.Transform;

/// <summary>A run of consecutive input rows of one DDI.</summary>
public readonly record struct RowRun(long Start, int Length, int Ddi);

/// <summary>
/// Single-dish FLOAT_DATA goes through the steps as complex values with a zero imaginary part (every step is linear
/// in the data, so the real part is what a float pipeline would give) and is written back as its real part.
/// </summary>
public static class FloatColumns
{
    public static bool IsReal(string column) => column == "FLOAT_DATA";

    public static void ToComplex(ReadOnlySpan<float> real, Span<ComplexF> vis)
    {
        for (int i = 0; i < real.Length; i++) vis[i] = new ComplexF(real[i], 0);
    }

    public static float[] RealPart(ReadOnlySpan<ComplexF> vis)
    {
        var real = new float[vis.Length];
        for (int i = 0; i < vis.Length; i++) real[i] = vis[i].Re;
        return real;
    }
}

/// <summary>
/// Reads the selected rows of an input MS as VisChunks, in input order: each chunk joins consecutive runs of one
/// DDI (up to a size limit), reads every column run by run in bulk, and applies the DDI's channel/correlation slice.
/// </summary>
public sealed class VisReader(CasaTable input, IReadOnlyDictionary<string, string> visColumns,
    IReadOnlyDictionary<int, (int NChan, int NCorr, CellSlice? Slice)> ddis, bool readWeightSpectrum)
{
    private const long ChunkBytes = 32L << 20;

    public IEnumerable<VisChunk> Read(IReadOnlyList<RowRun> runs)
    {
        for (int i = 0; i < runs.Count;)
        {
            var (nchan, ncorr, _) = ddis[runs[i].Ddi];
            long maxRows = Math.Max(1, ChunkBytes / (8L * nchan * ncorr));
            int j = i, rows = 0;
            while (j < runs.Count && runs[j].Ddi == runs[i].Ddi && (j == i || rows + runs[j].Length <= maxRows)) rows += runs[j++].Length;
            yield return ReadChunk(runs, i, j, rows);
            i = j;
        }
    }

    private VisChunk ReadChunk(IReadOnlyList<RowRun> runs, int from, int to, int nrow)
    {
        int ddi = runs[from].Ddi;
        var (nchan, ncorr, slice) = ddis[ddi];
        var chunk = VisChunk.Allocate(ddi, nrow, nchan, ncorr, visColumns.Keys);
        foreach (var (col, values) in chunk.IntColumns) ReadRuns<int>(runs, from, to, col, values, 1, null);
        foreach (var (col, values) in chunk.DoubleColumns) ReadRuns<double>(runs, from, to, col, values, 1, null);
        ReadRuns<bool>(runs, from, to, "FLAG_ROW", chunk.FlagRow, 1, null);
        ReadRuns<double>(runs, from, to, "UVW", chunk.Uvw, 3, null);
        var corrSlice = slice is null ? null : new CellSlice([slice.Start[0]], [slice.Length[0]], [slice.Stride[0]]);
        ReadRuns<float>(runs, from, to, "WEIGHT", chunk.Weight, ncorr, corrSlice);
        ReadRuns<float>(runs, from, to, "SIGMA", chunk.Sigma, ncorr, corrSlice);
        foreach (var (output, inputColumn) in visColumns)
        {
            if (!FloatColumns.IsReal(inputColumn))
            {
                ReadRuns<ComplexF>(runs, from, to, inputColumn, chunk.Vis[output], nchan * ncorr, slice);
                continue;
            }
            var real = new float[nrow * nchan * ncorr];
            ReadRuns<float>(runs, from, to, inputColumn, real, nchan * ncorr, slice);
            FloatColumns.ToComplex(real, chunk.Vis[output]);
        }
        ReadRuns<bool>(runs, from, to, "FLAG", chunk.Flag, nchan * ncorr, slice);
        if (readWeightSpectrum && input.IsDefined("WEIGHT_SPECTRUM", runs[from].Start))
            ReadRuns<float>(runs, from, to, "WEIGHT_SPECTRUM", chunk.WeightSpectrum, nchan * ncorr, slice);
        else
            BroadcastWeight(chunk);
        return chunk;
    }

    private void ReadRuns<T>(IReadOnlyList<RowRun> runs, int from, int to, string col, T[] dest, int perRow, CellSlice? slice) where T : unmanaged
    {
        int offset = 0;
        for (int k = from; k < to; k++)
        {
            input.GetColumn(col, runs[k].Start, runs[k].Length, dest.AsSpan(offset, runs[k].Length * perRow), slice);
            offset += runs[k].Length * perRow;
        }
    }

    /// <summary>Without WEIGHT_SPECTRUM every channel carries its row's WEIGHT (as CASA fills it).</summary>
    private static void BroadcastWeight(VisChunk c)
    {
        for (int r = 0; r < c.NRow; r++)
            for (int ch = 0; ch < c.NChan; ch++)
                c.Weight.AsSpan(r * c.NCorr, c.NCorr).CopyTo(c.WeightSpectrum.AsSpan((r * c.NChan + ch) * c.NCorr, c.NCorr));
    }
}
