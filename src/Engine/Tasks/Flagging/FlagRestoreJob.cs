using MmsMpi.Casacore;
using MmsMpi.Ms;
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

    public override IReadOnlyList<string> Holds => [Ms, VersionTable];

    /// <summary>
    /// One job per target (the MS, or each sub-MS in MMS order) restoring its rows of the version table; refuses a
    /// version saved from other data.
    /// </summary>
    public static List<FlagRestoreJob> For(IReadOnlyList<string> targets, string versionTable, string versionName, string vis, FlagMerge merge)
    {
        var rows = targets.Select(t => { using var ms = CasaTable.Open(t); return ms.NRow; }).ToList();
        using (var version = CasaTable.Open(versionTable))
            if (version.NRow != rows.Sum())
                throw new UserError($"flag version {versionName} has {version.NRow} rows but {Path.GetFileName(vis)} has {rows.Sum()}: it was saved from other data");
        long offset = 0;
        return targets.Select((t, i) => { var job = new FlagRestoreJob(t, versionTable, offset, merge); offset += rows[i]; return job; }).ToList();
    }

    public override JobResult Run(CancellationToken cancel)
    {
        using var ms = CasaTable.Open(Ms, writable: true);
        using var version = CasaTable.Open(VersionTable);
        var layout = MsFlagLayout.Read(ms);
        long nrow = ms.NRow;
        var all = new bool[nrow];
        Array.Fill(all, true);
        var runs = RowRun.Selected(all, ms.GetColumn<int>("DATA_DESC_ID"), gap: 0);
        foreach (var run in RowRun.Chunks(runs, d => (int)Math.Max(1, FlagBlockIo.BlockBytes / (layout.NChan(d) * layout.NCorr(d)))).SelectMany(c => c))
        {
            cancel.ThrowIfCancellationRequested();
            Copy(version, ms, "FLAG", run.Start, run.Length, layout.NChan(run.Ddi) * layout.NCorr(run.Ddi));
            Copy(version, ms, "FLAG_ROW", run.Start, run.Length, 1);
            RowMeter.Add(run.Length);
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
