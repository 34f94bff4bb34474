using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Appends VisChunks to an output MS column by column in bulk, with DATA_DESC_IDs through the output's re-index map
/// (identity when empty); WEIGHT_SPECTRUM and SIGMA_SPECTRUM only if asked.
/// </summary>
public sealed class VisWriter(CasaTable output, bool writeWeightSpectrum, IReadOnlyDictionary<int, int> ddiMap)
{
    public long Rows { get; private set; }

    /// <summary>
    /// Computes what Write stores that follows from the chunk's cells (row WEIGHT and SIGMA, SIGMA_SPECTRUM) on the
    /// calling thread. The pipeline calls it from its steps thread, so the writer's own thread, the slowest stage when
    /// the output is as large as the input (Hanning, regridding), only stores.
    /// </summary>
    public void Prepare(VisChunk c)
    {
        c.SettleRowWeights();
        if (!writeWeightSpectrum || c.SigmaSpectrum is not null) return;
        var sigma = c.SigmaSpectrum = ChunkPool.Rent<float>(c.WeightSpectrum.Length);
        int cell = c.CellSize;
        ComputeThreads.ForBlocks(c.NRow, cell, (r0, n) => RowWeights.SigmaOf(c.WeightSpectrum.AsSpan(r0 * cell, n * cell), sigma.AsSpan(r0 * cell, n * cell)));
    }

    public void Write(VisChunk c)
    {
        if (c.NRow == 0) return;
        Prepare(c);
        long row0 = Rows;
        output.AddRows(c.NRow);
        foreach (var (col, values) in c.IntColumns) output.PutColumn<int>(col, row0, c.NRow, values);
        foreach (var (col, values) in c.DoubleColumns) output.PutColumn<double>(col, row0, c.NRow, values);
        var ddi = ChunkPool.Rent<int>(c.NRow);
        Array.Fill(ddi, ddiMap.GetValueOrDefault(c.Ddi, c.Ddi));
        output.PutColumn<int>("DATA_DESC_ID", row0, c.NRow, ddi);
        ChunkPool.Return(ddi);
        output.PutColumn<bool>("FLAG_ROW", row0, c.NRow, c.FlagRow);
        output.PutCells<double>("UVW", row0, c.NRow, c.Uvw, 3);
        output.PutCells<float>("WEIGHT", row0, c.NRow, c.Weight, c.NCorr);
        output.PutCells<float>("SIGMA", row0, c.NRow, c.Sigma, c.NCorr);
        foreach (var (col, values) in c.Vis)
        {
            if (FloatColumns.IsReal(col))
            {
                var real = ChunkPool.Rent<float>(values.Length);
                FloatColumns.RealPart(values, real);
                output.PutCells<float>(col, row0, c.NRow, real, c.NCorr, c.NChan);
                ChunkPool.Return(real);
            }
            else output.PutCells<ComplexF>(col, row0, c.NRow, values, c.NCorr, c.NChan);
        }
        output.PutCells<bool>("FLAG", row0, c.NRow, c.Flag, c.NCorr, c.NChan);
        if (writeWeightSpectrum)
        {
            output.PutCells<float>("WEIGHT_SPECTRUM", row0, c.NRow, c.WeightSpectrum, c.NCorr, c.NChan);
            output.PutCells<float>("SIGMA_SPECTRUM", row0, c.NRow, c.SigmaSpectrum!, c.NCorr, c.NChan);
        }
        Rows += c.NRow;
    }
}
