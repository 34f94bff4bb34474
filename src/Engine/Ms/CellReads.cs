using MmsMpi.Casacore;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Ms;

/// <summary>The cell reads mstransform's <see cref="VisReader"/> and flagdata's blocks share, run by run in bulk (<see cref="RunIo"/>).</summary>
public static class CellReads
{
    /// <summary>
    /// A column of real cells (single-dish FLOAT_DATA; WEIGHT_SPECTRUM flagged as data) as complex values with a zero
    /// imaginary part: every step and agent is linear in the data, so the real part is what a float pipeline would give.
    /// </summary>
    public static void RealAsComplex(CasaTable table, IReadOnlyList<RowRun> runs, string column, ComplexF[] dest, int perRow, CellSlice? slice = null)
    {
        var real = ChunkPool.Rent<float>(dest.Length);
        RunIo.Read(table, runs, column, real, perRow, slice);
        for (int i = 0; i < dest.Length; i++) dest[i] = new ComplexF(real[i], 0);
        ChunkPool.Return(real);
    }

    /// <summary>Whether the column exists and its cells hold values (an MS may declare WEIGHT_SPECTRUM and leave it empty).</summary>
    public static bool Filled(CasaTable table, string column, long row) =>
        table.HasColumn(column) && table.NRow > 0 && table.IsDefined(column, row);

    /// <summary>Each row's per-correlation values over all its channels (WEIGHT for a missing WEIGHT_SPECTRUM, as CASA fills it).</summary>
    public static void RepeatOverChannels(ReadOnlySpan<float> perRow, Span<float> perCell, int nrow, int nchan, int ncorr)
    {
        for (int r = 0; r < nrow; r++)
        {
            var row = perRow.Slice(r * ncorr, ncorr);
            for (int ch = 0; ch < nchan; ch++) row.CopyTo(perCell.Slice((r * nchan + ch) * ncorr, ncorr));
        }
    }
}
