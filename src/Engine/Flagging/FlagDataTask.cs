using System.Globalization;
using MmsMpi.Casacore;
using MmsMpi.Runtime;
using MmsMpi.Tasks;

namespace MmsMpi.Flagging;

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
public sealed class FlagDataTask(ICluster cluster)
{
    private static readonly NLog.Logger Logger = Log.For<FlagDataTask>();

    public FlagDataResult Run(FlagDataParams p)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        InputVis.RequireExists(p.Vis);
        string vis = Path.GetFullPath(p.Vis);
        IReadOnlyList<FlagCommand> commands;
        IReadOnlyList<string> targets;
        using (var ms = InputVis.OpenMs(vis))
        {
            commands = FlagValidation.Check(ms, p.Commands, p.IsList);
            targets = ms.Members();
        }
        if (p.Action == FlagAction.None)
        {
            Logger.Info("action='none': the commands are valid; nothing is run");
            return new FlagDataResult([], null);
        }
        bool write = p.Action == FlagAction.Apply && commands.Any(c => c.ChangesFlags);
        string? backup = null;
        if (write && p.FlagBackup)
        {
            backup = FlagVersions.Backup(vis, FlagVersions.DirFor(vis), "flagdata",
                "Flags autosave on " + DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            Logger.Info($"flags saved as version {backup} in {FlagVersions.DirFor(vis)}");
        }
        IReadOnlyList<CommandReport>? sweep = null;
        if (commands.Any(c => c.Quack is not null || c.Shadow is not null))
            sweep = RunPass(targets, commands.Select(c => c.Shadow is null ? c : c with { Selection = new SelectionExprs() }).ToList(),
                FlagPassKind.Sweep, false, null);
        var reports = RunPass(targets, commands, FlagPassKind.Flag, write, sweep);
        Logger.Info($"flagdata done in {clock.Elapsed.TotalSeconds:F1} s");
        return new FlagDataResult(commands.Select((c, i) => (c, reports[i])).ToList(), backup);
    }

    /// <summary>One job per target; returns the reports merged per command.</summary>
    private IReadOnlyList<CommandReport> RunPass(IReadOnlyList<string> targets, IReadOnlyList<FlagCommand> commands, FlagPassKind pass,
        bool write, IReadOnlyList<CommandReport>? sweep)
    {
        var jobs = targets.Select(ms => new FlagJob(ms, commands, pass, write, sweep)).ToList();
        Logger.Info($"{pass.ToString().ToLowerInvariant()} pass: {jobs.Count} job(s) on {Math.Max(1, cluster.Workers)} worker(s)");
        var results = cluster.Run(jobs, (i, r) => Logger.Debug(r.Error is null ? $"{Path.GetFileName(jobs[i].Ms)}: {r.Rows} rows" : $"{jobs[i].Ms}: {r.Error}"));
        var failed = results.Select((r, i) => (r, i)).FirstOrDefault(x => x.r.Error is not null);
        if (failed.r is not null) throw new UserError($"flagging {Path.GetFileName(jobs[failed.i].Ms)} failed: {failed.r.Error}");
        var merged = commands.Select(_ => new CommandReport()).ToList();
        foreach (var result in results)
        {
            var report = FlagJob.ReadReport(result);
            for (int i = 0; i < merged.Count; i++) merged[i].Merge(report.Commands[i]);
        }
        return merged;
    }
}
