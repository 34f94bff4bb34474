using System.Globalization;
using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging;

/// <summary>flagdata's action: apply (write flags), calculate (count only) or none (validate only).</summary>
public enum FlagAction { Apply, Calculate, None }

/// <summary>flagdata's parameters: the commands (one, or those of list mode's inpfile), action and flagbackup.</summary>
public sealed record FlagDataParams(string Vis, IReadOnlyList<FlagCommand> Commands, bool IsList = false, FlagAction Action = FlagAction.Apply,
    bool FlagBackup = true);

/// <summary>What flagdata did: each command with its merged report, and the flag version saved (if any).</summary>
public sealed record FlagDataResult(IReadOnlyList<(FlagCommand Command, CommandReport Report)> Commands, string? BackupVersion);

/// <summary>
/// flagdata on an MS or a Multi-MS, in place (task_flagdata.py): every command is validated against the whole data set
/// first (modes, parameters, columns, correlations, selections), so bad input changes nothing; then ONE flag backup
/// flagdata_N at MS/MMS level (unless summary only, action calculate/none or flagbackup=false); then one job per
/// sub-MS on the workers (one job for a plain MS): a pre-sweep when needed (quack's scan bounds; shadowed antennas,
/// computed from all rows whatever the selection), then the flagging pass.
/// Per-sub-MS reports are merged on the coordinator by summing (combine_dictionaries).
/// </summary>
public sealed class FlagDataTask(TaskContext context, FlagDataParams p) : InPlaceTaskHelper<FlagDataResult>(context)
{
    public static void Register(JobTypes types) => types.Job<FlagJob>("flag").Report<FlagJobReport>("flag");

    private string _vis = "";
    private IReadOnlyList<FlagCommand> _commands = [];
    private IReadOnlyList<string> _targets = [];
    private Dictionary<string, string> _command = [];
    private bool _write;
    private bool _rflagSweep;
    private string? _backup;

