using MmsMpi.Casacore;
using MmsMpi.Runtime;
using MmsMpi.Tasks;

namespace MmsMpi.Flagging;

/// <summary>flagmanager's mode.</summary>
public enum FlagManagerMode { List, Save, Restore, Delete, Rename }

public sealed record FlagManagerParams(string Vis, FlagManagerMode Mode, string VersionName = "", string OldName = "", string Comment = "",
    FlagMerge Merge = FlagMerge.Replace);

/// <summary>
/// flagmanager (task_flagmanager.py) on an MS or a Multi-MS, with the versions flagdata and partition save in
/// &lt;vis&gt;.flagversions: list, save (an existing name is renamed to name.old.&lt;time&gt; first), restore (merge
/// replace/and/or; on an MMS one job per sub-MS on the workers, each restoring its rows of the version table),
/// delete, rename. Every check happens before anything changes.
/// </summary>
public sealed class FlagManagerTask(ICluster cluster)
{
    private static readonly NLog.Logger Logger = Log.For<FlagManagerTask>();

    /// <summary>Runs the mode; returns the versions after it (for list, the listing).</summary>
    public IReadOnlyList<(string Name, string Comment)> Run(FlagManagerParams p)
    {
        InputVis.RequireExists(p.Vis);
        string vis = Path.GetFullPath(p.Vis);
        IReadOnlyList<string> targets;
        using (var ms = InputVis.OpenMs(vis))
        {
            if (!ms.HasColumn("FLAG") || !ms.HasColumn("FLAG_ROW")) throw new UserError($"'{p.Vis}' has no FLAG and FLAG_ROW columns");
            targets = ms.Members();
        }
        string dir = FlagVersions.DirFor(vis);
        if (p.Mode != FlagManagerMode.List && string.IsNullOrWhiteSpace(p.VersionName)) throw new UserError("Illegal empty versionname: ''");
        switch (p.Mode)
        {
            case FlagManagerMode.Save:
                if (p.VersionName.Contains('/') || p.VersionName.Contains('\'')) throw new UserError($"Illegal versionname: '{p.VersionName}'");
                FlagVersions.Save(vis, dir, p.VersionName, p.Comment);
                Logger.Info($"Save current flagversions to {p.VersionName}");
                break;
            case FlagManagerMode.Restore:
                Restore(vis, targets, dir, p.VersionName, p.Merge);
                break;
            case FlagManagerMode.Delete:
                FlagVersions.Delete(dir, p.VersionName);
                break;
            case FlagManagerMode.Rename:
                if (string.IsNullOrWhiteSpace(p.OldName)) throw new UserError("Illegal oldname: ''");
                FlagVersions.Rename(dir, p.OldName, p.VersionName, p.Comment);
                break;
        }
        return FlagVersions.List(dir);
    }

    private void Restore(string vis, IReadOnlyList<string> targets, string dir, string name, FlagMerge merge)
    {
        FlagVersions.Require(dir, name);
        string table = FlagVersions.TablePath(dir, name);
        var rows = targets.Select(t => { using var ms = CasaTable.Open(t); return ms.NRow; }).ToList();
        using (var version = CasaTable.Open(table))
            if (version.NRow != rows.Sum())
                throw new UserError($"flag version {name} has {version.NRow} rows but {Path.GetFileName(vis)} has {rows.Sum()}: it was saved from other data");
        long offset = 0;
        var jobs = targets.Select((t, i) => { var job = new FlagRestoreJob(t, table, offset, merge); offset += rows[i]; return job; }).ToList();
        Logger.Info($"Restore flagversions {name} (merge {merge.ToString().ToLowerInvariant()}): {jobs.Count} job(s)");
        var failed = cluster.Run(jobs, (_, _) => { }).FirstOrDefault(r => r.Error is not null);
        if (failed is not null) throw new UserError($"restoring {name} failed: {failed.Error}");
    }
}
