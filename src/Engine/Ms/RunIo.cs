using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>Bulk column I/O over runs of rows: one GetColumn/PutColumn per run, never per cell; values of consecutive runs lie back to back.</summary>
public static class RunIo
{
    /// <summary>Reads the runs (perRow values per row, after the optional in-cell slice).</summary>
    public static void Read<T>(CasaTable table, IReadOnlyList<RowRun> runs, string col, T[] values, int perRow, CellSlice? slice = null)
        where T : unmanaged
    {
        int offset = 0;
        foreach (var run in runs)
        {
            table.GetColumn(col, run.Start, run.Length, values.AsSpan(offset * perRow, run.Length * perRow), slice);
            offset += run.Length;
        }
    }

    /// <summary>Writes the runs; cellShape (casacore order) is needed for array cells written for the first time (a new column).</summary>
    public static void Write<T>(CasaTable table, IReadOnlyList<RowRun> runs, string col, T[] values, int perRow, long[]? cellShape = null)
        where T : unmanaged
    {
        int offset = 0;
        foreach (var run in runs)
        {
            var span = (ReadOnlySpan<T>)values.AsSpan(offset * perRow, run.Length * perRow);
            if (cellShape is null) table.PutColumn(col, run.Start, run.Length, span);
            else table.PutCells(col, run.Start, run.Length, span, cellShape);
            offset += run.Length;
        }
    }

    /// <summary>
    /// Writes FLAG and FLAG_ROW of the runs that hold a changed row, FLAG_ROW recomputed as all(FLAG) for the changed
    /// rows, so it stays true exactly when every cell of its row is flagged (flagdata, applycal).
    /// </summary>
    public static void WriteFlags(CasaTable table, IReadOnlyList<RowRun> runs, bool[] flag, bool[] flagRow, bool[] changed, int cell)
    {
        int offset = 0;
        foreach (var run in runs)
        {
            if (changed.AsSpan(offset, run.Length).Contains(true))
            {
                for (int r = offset; r < offset + run.Length; r++)
                    if (changed[r]) flagRow[r] = !flag.AsSpan(r * cell, cell).Contains(false);
                table.PutColumn("FLAG", run.Start, run.Length, (ReadOnlySpan<bool>)flag.AsSpan(offset * cell, run.Length * cell));
                table.PutColumn("FLAG_ROW", run.Start, run.Length, (ReadOnlySpan<bool>)flagRow.AsSpan(offset, run.Length));
            }
            offset += run.Length;
        }
    }
}
