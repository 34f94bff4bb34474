using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>
/// A scalar column of every row of a table, read in blocks into one reused buffer: planning over a whole MS holds no
/// array of every row, so a job's peak memory does not grow with the MS (a 4× MS had added ~70 bytes a row).
/// </summary>
public static class RowBlocks
{
    public const int Rows = 1 << 16;

    public delegate void Visitor<T>(long row0, ReadOnlySpan<T> values);

    public static void Scan<T>(CasaTable table, string column, Visitor<T> visit, int blockRows = Rows) where T : unmanaged
    {
        long nrow = table.NRow;
        var buffer = new T[(int)Math.Min(blockRows, nrow)];
        for (long row0 = 0; row0 < nrow; row0 += blockRows)
        {
            var block = buffer.AsSpan(0, (int)Math.Min(blockRows, nrow - row0));
            table.GetColumn(column, row0, block.Length, block);
            visit(row0, block);
        }
    }

    /// <summary>The distinct values of an integer column (scans, DDIs).</summary>
    public static HashSet<int> Distinct(CasaTable table, string column)
    {
        var values = new HashSet<int>();
        Scan<int>(table, column, (_, block) => { foreach (int v in block) values.Add(v); });
        return values;
    }

    /// <summary>The smallest value of a column and its first row (-1 in an empty table).</summary>
    public static (double Min, long Row) Min(CasaTable table, string column)
    {
        (double min, long row) = (double.PositiveInfinity, -1L);
        Scan<double>(table, column, (row0, block) =>
        {
            for (int i = 0; i < block.Length; i++)
                if (block[i] < min) (min, row) = (block[i], row0 + i);
        });
        return (row < 0 ? 0 : min, row);
    }
}
