using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmsMpi.Tasks.Flagging;

using MmsMpi.Plots;

namespace MmsMpi.Cli;

/// <summary>`flagdata` and `flagmanager`: CASA's flagging tasks on an MS or a Multi-MS (sub-MSs on the workers).</summary>
public static class FlagCommands
{
    /// <summary>Mode parameters, by CASA name; only those given on the command line reach the command (defaults are CASA's).</summary>
    private static readonly (string Name, string Description)[] ModeParameters =
    [
        ("autocorr", "manual: flag only auto-correlations (true|false)"),
        ("datacolumn", "clip/tfcrop: data, corrected, model, residual, residual_data, float_data, weight_spectrum (data)"),
        ("clipminmax", "clip: range [min,max] of good values, e.g. [0,50] or --clipminmax=-1,1; empty: only NaN/Inf are flagged"),
        ("clipoutside", "clip: flag outside the range (true) or inside it (false)"),
        ("clipzeros", "clip: also flag zeros (true|false)"),
        ("channelavg", "clip: average channels before clipping (false)"),
        ("chanbin", "clip: channels per bin, one value or one per spw (1: all channels in one; 0: none)"),
        ("timeavg", "clip: average in time before clipping (false)"),
        ("timebin", "clip: the time bin, e.g. 10s or 1min (0s)"),
        ("quackinterval", "quack: seconds (1.0)"),
        ("quackmode", "quack: beg, endb, tail or end (beg)"),
        ("quackincrement", "quack: count the interval from the first unflagged data (false)"),
        ("tolerance", "shadow: metres subtracted from the mean dish diameter (0); write --tolerance=-5 for negative values"),
        ("addantenna", "shadow: file of antennas not in the MS that can shadow it (name=, diameter=, position=[x, y, z] ITRF m)"),
        ("lowerlimit", "elevation: flag below this elevation in degrees (0)"),
        ("upperlimit", "elevation: flag above this elevation in degrees (90)"),
        ("spwchan", "summary: counts per spw:channel"),
        ("spwcorr", "summary: counts per spw:correlation"),
        ("basecnt", "summary: counts per baseline and antenna:scan"),
        ("fieldcnt", "summary: one breakdown per field"),
        ("name", "summary: name of the report (Summary)"),
        ("minrel", "summary: drop entries flagged less than this fraction (0.0)"),
        ("maxrel", "summary: drop entries flagged more than this fraction (1.0)"),
        ("minabs", "summary: drop entries with fewer flagged cells (0)"),
        ("maxabs", "summary: drop entries with more flagged cells (-1: no limit)"),
        ("extendpols", "extend: a flag in one selected correlation flags them all (true)"),
        ("growtime", "extend: flag a channel at all times when flagged in at least this percentage of them (50; 0: off)"),
        ("growfreq", "extend: flag a time in all channels when flagged in at least this percentage of them (50; 0: off)"),
        ("growaround", "extend: flag a cell with 5 or more of its 8 time-frequency neighbours flagged (false)"),
        ("flagneartime", "extend: flag the times next to a flag (false)"),
        ("flagnearfreq", "extend: flag the channels next to a flag (false)"),
        ("winsize", "rflag: timesteps of the sliding window (3)"),
        ("timedev", "rflag: time threshold: a number, [[field,spw,value],...] or empty (computed from the data)"),
        ("freqdev", "rflag: frequency threshold, as timedev"),
        ("timedevscale", "rflag: the time threshold is multiplied by this (5.0)"),
        ("freqdevscale", "rflag: the frequency threshold is multiplied by this (5.0)"),
        ("spectralmax", "rflag: flag a whole spectrum whose spread (1.4826 MAD) is above this (1E6)"),
        ("spectralmin", "rflag: flag a whole spectrum whose spread is below this (0.0)"),
        ("antint_ref_antenna", "antint: the reference antenna's name (mandatory)"),
        ("minchanfrac", "antint: flag an integration when more than this fraction of channels is flagged on all the reference antenna's baselines (0.6)"),
        ("verbose", "antint: say each integration flagged"),
        ("strategy", "aoflagger: a Lua strategy file (default: AOFlagger's strategy for the telescope)"),
        ("timecutoff", "tfcrop: cutoff in robust sigmas along time (4.0)"),
        ("freqcutoff", "tfcrop: cutoff in robust sigmas along frequency (3.0)"),
        ("timefit", "tfcrop: fit along time, line or poly (line)"),
        ("freqfit", "tfcrop: fit along frequency, line or poly (poly)"),
        ("maxnpieces", "tfcrop: pieces of the piecewise polynomial (7)"),
        ("flagdimension", "tfcrop: freqtime, timefreq, freq or time (freqtime)"),
        ("usewindowstats", "tfcrop: sliding-window statistics none, sum, std or both (none)"),
        ("halfwin", "tfcrop: half width of the window, 1 to 3 (1)"),
        ("extendflags", "tfcrop/rflag: extend flags across time, frequency and polarization (true)"),
        ("ntime", "tfcrop/rflag/extend: time chunk, only 'scan'"),
        ("combinescans", "tfcrop/rflag/extend: only false"),
    ];

