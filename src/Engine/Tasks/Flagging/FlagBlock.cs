using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// Rows of one DDI read together (one or more runs of table rows): FLAG cells (nchan × ncorr, correlation fastest as
/// in casacore), FLAG_ROW, and the scalar, UVW and visibility columns the agents asked for. Agents change FLAG through
/// <see cref="Set"/>, which counts the change and marks the row for writing.
/// </summary>
public sealed class FlagBlock
{
    public required int Ddi { get; init; }
    public required int Spw { get; init; }
    public required int Pol { get; init; }
    public required int NChan { get; init; }
    public required int NCorr { get; init; }
    public required IReadOnlyList<RowRun> Runs { get; init; }
    /// <summary>Table row number of each block row.</summary>
    public required long[] RowNumbers { get; init; }
    public required bool[] Flag { get; init; }
    /// <summary>Averaging weights per cell, when an agent asked for them (else empty).</summary>
    public required float[] Weights { get; init; }
    /// <summary>FLAG as read, when an agent asked for it (else empty).</summary>
    public required bool[] OriginalFlag { get; init; }
    public required bool[] FlagRow { get; init; }
    public required Dictionary<string, int[]> Ints { get; init; }
    public required Dictionary<string, double[]> Doubles { get; init; }
    /// <summary>UVW (3 per row) when an agent asked for it, else empty.</summary>
    public required double[] Uvw { get; init; }
    /// <summary>Visibilities by datacolumn name (DATA, CORRECTED, RESIDUAL, FLOAT_DATA as real parts, ...).</summary>
    public required Dictionary<string, ComplexF[]> Vis { get; init; }
    /// <summary>Rows whose FLAG changed (to be written, FLAG_ROW recomputed).</summary>
    public required bool[] Changed { get; init; }

    public int NRow => RowNumbers.Length;
    public int CellSize => NChan * NCorr;
    public bool AnyChanged => Changed.Contains(true);

    public int Index(int row, int chan, int corr) => (row * NChan + chan) * NCorr + corr;

    /// <summary>Hands the block's arrays back to <see cref="ChunkPool"/> once it is written; nothing may use it afterwards.</summary>
    public void Release()
    {
        ChunkPool.Return(RowNumbers);
        ChunkPool.Return(Flag);
        ChunkPool.Return(OriginalFlag);
        ChunkPool.Return(Weights);
        ChunkPool.Return(FlagRow);
        ChunkPool.Return(Changed);
        foreach (var v in Ints.Values) ChunkPool.Return(v);
        foreach (var v in Doubles.Values) ChunkPool.Return(v);
        ChunkPool.Return(Uvw);
        foreach (var v in Vis.Values) ChunkPool.Return(v);
    }

    /// <summary>Sets one cell; counts a change in the report and marks the row.</summary>
    public void Set(int row, int chan, int corr, bool value, CommandReport report)
    {
        ref bool cell = ref Flag[Index(row, chan, corr)];
        if (cell == value) return;
        cell = value;
        Changed[row] = true;
        if (value) report.Flagged++;
        else report.Unflagged++;
    }

    /// <summary>Counts <paramref name="flagged"/> cells of a row an agent flagged in <see cref="Flag"/> itself (whole rows at once), as <see cref="Set"/> would have.</summary>
    public void CountFlagged(int row, int flagged, CommandReport report)
    {
        if (flagged == 0) return;
        Changed[row] = true;
        report.Flagged += flagged;
    }

    /// <summary>Sets every selected cell of a row (row-based agents: manual, unflag, quack).</summary>
    public void SetRow(int row, BlockCells cells, bool value, CommandReport report)
    {
        for (int ch = 0; ch < NChan; ch++)
            if (cells.Channels[ch])
                for (int k = 0; k < NCorr; k++)
                    if (cells.Correlations[k]) Set(row, ch, k, value, report);
    }
}

/// <summary>The cells of a block one command selected: block row indices, channel and correlation masks.</summary>
public readonly record struct BlockCells(int[] Rows, bool[] Channels, bool[] Correlations)
{
    public int CellsPerRow => Channels.Count(c => c) * Correlations.Count(c => c);
}
