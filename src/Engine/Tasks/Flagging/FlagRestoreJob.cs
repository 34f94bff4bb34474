using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging;

/// <summary>flagmanager's merge of a saved version into the current flags (FlagVersion::saveFlagsInto).</summary>
public enum FlagMerge { Replace, And, Or }

/// <summary>
/// Restores a saved flag version into one MS or sub-MS: version rows [Offset, Offset + nrow) go to the table's rows
/// [0, nrow), FLAG and FLAG_ROW as saved (replace) or combined with the current ones (and/or), in bulk runs of rows of
/// one cell shape. FLAG_ROW is restored as saved, not recomputed, so save → flag → restore is exact bit for bit.
/// </summary>
public sealed record FlagRestoreJob(string Ms, string VersionTable, long Offset, FlagMerge Merge) : Job
{
    public override string Name => Path.GetFileName(Ms);

    public override JobResult Run(CancellationToken cancel)
    {
        using var ms = CasaTable.Open(Ms, writable: true);
        using var version = CasaTable.Open(VersionTable);
        var layout = MsFlagLayout.Read(ms);
        long nrow = ms.NRow;
        var all = new bool[nrow];
        Array.Fill(all, true);
        var ddi = ms.GetColumn<int>("DATA_DESC_ID");
        foreach (var run in BlockPlan.Runs(all, ddi, null, d => (int)Math.Max(1, FlagBlockIo.BlockBytes / (layout.NChan(d) * layout.NCorr(d)))))
        {
            cancel.ThrowIfCancellationRequested();
            Copy(version, ms, "FLAG", run.Start, run.Length, layout.NChan(run.Ddi) * layout.NCorr(run.Ddi));
            Copy(version, ms, "FLAG_ROW", run.Start, run.Length, 1);
        }
        ms.Flush();
        return new JobResult(nrow);
    }

    private void Copy(CasaTable version, CasaTable ms, string column, long row0, int nrow, int perRow)
    {
        var saved = new bool[nrow * perRow];
        version.GetColumn(column, Offset + row0, nrow, saved.AsSpan());
        if (Merge != FlagMerge.Replace)
        {
            var current = new bool[saved.Length];
            ms.GetColumn(column, row0, nrow, current.AsSpan());
            for (int i = 0; i < saved.Length; i++) saved[i] = Merge == FlagMerge.And ? saved[i] && current[i] : saved[i] || current[i];
        }
        ms.PutColumn(column, row0, nrow, (ReadOnlySpan<bool>)saved);
    }
}
