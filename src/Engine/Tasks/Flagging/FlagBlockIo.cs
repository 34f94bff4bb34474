using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Tasks.Transform;
using MmsMpi.Tasks.Flagging.Agents;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// Bulk reads and writes of <see cref="FlagBlock"/>s: every column run by run with GetColumn/PutColumn (one call per
/// run, never per cell). Writing puts FLAG back and FLAG_ROW = all(FLAG) for the rows whose flags changed, so FLAG_ROW
/// stays true exactly when every cell of the row is flagged.
/// </summary>
public sealed class FlagBlockIo(CasaTable table, MsFlagLayout layout, FlagNeeds needs)
{
    /// <summary>
    /// Bytes a block may hold (FLAG plus visibility cells): a few MiB, so a block stays in the cache between reading,
    /// the agents and writing (as mstransform's chunks, see VisReader).
    /// </summary>
    public const long BlockBytes = 8L << 20;

    /// <summary>Rows of a DDI that fit in <see cref="BlockBytes"/>.</summary>
    public int MaxRows(int ddi)
    {
        long perCell = 1 + 8L * needs.VisColumns.Sum(c => FlagColumns.Sources(c).Length);
        return (int)Math.Clamp(BlockBytes / (perCell * layout.NChan(ddi) * layout.NCorr(ddi)), 1, int.MaxValue);
    }

    public FlagBlock Read(IReadOnlyList<RowRun> runs)
    {
        int ddi = runs[0].Ddi, nchan = layout.NChan(ddi), ncorr = layout.NCorr(ddi), nrow = runs.Sum(r => r.Length);
        var rowNumbers = ChunkPool.Rent<long>(nrow);
        int at = 0;
        foreach (var run in runs)
            for (int i = 0; i < run.Length; i++) rowNumbers[at++] = run.Start + i;
        var block = new FlagBlock
        {
            Ddi = ddi, Spw = layout.DdiSpw[ddi], Pol = layout.DdiPol[ddi], NChan = nchan, NCorr = ncorr, Runs = runs,
            // pooled (every element is read below, Changed starts cleared) and handed back by Release
            RowNumbers = rowNumbers, Flag = ChunkPool.Rent<bool>(nrow * nchan * ncorr), FlagRow = ChunkPool.Rent<bool>(nrow),
            Changed = ChunkPool.RentCleared<bool>(nrow),
            OriginalFlag = needs.OriginalFlags ? ChunkPool.Rent<bool>(nrow * nchan * ncorr) : [],
            Weights = needs.CellWeights is not null ? ChunkPool.Rent<float>(nrow * nchan * ncorr) : [],
            Ints = needs.Ints.ToDictionary(c => c, _ => ChunkPool.Rent<int>(nrow)),
            Doubles = needs.Doubles.ToDictionary(c => c, _ => ChunkPool.Rent<double>(nrow)),
            Uvw = needs.Uvw ? ChunkPool.Rent<double>(3 * nrow) : [],
            Vis = needs.VisColumns.ToDictionary(c => c, _ => ChunkPool.Rent<ComplexF>(nrow * nchan * ncorr)),
        };
        ReadRuns(runs, "FLAG", block.Flag, nchan * ncorr);
        if (needs.OriginalFlags) block.Flag.AsSpan(0, nrow * nchan * ncorr).CopyTo(block.OriginalFlag);
        if (needs.CellWeights is { } kind) ReadWeights(runs, kind, block.Weights, nrow, nchan, ncorr);
        ReadRuns(runs, "FLAG_ROW", block.FlagRow, 1);
        foreach (var (col, values) in block.Ints) ReadRuns(runs, col, values, 1);
        foreach (var (col, values) in block.Doubles) ReadRuns(runs, col, values, 1);
        if (needs.Uvw) ReadRuns(runs, "UVW", block.Uvw, 3);
        foreach (var (datacolumn, values) in block.Vis) ReadVis(runs, datacolumn, values, nchan * ncorr);
        return block;
    }

    /// <summary>
    /// Weights per cell: WEIGHT_SPECTRUM or WEIGHT (over the channels), or 1/σ² of SIGMA_SPECTRUM or SIGMA (σ ≤ FLT_MIN
    /// gives 0, as casacore's sigmaToWeight).
    /// </summary>
    private void ReadWeights(IReadOnlyList<RowRun> runs, string kind, float[] dest, int nrow, int nchan, int ncorr)
    {
        string spectrum = kind + "_SPECTRUM";
        if (CellReads.Filled(table, spectrum, runs[0].Start)) ReadRuns(runs, spectrum, dest, nchan * ncorr);
        else
        {
            var perRow = ChunkPool.Rent<float>(nrow * ncorr);
            ReadRuns(runs, kind, perRow, ncorr);
            CellReads.RepeatOverChannels(perRow, dest, nrow, nchan, ncorr);
            ChunkPool.Return(perRow);
        }
        if (kind != "SIGMA") return;
        const float fltMin = 1.17549435E-38f;   // C's FLT_MIN
        for (int i = 0; i < nrow * nchan * ncorr; i++) dest[i] = dest[i] <= fltMin ? 0 : 1 / (dest[i] * dest[i]);
    }

    /// <summary>Writes FLAG and FLAG_ROW of the runs that hold a changed row.</summary>
    public void Write(FlagBlock block) => RunIo.WriteFlags(table, block.Runs, block.Flag, block.FlagRow, block.Changed, block.CellSize);

    /// <summary>A datacolumn as complex cells: a column, a difference of two (residuals), or a real column as real parts.</summary>
    private void ReadVis(IReadOnlyList<RowRun> runs, string datacolumn, ComplexF[] dest, int perRow)
    {
        var sources = FlagColumns.Sources(datacolumn);
        if (FlagColumns.IsFloat(datacolumn))
        {
            CellReads.RealAsComplex(table, runs, sources[0], dest, perRow);
            return;
        }
        ReadRuns(runs, sources[0], dest, perRow);
        if (sources.Length == 1) return;
        var subtrahend = ChunkPool.Rent<ComplexF>(dest.Length);
        ReadRuns(runs, sources[1], subtrahend, perRow);
        for (int i = 0; i < dest.Length; i++) dest[i] = new ComplexF(dest[i].Re - subtrahend[i].Re, dest[i].Im - subtrahend[i].Im);
        ChunkPool.Return(subtrahend);
    }

    private void ReadRuns<T>(IReadOnlyList<RowRun> runs, string col, T[] values, int perRow) where T : unmanaged =>
        RunIo.Read(table, runs, col, values, perRow);
}