    /// <summary>Boolean parameters: given bare (--clipzeros) they mean true.</summary>
    private static readonly string[] Switches = ["autocorr", "clipoutside", "clipzeros", "quackincrement", "spwchan", "spwcorr", "basecnt", "fieldcnt",
        "extendflags", "combinescans", "extendpols", "growaround", "flagneartime", "flagnearfreq", "verbose", "channelavg", "timeavg"];

    public static Command FlagData()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS to flag (in place)", required: true);
        var mode = Options.Text("--mode", "manual, unflag, clip, quack, shadow, elevation, summary, tfcrop, rflag, extend, antint, aoflagger or list", "manual");
        var action = Options.Text("--action", "apply, calculate (count only) or none", "apply");
        var flagBackup = Options.Bool("--flagbackup", "Save the flags as version flagdata_N before changing them", true);
        var summaryJson = Options.Text("--summary-json", "Write the summary dictionary (CASA's return value) to this file");
        var plot = Options.Text("--plot", "summary: draw the flagged fraction per antenna, spw, scan and channel into this PNG file");
        var inpfile = new Option<string[]>("--inpfile") { Description = "list: a file of flag commands, or a command string (repeatable)" };
        var reason = Options.Text("--reason", "list: apply only commands with this reason (comma list; any)", "any");
        var resume = Options.Resume();
        var selection = new SelectionOptions();
        var modeOptions = ModeParameters.ToDictionary(p => p.Name, p => new Option<string>("--" + p.Name)
        {
            Description = p.Description,
            Arity = Switches.Contains(p.Name) ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        });

