using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>
/// A run of consecutive input rows of one DDI: the unit of every bulk read and write (mstransform's chunks,
/// flagdata's and applycal's blocks, the flag versions, the UVH5 export). Built here only, in the two forms the tasks
/// have their rows in (a selection's, read in blocks, or a mask over every row), and cut into chunks here only.
/// </summary>
public readonly record struct RowRun(long Start, int Length, int Ddi)
{
    /// <summary>Rows (table row numbers, in order) with the DDI of each, as runs of consecutive rows of one DDI.</summary>
    public static List<RowRun> Consecutive(ReadOnlySpan<long> rows, ReadOnlySpan<int> ddi)
    {
        var runs = new List<RowRun>();
        Extend(runs, rows, ddi);
        return runs;
    }

    /// <summary>Every row of a table (a selection: its rows in the MS) as runs, read in blocks (<see cref="RowBlocks"/>).</summary>
    public static List<RowRun> Consecutive(CasaTable rows, int blockRows = RowBlocks.Rows)
    {
        var runs = new List<RowRun>();
        var numbers = new long[Math.Min(blockRows, rows.NRow)];
        RowBlocks.Scan<int>(rows, "DATA_DESC_ID", (row0, ddi) =>
        {
            var block = numbers.AsSpan(0, ddi.Length);
            rows.RowNumbers(row0, block);
            Extend(runs, block, ddi);
        }, blockRows);
        return runs;
    }

    private static void Extend(List<RowRun> runs, ReadOnlySpan<long> rows, ReadOnlySpan<int> ddi)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (runs.Count > 0 && runs[^1].Ddi == ddi[i] && runs[^1].Start + runs[^1].Length == rows[i])
                runs[^1] = runs[^1] with { Length = runs[^1].Length + 1 };
            else
                runs.Add(new RowRun(rows[i], 1, ddi[i]));
        }
    }

    /// <summary>
    /// The selected rows of a table (a mask over every row, with every row's DDI) as runs of one DDI, where selected
    /// rows at most gap rows apart share a run, the unselected rows between read along (fewer, larger reads; the
    /// caller writes them back unchanged); gap ≤ 1: consecutive rows only. With a key per row (scan, field, array)
    /// no run crosses a change of key.
    /// </summary>
    public static List<RowRun> Selected(bool[] selected, int[] ddi, int gap, long[]? key = null)
    {
        var runs = new List<RowRun>();
        long start = -1, last = -1;
        for (long r = 0; r < selected.Length; r++)
        {
            if (start >= 0 && (ddi[r] != ddi[start] || (key is not null && key[r] != key[start]) || r - last > Math.Max(gap, 1)))
            {
                runs.Add(new RowRun(start, (int)(last - start + 1), ddi[start]));
                start = -1;
            }
            if (!selected[r]) continue;
            if (start < 0) start = r;
            last = r;
        }
        if (start >= 0) runs.Add(new RowRun(start, (int)(last - start + 1), ddi[start]));
        return runs;
    }

    /// <summary>
    /// The runs, in order, as chunks of maxRows(ddi) rows of one DDI (fewer only where a DDI's stretch of runs ends):
    /// long runs cut, short ones joined, so chunks are about the same size whatever the runs (and the pool serves them).
    /// </summary>
    public static IEnumerable<List<RowRun>> Chunks(IEnumerable<RowRun> runs, Func<int, int> maxRows)
    {
        var pieces = new List<RowRun>();
        int rows = 0;
        foreach (var run in runs)
        {
            if (pieces.Count > 0 && pieces[0].Ddi != run.Ddi)
            {
                yield return pieces;
                (pieces, rows) = ([], 0);
            }
            int max = maxRows(run.Ddi);
            for (int done = 0; done < run.Length;)
            {
                int take = Math.Min(run.Length - done, max - rows);
                pieces.Add(new RowRun(run.Start + done, take, run.Ddi));
                (done, rows) = (done + take, rows + take);
                if (rows < max) continue;
                yield return pieces;
                (pieces, rows) = ([], 0);
            }
        }
        if (pieces.Count > 0) yield return pieces;
    }
}
