namespace MmsMpi.Ms;

/// <summary>A run of consecutive input rows of one DDI.</summary>
public readonly record struct RowRun(long Start, int Length, int Ddi)
{
    /// <summary>Rows (table row numbers, in order) as runs of consecutive rows of one DDI.</summary>
    public static List<RowRun> Consecutive(IReadOnlyList<long> rows, IReadOnlyList<int> ddi)
    {
        var runs = new List<RowRun>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (runs.Count > 0 && runs[^1].Ddi == ddi[i] && runs[^1].Start + runs[^1].Length == rows[i])
                runs[^1] = runs[^1] with { Length = runs[^1].Length + 1 };
            else
                runs.Add(new RowRun(rows[i], 1, ddi[i]));
        }
        return runs;
    }
}
