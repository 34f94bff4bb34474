using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>Bulk column I/O over runs of rows: one GetColumn/PutColumn per run, never per cell; values of consecutive runs lie back to back.</summary>
public static class RunIo
{
    public static void Read<T>(CasaTable table, IReadOnlyList<RowRun> runs, string col, T[] values, int perRow) where T : unmanaged
    {
        int offset = 0;
        foreach (var run in runs)
        {
            table.GetColumn(col, run.Start, run.Length, values.AsSpan(offset * perRow, run.Length * perRow));
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
}
