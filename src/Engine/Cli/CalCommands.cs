using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MmsMpi.Calibration;
using MmsMpi.Tasks.Calibration;

namespace MmsMpi.Cli;

/// <summary>`applycal` and `clearcal`: CASA's calibration-apply tasks on an MS or a Multi-MS (sub-MSs on the workers).</summary>
public static class CalCommands
{
    public static Command ApplyCal()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS to calibrate (CORRECTED_DATA is written in place)", required: true);
        var gaintable = List("--gaintable", "Calibration tables (G, T, B, K), comma separated or repeated");
        var gainfield = List("--gainfield", "Per table: fields whose solutions apply ('' all, 'nearest', ids or names)");
        var interp = List("--interp", "Per table: time[,freq] interpolation, nearest or linear (+flag for freq) (linear)");
        var spwmap = List("--spwmap", "Per table: spw map, e.g. 0,0,1 or [[],[0,0,1]] (identity)");
        var calwt = List("--calwt", "Calibrate the weights: one value for all tables or one per table (True)");
        var applymode = Options.Text("--applymode", "calflag, calflagstrict, trial, flagonly, flagonlystrict or calonly", "calflag");
        var flagBackup = Options.Bool("--flagbackup", "Save the flags as version applycal_N before changing them", true);
        var json = Options.Text("--json", "Write what was applied and the flag counts (Calibrater's activity record) to this file");
        var resume = Options.Resume();
        var selection = new SelectionOptions();
        var command = new Command("applycal", "Apply calibration tables to an MS or Multi-MS: CORRECTED_DATA, weights and flags (sub-MSs in parallel)");
        foreach (var o in new Option[] { vis, gaintable, gainfield, interp, spwmap, calwt, applymode, flagBackup, json, resume }) command.Add(o);
        selection.AddTo(command);
        command.SetAction(r => TaskHost.Run(context =>
        {
            var tables = ApplySpecs(r.GetValue(gaintable), r.GetValue(gainfield), r.GetValue(interp), r.GetValue(spwmap), r.GetValue(calwt));
            var p = new ApplyCalParams(r.GetValue(vis)!, tables, ApplyModes.Parse(r.GetValue(applymode)!), selection.Read(r), r.GetValue(flagBackup));
            string jsonFile = r.GetValue(json)!;
            if (jsonFile.Length > 0) OutputFile.RequireWritable(jsonFile, "--json");
            var result = new ApplyCalTask(context, p).Run();
            Print(result, p.Mode);
            if (jsonFile.Length > 0) File.WriteAllText(jsonFile, Record(result, p.Mode).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }, r.GetValue(resume)));
        return command;
    }

