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
        var runs = RowRun.Selected(selected, ddi, Gap, scanKey);
        return scanKey is not null
            ? runs.GroupBy(r => (scanKey[r.Start], r.Ddi)).Select(g => g.ToList()).ToList()
            : RowRun.Chunks(runs, maxRows).ToList();
    }
}
