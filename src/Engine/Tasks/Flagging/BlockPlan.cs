using MmsMpi.Ms;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// Groups the selected rows of a table into blocks for bulk I/O: runs of rows of one DDI (one cell shape), where
/// short gaps of unselected rows of the same DDI are read along (fewer, larger reads; the gap rows are written back
/// unchanged), then blocks of consecutive runs of one DDI up to a row limit, or with whole scans one block per
/// (scan, field, array, DDI) for agents that work on time × frequency planes.
/// </summary>
public static class BlockPlan
{
    /// <summary>Unselected rows read along rather than starting a new run.</summary>
    public const int Gap = 64;

    /// <param name="selected">rows to process, by table row</param>
    /// <param name="ddi">DATA_DESC_ID of every table row</param>
    /// <param name="scanKey">with whole scans: a key per table row that changes with scan, field or array; else null</param>
    /// <param name="maxRows">row limit of a block of a DDI (ignored with whole scans)</param>
    public static List<List<RowRun>> Blocks(bool[] selected, int[] ddi, long[]? scanKey, Func<int, int> maxRows)
    {
        var runs = Runs(selected, ddi, scanKey, maxRows);
        if (scanKey is not null)
            return runs.GroupBy(r => (scanKey[r.Start], r.Ddi)).Select(g => g.ToList()).ToList();
        var blocks = new List<List<RowRun>>();
        foreach (var run in runs)
        {
            var last = blocks.Count > 0 ? blocks[^1] : null;
            if (last is not null && last[0].Ddi == run.Ddi && last.Sum(r => r.Length) + run.Length <= maxRows(run.Ddi)) last.Add(run);
            else blocks.Add([run]);
        }
        return blocks;
    }

    /// <summary>Runs of selected rows of one DDI (and scan key), gaps up to <see cref="Gap"/> included, at most maxRows long without scan keys.</summary>
    public static List<RowRun> Runs(bool[] selected, int[] ddi, long[]? scanKey, Func<int, int> maxRows)
    {
        var runs = new List<RowRun>();
        long start = -1, last = -1;
        void Close()
        {
            if (start >= 0) runs.Add(new RowRun(start, (int)(last - start + 1), ddi[start]));
            start = -1;
        }
        for (long r = 0; r < selected.Length; r++)
        {
            if (start >= 0 && (ddi[r] != ddi[start] || (scanKey is not null && scanKey[r] != scanKey[start]) || r - last > Gap)) Close();
            if (!selected[r]) continue;
            if (start < 0) start = r;
            last = r;
            if (scanKey is null && last - start + 1 >= maxRows(ddi[start])) Close();
        }
        Close();
        return runs;
    }
}