    public static Command ClearCal()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS (CORRECTED_DATA := DATA in place)", required: true);
        var field = Options.Text("--field", "Field ids or names");
        var spw = Options.Text("--spw", "Spws");
        var intent = Options.Text("--intent", "Scan intents");
        var addModel = Options.Bool("--addmodel", "Also add MODEL_DATA (a unit point source) where it is missing", false);
        var command = new Command("clearcal", "Re-initialize the calibration of an MS or Multi-MS: CORRECTED_DATA := DATA, MODEL_DATA := 1 (sub-MSs in parallel)");
        foreach (var o in new Option[] { vis, field, spw, intent, addModel }) command.Add(o);
        command.SetAction(r => TaskHost.Run(context =>
        {
            var p = new ClearCalParams(r.GetValue(vis)!, new Casacore.SelectionExprs(Field: r.GetValue(field)!, Spw: r.GetValue(spw)!, Intent: r.GetValue(intent)!),
                r.GetValue(addModel));
            long rows = new ClearCalTask(context, p).Run();
            Console.WriteLine($"clearcal: {rows} rows re-initialized");
        }));
        return command;
    }

    /// <summary>
    /// Pairs applycal's lists up per table as task_applycal.py does: gainfield, interp and spwmap may be shorter
    /// (defaults for the rest; a flat spwmap list is the first table's), calwt has one value for all or one per table.
    /// </summary>
    public static IReadOnlyList<ApplySpec> ApplySpecs(string[]? gaintable, string[]? gainfield, string[]? interp, string[]? spwmap, string[]? calwt)
    {
        var tables = CasaList.Items(gaintable, "gaintable")
            .SelectMany(t => t.TrimStart().StartsWith('[') ? [t] : t.Split(',', StringSplitOptions.TrimEntries))
            .Where(t => t.Length > 0).ToList();
        var fields = CasaList.Items(gainfield, "gainfield");
        var interps = CasaList.Items(interp, "interp");
        var maps = CasaList.IsFlatList(spwmap) ? [spwmap![0]] : CasaList.Items(spwmap, "spwmap");
        var weights = CasaList.Items(calwt, "calwt").Select(w => CasaList.Bool(w, "calwt")).ToList();
        foreach (var (list, name) in new[] { (fields, "gainfield"), (interps, "interp"), (maps, "spwmap") })
            if (list.Count > tables.Count) throw new UserError($"{name} has {list.Count} entries for {tables.Count} gaintable(s)");
        if (weights.Count > 1 && weights.Count != tables.Count)
            throw new UserError($"calwt has {weights.Count} values for {tables.Count} gaintable(s): give one value for all, or one per table");
        return tables.Select((t, i) => new ApplySpec(t,
            i < interps.Count && interps[i].Length > 0 ? interps[i] : "linear",
            i < maps.Count ? CasaList.Ints(maps[i], "spwmap") : null,
            i < fields.Count ? fields[i] : "",
            weights.Count == 0 || (weights.Count == 1 ? weights[0] : weights[i]))).ToList();
    }

    private static Option<string[]> List(string name, string description) => new(name) { Description = description };

    /// <summary>applycal's reportflags lines: per table the flagged cells going in and coming out, among calibrateable spws.</summary>
    private static void Print(ApplyCalResult result, ApplyMode mode)
    {
        var c = result.Counts;
        Console.WriteLine($"applycal ({mode.Name()}): {string.Join(", ", result.Applied.Select(a => $"{a.Table} ({a.Type} Jones)"))}");
        Console.WriteLine("Calibration apply flagging statistics (among calibrateable spws):");
        Console.WriteLine($"  Total visibilities selected for correction (ncorr x nchan x nrow summed over spws) = {c.NVisTotal}");
        Console.WriteLine("  Flags:");
        for (int t = 0; t < result.Applied.Count; t++)
        {
            long n = c.NData[t];
            string partial = n < c.NVisTotal ? "**" : "  ";
            Console.WriteLine($"   {result.Applied[t].Type} Jones: In: {c.FlagIn[t]} / {n}{partial} ({Percent(c.FlagIn[t], n)}%) --> " +
                              $"Out: {c.FlagOut[t]} / {n}{partial} ({Percent(c.FlagOut[t], n)}%) ({result.Applied[t].Table})");
        }
        if (result.BackupVersion is not null) Console.WriteLine($"flags before applycal saved as version {result.BackupVersion}");
    }

    private static string Percent(long a, long n) => n == 0 ? "0" : (100.0 * a / n).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Record(ApplyCalResult result, ApplyMode mode) => new()
    {
        ["origin"] = "Calibrater::correct",
        ["applymode"] = mode.Name(),
        ["flagbackup"] = result.BackupVersion,
        ["uncalibrated_spws"] = new JsonArray(result.Counts.UncalibratedSpws.Select(s => (JsonNode?)s).ToArray()),
        ["VisEquation"] = new JsonObject(result.Applied.Select((a, t) => KeyValuePair.Create($"*{t + 1}", (JsonNode?)new JsonObject
        {
            ["type"] = $"{a.Type} Jones", ["table"] = a.Table, ["ndata"] = result.Counts.NData[t],
            ["nflagIn"] = result.Counts.FlagIn[t], ["nflagOut"] = result.Counts.FlagOut[t],
        })).Append(KeyValuePair.Create("nVisTotal", (JsonNode?)result.Counts.NVisTotal))),
    };
}