        var command = new Command("flagdata", "Flag (manual, clip, quack, shadow, tfcrop, list), unflag or summarize an MS or Multi-MS in place (sub-MSs in parallel)");
        foreach (var o in new Option[] { vis, mode, action, flagBackup, summaryJson, plot, inpfile, reason, resume }.Concat(modeOptions.Values)) command.Add(o);
        selection.AddTo(command);
        command.SetAction(r => TaskHost.Run(context =>
        {
            bool isList = r.GetValue(mode)!.Trim().Equals("list", StringComparison.OrdinalIgnoreCase);
            var given = modeOptions.Where(o => r.GetResult(o.Value) is not null).ToDictionary(o => o.Key, o => r.GetValue(o.Value) ?? "true");
            if (isList && (given.Count > 0 || !selection.Read(r).IsEmpty))
                throw new UserError("mode 'list' takes its selections and parameters from inpfile, not from the command line");
            if (!isList && r.GetValue(inpfile) is { Length: > 0 }) throw new UserError("inpfile applies to mode 'list' only");
            List<FlagCommand> commands = isList
                ? [.. FlagCommandList.Read(r.GetValue(inpfile) ?? [], r.GetValue(reason)!)]
                : [Single(r.GetValue(mode)!, selection.Read(r), given)];
            string json = r.GetValue(summaryJson)!;
            bool returns = commands.Any(c => c.Summary is not null || (c.Rflag is not null && ParseAction(r.GetValue(action)!) == FlagAction.Calculate));
            if (json.Length > 0 && !returns) throw new UserError("--summary-json needs a summary command (or rflag with --action calculate)");
            if (json.Length > 0) OutputFile.RequireWritable(json, "--summary-json");
            string picture = r.GetValue(plot)!;
            bool channelsAsked = true;
            if (picture.Length > 0)
            {
                int first = commands.FindIndex(c => c.Summary is not null);
                if (first < 0) throw new UserError("--plot needs a summary command");
                OutputFile.RequirePng(picture, "--plot");
                // The picture's channel panel needs the spw:channel counts; they are counted but not printed unless asked for.
                channelsAsked = commands[first].Summary!.SpwChan;
                commands[first] = commands[first] with { Summary = commands[first].Summary! with { SpwChan = true } };
            }
            var p = new FlagDataParams(r.GetValue(vis)!, commands, isList, ParseAction(r.GetValue(action)!), r.GetValue(flagBackup));
            var result = new FlagDataTask(context, p).Run();
            Print(result, p.Action, json, channelsAsked);
            if (picture.Length == 0) return;
            FlagSummaryPicture.Write(result.Commands.First(c => c.Command.Summary is not null).Report.Summary ?? new FlagSummary(),
                Path.GetFileName(Path.TrimEndingDirectorySeparator(p.Vis)), picture);
            Log.For<FlagDataTask>().Info($"plot: {picture}");
        }, r.GetValue(resume)));
        return command;
    }

    public static Command FlagManager()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS", required: true);
        var mode = Options.Text("--mode", "list, save, restore, delete or rename", "list");
        var versionName = Options.Text("--versionname", "Flag version to save, restore, delete, or the new name of rename");
        var oldName = Options.Text("--oldname", "rename: the version to rename");
        var comment = Options.Text("--comment", "save/rename: comment of the version");
        var merge = Options.Text("--merge", "restore: replace, and, or (replace)", "replace");
        var command = new Command("flagmanager", "List, save, restore, delete or rename flag versions of an MS or Multi-MS");
        foreach (var o in new Option[] { vis, mode, versionName, oldName, comment, merge }) command.Add(o);
        command.SetAction(r => TaskHost.Run(context =>
        {
            var p = new FlagManagerParams(r.GetValue(vis)!, Parse<FlagManagerMode>("mode", r.GetValue(mode)!), r.GetValue(versionName)!.Trim(),
                r.GetValue(oldName)!.Trim(), r.GetValue(comment)!, Parse<FlagMerge>("merge", r.GetValue(merge)!));
            var versions = new FlagManagerTask(context, p).Run();
            if (p.Mode != FlagManagerMode.List) Console.WriteLine($"{p.Mode.ToString().ToLowerInvariant()} {p.VersionName}: done");
            Console.WriteLine(versions.Count == 0 ? "no flag versions" : $"flag versions of {p.Vis}:");
            foreach (var (name, text) in versions) Console.WriteLine($"  {name} : {text}");
        }));
        return command;
    }

    private static T Parse<T>(string parameter, string text) where T : struct, Enum =>
        Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var v) && !int.TryParse(text, out _) ? v
            : throw new UserError($"unknown {parameter} '{text}': use {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");

    /// <summary>The command of a single mode, written as a list line would be: mode, selection, then the mode's parameters.</summary>
    private static FlagCommand Single(string mode, Casacore.SelectionExprs selection, Dictionary<string, string> modeParameters)
    {
        var parameters = new Dictionary<string, string> { ["mode"] = mode };
        string[] values = [selection.Field, selection.Spw, selection.Scan, selection.Antenna, selection.TimeRange, selection.Correlation,
            selection.Intent, selection.Observation, selection.Array, selection.UvRange, selection.Feed, selection.Taql];
        for (int i = 0; i < values.Length; i++)
            if (!string.IsNullOrWhiteSpace(values[i])) parameters[FlagParameters.SelectionKeys[i]] = values[i];
        foreach (var (key, value) in modeParameters) parameters[key] = value;
        var text = string.Join(" ", parameters.Select(kv => $"{kv.Key}='{kv.Value}'"));
        return FlagParameters.Build(parameters, text);
    }

    private static FlagAction ParseAction(string text) => text.Trim().ToLowerInvariant() switch
    {
        "apply" => FlagAction.Apply,
        "calculate" => FlagAction.Calculate,
        "none" or "" => FlagAction.None,
        _ => throw new UserError($"unknown action '{text}': use apply, calculate or none"),
    };

    /// <param name="channelsAsked">whether the first summary's spw:channel counts were asked for (else counted for the plot only)</param>
    private static void Print(FlagDataResult result, FlagAction action, string summaryJson, bool channelsAsked)
    {
        var summaries = new List<JsonObject>();
        foreach (var (command, report) in result.Commands)
        {
            if (command.Summary is { } spec)
            {
                var dict = SummaryReport.ToDict(report.Summary ?? new FlagSummary(), summaries.Count == 0 && !channelsAsked ? spec with { SpwChan = false } : spec);
                summaries.Add(dict);
                Console.Write(SummaryReport.ToTable(dict));
                continue;
            }
            if (command.Rflag is { } rflag && action == FlagAction.Calculate)
            {
                var thresholds = RflagReport.ToDict(report.Rflag ?? [], rflag, result.Commands.Count(c => c.Command.Rflag is not null) > 1
                    ? $"Rflag_{result.Commands.TakeWhile(c => c.Command != command).Count(c => c.Command.Rflag is not null) + 1}" : "Rflag");
                summaries.Add(thresholds);
                Console.Write(RflagReport.ToText(thresholds));
                continue;
            }
            string verb = action == FlagAction.Apply ? "" : "would be ";
            Console.WriteLine($"{command.Text}: {report.Flagged} cells {verb}flagged, {report.Unflagged} {verb}unflagged ({report.Selected} selected)");
        }
        if (result.BackupVersion is not null) Console.WriteLine($"flags before flagdata saved as version {result.BackupVersion}");
        if (string.IsNullOrWhiteSpace(summaryJson) || summaries.Count == 0) return;
        JsonNode json = summaries.Count == 1 ? summaries[0]
            : new JsonObject(summaries.Select((s, i) => KeyValuePair.Create($"report{i}", (JsonNode?)s)));
        File.WriteAllText(summaryJson, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
