using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Calibration;

/// <summary>What a calibration pass reads and writes, fixed by the apply mode and calwt.</summary>
public sealed record CalColumns(bool Data, bool Flags, bool Weights, bool NewCorrected, bool HasWeightSpectrum, bool HasSigmaSpectrum);

/// <summary>
/// Bulk reads and writes of <see cref="CalBlock"/>s, run by run (pooled arrays, handed back by <see cref="Release"/>).
/// Existing CORRECTED_DATA is read only where cells stay as they were (rows read along, a partial channel or
/// correlation selection); a new column is written whole, DATA where nothing is calibrated.
/// </summary>
public sealed class CalBlockIo(CasaTable table, MsCalLayout layout, CalColumns columns)
{
    /// <summary>Bytes of visibility cells a block may hold: a few MiB, so a block stays in cache between read, apply and write.</summary>
    private const long BlockBytes = 8L << 20;

    public int MaxRows(int ddi)
    {
        long cell = layout.Flags.NChan(ddi) * (long)layout.Flags.NCorr(ddi);
        return (int)Math.Clamp(BlockBytes / (cell * 8 * 2 + 1), 1, int.MaxValue);
    }

    public CalBlock Read(IReadOnlyList<RowRun> runs, bool[] selectedRows, bool keepCells)
    {
        int ddi = runs[0].Ddi, nchan = layout.Flags.NChan(ddi), ncorr = layout.Flags.NCorr(ddi), nrow = runs.Sum(r => r.Length);
        int cells = nrow * nchan * ncorr;
        var selected = new bool[nrow];
        int at = 0;
        foreach (var run in runs)
            for (int i = 0; i < run.Length; i++) selected[at++] = selectedRows[run.Start + i];
        bool weights = columns.Weights;
        // Cells the block rewrites whole need not be read: only where some stay as they were (rows read along,
        // a partial channel or correlation selection, rows of an spw left uncalibrated).
        bool keep = keepCells || selected.Contains(false);
        var block = new CalBlock
        {
            Spw = layout.Flags.DdiSpw[ddi], Pol = layout.Flags.DdiPol[ddi], NChan = nchan, NCorr = ncorr, Runs = runs, Selected = selected,
            Freqs = layout.SpwFreqs[layout.Flags.DdiSpw[ddi]], CorrProducts = layout.CorrProducts[layout.Flags.DdiPol[ddi]],
            Time = Rent<double>(runs, "TIME", 1), Field = Rent<int>(runs, "FIELD_ID", 1), Antenna1 = Rent<int>(runs, "ANTENNA1", 1),
            Antenna2 = Rent<int>(runs, "ANTENNA2", 1), Observation = Rent<int>(runs, "OBSERVATION_ID", 1),
            Data = columns.Data ? Rent<ComplexF>(runs, "DATA", nchan * ncorr) : [],
            Corrected = !columns.Data ? [] : !columns.NewCorrected && keep ? Rent<ComplexF>(runs, "CORRECTED_DATA", nchan * ncorr) : ChunkPool.Rent<ComplexF>(cells),
            Flag = Rent<bool>(runs, "FLAG", nchan * ncorr), FlagRow = columns.Flags ? Rent<bool>(runs, "FLAG_ROW", 1) : [],
            FlagChanged = ChunkPool.RentCleared<bool>(nrow),
            Weight = weights ? Rent<float>(runs, "WEIGHT", ncorr) : [], Sigma = weights ? Rent<float>(runs, "SIGMA", ncorr) : [],
            WeightSpectrum = !weights || !columns.HasWeightSpectrum ? [] : keep ? Rent<float>(runs, "WEIGHT_SPECTRUM", nchan * ncorr) : ChunkPool.Rent<float>(cells),
            SigmaSpectrum = weights && columns.HasWeightSpectrum && columns.HasSigmaSpectrum ? Rent<float>(runs, "SIGMA_SPECTRUM", nchan * ncorr) : [],
        };
        if (columns.NewCorrected) block.Data.CopyTo(block.Corrected, 0);
        return block;
    }

    /// <summary>Writes CORRECTED_DATA and the weights of the whole block, FLAG and FLAG_ROW of the runs whose flags changed.</summary>
    public void Write(CalBlock block)
    {
        int cell = block.CellSize;
        if (columns.Data)
            RunIo.Write(table, block.Runs, "CORRECTED_DATA", block.Corrected, cell, columns.NewCorrected ? [block.NCorr, block.NChan] : null);
        if (columns.Weights)
        {
            RunIo.Write(table, block.Runs, "WEIGHT", block.Weight, block.NCorr);
            if (block.WeightSpectrum.Length > 0) RunIo.Write(table, block.Runs, "WEIGHT_SPECTRUM", block.WeightSpectrum, cell);
        }
        if (columns.Flags) RunIo.WriteFlags(table, block.Runs, block.Flag, block.FlagRow, block.FlagChanged, cell);
    }

    public static void Release(CalBlock b)
    {
        ChunkPool.Return(b.Time); ChunkPool.Return(b.Field); ChunkPool.Return(b.Antenna1); ChunkPool.Return(b.Antenna2);
        ChunkPool.Return(b.Observation); ChunkPool.Return(b.Data); ChunkPool.Return(b.Corrected); ChunkPool.Return(b.Flag);
        ChunkPool.Return(b.FlagRow); ChunkPool.Return(b.FlagChanged); ChunkPool.Return(b.Weight); ChunkPool.Return(b.Sigma);
        ChunkPool.Return(b.WeightSpectrum); ChunkPool.Return(b.SigmaSpectrum);
    }

    private T[] Rent<T>(IReadOnlyList<RowRun> runs, string col, int perRow) where T : unmanaged
    {
        var values = ChunkPool.Rent<T>(runs.Sum(r => r.Length) * perRow);
        RunIo.Read(table, runs, col, values, perRow);
        return values;
    }
}
