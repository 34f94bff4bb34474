using System.Globalization;
using MmsMpi.Calibration;
using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Calibration;

/// <summary>applycal's parameters, with the per-table lists already paired up into <see cref="ApplySpec"/>s.</summary>
public sealed record ApplyCalParams(string Vis, IReadOnlyList<ApplySpec> Tables, ApplyMode Mode, SelectionExprs Selection, bool FlagBackup = true);

/// <summary>What applycal did: the tables in the order they were applied, the merged counts, the flag version saved.</summary>
public sealed record ApplyCalResult(IReadOnlyList<(string Table, CalType Type)> Applied, CalCounts Counts, string? BackupVersion);

/// <summary>
/// applycal on an MS or a Multi-MS, in place (task_applycal.py and the design document's Figure 4): every table,
/// its parameters and the selection are checked against the whole data set first, so bad input writes nothing;
/// the gaintable paths are absolute so every engine finds them; one flag backup applycal_N at MS/MMS level when
/// flags can change (not calonly, not trial); then one job per sub-MS; their counts are summed.
/// </summary>
public sealed class ApplyCalTask(TaskContext context, ApplyCalParams p) : InPlaceTaskHelper<ApplyCalResult>(context)
{
    public static void Register(JobTypes types) => types.Job<ApplyCalJob>("applycal").Report<ApplyCalReport>("applycal");

    private string _vis = "";
    private IReadOnlyList<ApplySpec> _tables = [];
    private IReadOnlyList<(string, CalType)> _applied = [];
    private IReadOnlyList<string> _targets = [];
    private string? _backup;

    protected override void Initialize()
    {
        InputVis.RequireExists(p.Vis);
        _vis = Path.GetFullPath(p.Vis);
        if (p.Tables.Count == 0) throw new UserError("no gaintable given: nothing to apply");
        _tables = p.Tables.Select(t => t with { Table = Path.GetFullPath(t.Table) }).ToList();
        bool writes = p.Mode != ApplyMode.Trial;
        using (var ms = InputVis.OpenMs(_vis, writing: writes))
        {
            if (!ms.HasColumn("DATA")) throw new UserError($"{p.Vis} has no DATA column to calibrate");
            var terms = CalibrationCheck.Terms(ms, _vis, _tables);
            _applied = terms.Select(t => (t.Name, t.Type)).ToList();
            if (p.Mode.WritesData() && terms.Any(t => t.CalWt) && CellReads.Filled(ms, "WEIGHT_SPECTRUM", 0))
                Logger.Info("Found valid WEIGHT_SPECTRUM, correcting it.");
            if (!p.Selection.IsEmpty) InputVis.Select(ms, p.Selection).Dispose();
            _targets = ms.Members();
        }
        if (!writes) return;
        LockForWriting(_vis);
        var command = Command();
        RequireNoInterruptedRun(_vis, command);
        if (p.FlagBackup && p.Mode.WritesFlags() && ResumedBackup is null)
        {
            _backup = FlagVersions.Backup(_vis, FlagVersions.DirFor(_vis), "applycal",
                "Flags autosave on " + DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            Logger.Info($"flags saved as version {_backup} in {FlagVersions.DirFor(_vis)}");
        }
        BeginWriting(command, _backup);
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        if (p.Mode.WritesData()) ScratchColumns.Add(_targets, "CORRECTED_DATA");
        Logger.Info($"applying {string.Join(", ", _applied.Select(a => $"{a.Item1} ({a.Item2} Jones)"))}, applymode={p.Mode.Name()}: " +
                    $"{_targets.Count} job(s) on {Cluster.Where}");
        return _targets.Select(ms => (Job)new ApplyCalJob(ms, _tables, p.Mode, p.Selection)).ToList();
    }

    protected override ApplyCalResult PostExecution(IReadOnlyList<JobResult> results)
    {
        var counts = CalCounts.For(_applied.Count);
        foreach (var report in results.Select(r => r.Report).OfType<ApplyCalReport>()) counts.Merge(report.Counts);
        if (results.Any(r => r.Report is null))
            Logger.Warn("the counts cover only the sub-MSs calibrated by this run: the interrupted run calibrated the others");
        foreach (var line in counts.Unsolved) Logger.Warn(line);
        if (counts.UncalibratedSpws.Count > 0)
            Logger.Warn($"Spectral window(s) {string.Join(", ", counts.UncalibratedSpws)} could not be corrected due to missing (pre-)calibration " +
                        "in one or more of the specified tables. " + (p.Mode.Strict() ? "These spws have been flagged!" : "Please check your results carefully!"));
        if (p.Mode != ApplyMode.Trial) FinishWriting();
        Logger.Info($"applycal done in {Clock.Elapsed.TotalSeconds:F1} s");
        return new ApplyCalResult(_applied, counts, _backup ?? ResumedBackup);
    }

    protected override bool Writes(Job job) => job is ApplyCalJob { Mode: not ApplyMode.Trial };

    private Dictionary<string, string> Command() => new()
    {
        ["vis"] = _vis,
        ["tables"] = string.Join("\n", _tables.Select(t => $"{t.Table} interp={t.Interp} spwmap=[{string.Join(",", t.SpwMap ?? [])}] gainfield={t.GainField} calwt={t.CalWt}")),
        ["applymode"] = p.Mode.Name(),
        ["selection"] = p.Selection.ToString(),
    };
}

/// <summary>Checks of calibration tables against the MS they are applied to, done once on the coordinator.</summary>
public static class CalibrationCheck
{
    /// <summary>
    /// Reads every table and builds its term on the MS (which checks interp, spwmap and gainfield); a table made for
    /// another MS (other antennas or spectral windows) is refused.
    /// </summary>
    public static IReadOnlyList<JonesTerm> Terms(CasaTable ms, string vis, IReadOnlyList<ApplySpec> tables)
    {
        var layout = MsCalLayout.Read(ms);
        var terms = new List<JonesTerm>();
        foreach (var spec in tables)
        {
            var table = CalTable.Read(spec.Table);
            var names = layout.Flags.AntennaNames;
            if (!table.AntennaNames.SequenceEqual(names))
                throw new UserError($"gaintable {table.Name} was made for another MS: its ANTENNA table has {table.AntennaNames.Length} antennas " +
                                    $"({Brief(table.AntennaNames)}), {Path.GetFileName(vis)} has {names.Length} ({Brief(names)})");
            if (table.SpwFreqs.Length != layout.SpwFreqs.Length)
                throw new UserError($"gaintable {table.Name} was made for another MS: its SPECTRAL_WINDOW table has {table.SpwFreqs.Length} rows, " +
                                    $"{Path.GetFileName(vis)} has {layout.SpwFreqs.Length}");
            terms.Add(new JonesTerm(table, spec, layout));
        }
        return terms.OrderBy(t => t.Type).ToList();
    }

    private static string Brief(string[] names) => names.Length <= 4 ? string.Join(",", names) : $"{names[0]},{names[1]},...,{names[^1]}";
}
