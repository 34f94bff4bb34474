using MmsMpi.Casacore;

namespace MmsMpi.Transform;

/// <summary>
/// Appends VisChunks to an output MS column by column in bulk, with DATA_DESC_IDs through the output's re-index map
/// (identity when empty); WEIGHT_SPECTRUM and SIGMA_SPECTRUM only if asked.
/// </summary>
public sealed class VisWriter(CasaTable output, bool writeWeightSpectrum, IReadOnlyDictionary<int, int> ddiMap)
{
    public long Rows { get; private set; }

    public void Write(VisChunk c)
    {
        if (c.NRow == 0) return;
        long row0 = Rows;
        output.AddRows(c.NRow);
        foreach (var (col, values) in c.IntColumns) output.PutColumn<int>(col, row0, c.NRow, values);
        foreach (var (col, values) in c.DoubleColumns) output.PutColumn<double>(col, row0, c.NRow, values);
        output.PutColumn<int>("DATA_DESC_ID", row0, c.NRow, Enumerable.Repeat(ddiMap.GetValueOrDefault(c.Ddi, c.Ddi), c.NRow).ToArray());
        output.PutColumn<bool>("FLAG_ROW", row0, c.NRow, c.FlagRow);
        output.PutCells<double>("UVW", row0, c.NRow, c.Uvw, 3);
        output.PutCells<float>("WEIGHT", row0, c.NRow, c.Weight, c.NCorr);
        output.PutCells<float>("SIGMA", row0, c.NRow, c.Sigma, c.NCorr);
        foreach (var (col, values) in c.Vis)
        {
            if (FloatColumns.IsReal(col)) output.PutCells<float>(col, row0, c.NRow, FloatColumns.RealPart(values), c.NCorr, c.NChan);
            else output.PutCells<ComplexF>(col, row0, c.NRow, values, c.NCorr, c.NChan);
        }
        output.PutCells<bool>("FLAG", row0, c.NRow, c.Flag, c.NCorr, c.NChan);
        if (writeWeightSpectrum)
        {
            output.PutCells<float>("WEIGHT_SPECTRUM", row0, c.NRow, c.WeightSpectrum, c.NCorr, c.NChan);
            output.PutCells<float>("SIGMA_SPECTRUM", row0, c.NRow, c.WeightSpectrum.Select(RowWeights.SigmaOf).ToArray(), c.NCorr, c.NChan);
        }
        Rows += c.NRow;
    }
}