    protected override void Initialize()
    {
        InputVis.RequireExists(p.Vis);
        _vis = Path.GetFullPath(p.Vis);
        bool writes = p.Action == FlagAction.Apply && p.Commands.Any(c => c.ChangesFlags);
        using (var ms = InputVis.OpenMs(_vis, writing: writes))
        {
            _commands = FlagValidation.Check(ms, p.Commands, p.IsList);
            _targets = ms.Members();
            // On the baseline axis a chunk's baselines are in several sub-MSs: rflag's automatic thresholds need their
            // statistics summed first (every other axis keeps a chunk, one scan of one DDI, in one sub-MS).
            _rflagSweep = p.Action == FlagAction.Apply && ms.IsMms() && _commands.Any(c => c.Rflag is not null)
                          && (MmsAssembler.ReadAxisType(_vis) ?? "").Contains("baseline");
        }
        _write = p.Action == FlagAction.Apply && _commands.Any(c => c.ChangesFlags);
        if (!_write) return;
        LockForWriting(_vis);
        _command = new Dictionary<string, string>
        {
            ["vis"] = _vis, ["commands"] = string.Join("\n", _commands.Select(c => c.Text)), ["action"] = p.Action.ToString(),
        };
        RequireNoInterruptedRun(_vis, _command);
        if (p.FlagBackup && ResumedBackup is null)
        {
            _backup = FlagVersions.Backup(_vis, FlagVersions.DirFor(_vis), "flagdata",
                "Flags autosave on " + DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            Logger.Info($"flags saved as version {_backup} in {FlagVersions.DirFor(_vis)}");
        }
        BeginWriting(_command, _backup);
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        if (p.Action == FlagAction.None)
        {
            Logger.Info("action='none': the commands are valid; nothing is run");
            return [];
        }
        if (ResumedBackup is not null) RestoreUnfinished();
        else if (Resuming) Logger.Warn("the interrupted run saved no flag backup: its unfinished sub-MSs are flagged again over the flags it left (modes that depend on earlier flags, e.g. tfcrop, may flag more than an uninterrupted run)");
        IReadOnlyList<CommandReport>? sweep = null;
        if (_commands.Any(c => c.Quack is not null || c.Shadow is not null || c.Aoflagger is not null || c.Antint is not null) || _rflagSweep)
            sweep = Merge(ExecuteJobs(Pass(_commands.Select(c => c.Shadow is null && c.Aoflagger is null ? c : c with { Selection = new SelectionExprs() }).ToList(),
                FlagPassKind.Sweep, null)));
        if (sweep is not null) SayAntintDecisions(sweep);
        return Pass(_commands, FlagPassKind.Flag, sweep);
    }

    protected override FlagDataResult PostExecution(IReadOnlyList<JobResult> results)
    {
        if (p.Action == FlagAction.None) return new FlagDataResult([], null);
        if (results.Any(r => r.Report is null))
            Logger.Warn("the counts cover only the sub-MSs flagged by this run: the interrupted run flagged the others");
        var reports = Merge(results);
        if (_write) FinishWriting();
        Logger.Info($"flagdata done in {Clock.Elapsed.TotalSeconds:F1} s");
        return new FlagDataResult(_commands.Select((c, i) => (c, reports[i])).ToList(), _backup ?? ResumedBackup);
    }

    protected override bool Writes(Job job) => job is FlagJob { Write: true };

    /// <summary>
    /// A resumed run first puts back the flags from before the interrupted run (its backup) in the sub-MSs that run
    /// did not finish, so they are flagged from the same state as in an uninterrupted run (tfcrop and quack's
    /// increment look at existing flags). A sweep (quack, shadow) reads every sub-MS, so then all are restored and
    /// all flagged again.
    /// </summary>
    private void RestoreUnfinished()
    {
        if (_commands.Any(c => c.Quack is not null || c.Shadow is not null)) RedoAll();
        var restore = FlagRestoreJob.For(_targets, FlagVersions.TablePath(FlagVersions.DirFor(_vis), ResumedBackup!), ResumedBackup!, _vis, FlagMerge.Replace)
            .Where(j => !FinishedBefore(j.Name)).Cast<Job>().ToList();
        Logger.Info($"restoring the flags of {ResumedBackup} in the {restore.Count} sub-MS(s) the interrupted run did not finish");
        ExecuteJobs(restore);
    }

    /// <summary>antint verbose: each integration it flags, with the fraction of channels flagged on every reference baseline.</summary>
    private void SayAntintDecisions(IReadOnlyList<CommandReport> sweep)
    {
        for (int i = 0; i < _commands.Count; i++)
        {
            if (_commands[i].Antint is not { Verbose: true } spec) continue;
            foreach (var (key, counts) in (sweep[i].Antint ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (counts.Decide(spec.MinChanFrac) is { Flag: true, Fraction: var fraction })
                {
                    var parts = key.Split(',');
                    double time = double.Parse(parts[1], CultureInfo.InvariantCulture);
                    Logger.Info($"Flagging integration at time: {ListObs.ObsSummaryText.Time(time)} (ddi {parts[0]}, fraction of flagged channels found: {fraction:G6})");
                }
        }
    }

    private List<Job> Pass(IReadOnlyList<FlagCommand> commands, FlagPassKind pass, IReadOnlyList<CommandReport>? sweep)
    {
        Logger.Info($"{pass.ToString().ToLowerInvariant()} pass: {_targets.Count} job(s) on {Cluster.Where}");
        return _targets.Select(ms => (Job)new FlagJob(ms, commands, pass, _write && pass == FlagPassKind.Flag, sweep, _rflagSweep)).ToList();
    }

    /// <summary>The jobs' reports merged per command (a job kept from an interrupted run has none).</summary>
    private List<CommandReport> Merge(IReadOnlyList<JobResult> results)
    {
        var merged = _commands.Select(_ => new CommandReport()).ToList();
        foreach (var report in results.Select(r => r.Report).OfType<FlagJobReport>())
            for (int i = 0; i < merged.Count; i++) merged[i].Merge(report.Commands[i]);
        return merged;
    }
}
