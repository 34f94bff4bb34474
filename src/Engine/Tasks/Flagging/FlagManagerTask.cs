using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging;

/// <summary>flagmanager's mode.</summary>
public enum FlagManagerMode { List, Save, Restore, Delete, Rename }

public sealed record FlagManagerParams(string Vis, FlagManagerMode Mode, string VersionName = "", string OldName = "", string Comment = "",
    FlagMerge Merge = FlagMerge.Replace);

/// <summary>
/// flagmanager (task_flagmanager.py) on an MS or a Multi-MS, with the versions flagdata and partition save in
/// &lt;vis&gt;.flagversions: list, save (an existing name is renamed to name.old.&lt;time&gt; first), restore (merge
/// replace/and/or; on an MMS one job per sub-MS on the workers, each restoring its rows of the version table),
/// delete, rename. Every check happens before anything changes; every mode but list holds the writer lock. A restore
/// with merge replace sets every flag, so it also clears the mark an interrupted flagdata left.
/// </summary>
public sealed class FlagManagerTask(TaskContext context, FlagManagerParams p) : InPlaceTaskHelper<IReadOnlyList<(string Name, string Comment)>>(context)
{
    public static void Register(JobTypes types) => types.Job<FlagRestoreJob>("flagrestore");

    private string _vis = "", _dir = "";
    private IReadOnlyList<string> _targets = [];
    private List<Job> _restore = [];

    protected override void Initialize()
    {
        InputVis.RequireExists(p.Vis);
        _vis = Path.GetFullPath(p.Vis);
        using (var ms = InputVis.OpenMs(_vis, writing: p.Mode == FlagManagerMode.Restore))
        {
            if (!ms.HasColumn("FLAG") || !ms.HasColumn("FLAG_ROW")) throw new UserError($"'{p.Vis}' has no FLAG and FLAG_ROW columns");
            _targets = ms.Members();
        }
        _dir = FlagVersions.DirFor(_vis);
        if (p.Mode == FlagManagerMode.List) return;
        if (string.IsNullOrWhiteSpace(p.VersionName)) throw new UserError("Illegal empty versionname: ''");
        if (p.Mode == FlagManagerMode.Save && (p.VersionName.Contains('/') || p.VersionName.Contains('\'')))
            throw new UserError($"Illegal versionname: '{p.VersionName}'");
        if (p.Mode == FlagManagerMode.Rename && string.IsNullOrWhiteSpace(p.OldName)) throw new UserError("Illegal oldname: ''");
        // Every check before the lock: a refused command leaves the MS as it was.
        if (p.Mode is FlagManagerMode.Restore or FlagManagerMode.Delete) FlagVersions.Require(_dir, p.VersionName);
        if (p.Mode == FlagManagerMode.Rename)
        {
            FlagVersions.Require(_dir, p.OldName);
            FlagVersions.RequireFree(_dir, p.VersionName);
        }
        if (p.Mode == FlagManagerMode.Restore) _restore = RestoreJobs();
        LockForWriting(_vis);
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        switch (p.Mode)
        {
            case FlagManagerMode.Save:
                FlagVersions.Save(_vis, _dir, p.VersionName, p.Comment);
                Logger.Info($"Save current flagversions to {p.VersionName}");
                return [];
            case FlagManagerMode.Delete:
                FlagVersions.Delete(_dir, p.VersionName);
                return [];
            case FlagManagerMode.Rename:
                FlagVersions.Rename(_dir, p.OldName, p.VersionName, p.Comment);
                return [];
            case FlagManagerMode.Restore:
                return _restore;
            default:
                return [];
        }
    }

    protected override IReadOnlyList<(string Name, string Comment)> PostExecution(IReadOnlyList<JobResult> results)
    {
        if (p.Mode == FlagManagerMode.Restore && p.Merge == FlagMerge.Replace) FinishWriting();
        return FlagVersions.List(_dir);
    }

    /// <summary>A restore rewrites flags in place; a stopped one is simply run again.</summary>
    protected override bool Writes(Job job) => false;

    protected override string ResumeHint => "flags may be partly restored: run the restore again";

    private List<Job> RestoreJobs()
    {
        var jobs = FlagRestoreJob.For(_targets, FlagVersions.TablePath(_dir, p.VersionName), p.VersionName, _vis, p.Merge).Cast<Job>().ToList();
        Logger.Info($"Restore flagversions {p.VersionName} (merge {p.Merge.ToString().ToLowerInvariant()}): {jobs.Count} job(s)");
        return jobs;
    }
}
