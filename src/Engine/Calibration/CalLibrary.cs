using System.Text;

namespace MmsMpi.Calibration;

/// <summary>
/// CASA's cal library file (callibrary.py's read and parsetorec): one entry per line of key=value pairs separated
/// by spaces, '#' starts a comment line. Keys: caltable (required); the MS data the entry applies to: field, spw,
/// obs (ids or names; '' all); how: tinterp ('linear'), finterp, calwt (True; a table's first entry sets it for all
/// its entries, as CASA does), spwmap, fldmap ('' all fields, 'nearest', a field selection of the table, or a list
/// of table field ids per MS field). intent, reach, obsmap and antmap are refused, not ignored.
/// </summary>
public static class CalLibrary
{
    private static readonly string[] Keys = ["caltable", "field", "spw", "obs", "intent", "tinterp", "finterp", "calwt", "spwmap", "fldmap", "obsmap", "antmap", "reach"];

    public static IReadOnlyList<ApplySpec> Read(string file, MsCalLayout ms)
    {
        if (!File.Exists(file)) throw new UserError($"callib file '{file}' not found");
        var specs = new List<ApplySpec>();
        var calwt = new Dictionary<string, bool>();
        int number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            Dictionary<string, string> kv;
            try { kv = Pairs(line); }
            catch (FormatException e) { throw new UserError($"Problem parsing cal library line {number} (check for typos): {e.Message}: {line}"); }
            specs.Add(Entry(kv, ms, calwt, $"{file}:{number}"));
        }
        if (specs.Count == 0) throw new UserError($"callib file '{file}' has no entries");
        return specs;
    }

    private static ApplySpec Entry(Dictionary<string, string> kv, MsCalLayout ms, Dictionary<string, bool> calwt, string where)
    {
        foreach (var key in kv.Keys.Where(k => !Keys.Contains(k))) throw new UserError($"{where}: unknown cal library key '{key}'");
        foreach (var key in new[] { "intent", "reach", "obsmap", "antmap" })
            if (kv.TryGetValue(key, out var v) && v.Trim('[', ']', ' ').Length > 0)
                throw new UserError($"{where}: '{key}' is not supported by MmsMpi's cal library");
        if (!kv.TryGetValue("caltable", out var table) || table.Length == 0) throw new UserError($"{where}: no caltable given");
        table = Path.GetFullPath(table);
        bool wt = kv.TryGetValue("calwt", out var w) ? CasaList.Bool(w, "calwt") : true;
        wt = calwt.TryAdd(table, wt) ? wt : calwt[table];
        string tinterp = kv.GetValueOrDefault("tinterp", "linear"), finterp = kv.GetValueOrDefault("finterp", "");
        string fldmap = kv.GetValueOrDefault("fldmap", "");
        bool fldList = fldmap.TrimStart().StartsWith('[');
        return new ApplySpec(table, (tinterp.Length == 0 ? "linear" : tinterp) + (finterp.Length > 0 ? "," + finterp : ""),
            kv.TryGetValue("spwmap", out var map) ? CasaList.Ints(map, "spwmap") : null, fldList ? "" : fldmap, wt)
        {
            FieldMap = fldList && CasaList.Ints(fldmap, "fldmap") is { Length: > 0 } ids ? ids : null,
            MsFields = Ids(kv.GetValueOrDefault("field", ""), ms.Flags.FieldNames, where, "field"),
            MsSpws = Ids(kv.GetValueOrDefault("spw", ""), null, where, "spw"),
            MsObservations = Ids(kv.GetValueOrDefault("obs", ""), null, where, "obs"),
        };
    }

    /// <summary>Ids, a~b ranges, and (with names) names of the MS's rows; '' is every row (null).</summary>
    private static int[]? Ids(string text, string[]? names, string where, string key)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var ids = new SortedSet<int>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var range = item.Split('~');
            if (range.Length <= 2 && range.All(r => int.TryParse(r, out _)))
                for (int i = int.Parse(range[0]); i <= int.Parse(range[^1]); i++) ids.Add(i);
            else if (names is not null && Array.IndexOf(names, item) is >= 0 and var id) ids.Add(id);
            else throw new UserError($"{where}: {key} '{item}' is not {(names is null ? "an id" : "an id or a name")} of the MS");
        }
        return ids.ToArray();
    }

    /// <summary>key=value pairs: values quoted ('…' or "…"), bracketed lists, or bare words; spaces around '=' allowed.</summary>
    private static Dictionary<string, string> Pairs(string line)
    {
        var kv = new Dictionary<string, string>();
        int i = 0;
        while (true)
        {
            while (i < line.Length && (char.IsWhiteSpace(line[i]) || line[i] == ',')) i++;
            if (i >= line.Length) return kv;
            int eq = line.IndexOf('=', i);
            if (eq < 0) throw new FormatException($"'{line[i..]}' is not key=value");
            string key = line[i..eq].Trim();
            i = eq + 1;
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            var value = new StringBuilder();
            if (i < line.Length && line[i] is '\'' or '"')
            {
                char q = line[i++];
                int end = line.IndexOf(q, i);
                if (end < 0) throw new FormatException($"unterminated quote after {key}=");
                value.Append(line, i, end - i);
                i = end + 1;
            }
            else if (i < line.Length && line[i] == '[')
            {
                int end = line.IndexOf(']', i);
                if (end < 0) throw new FormatException($"unterminated list after {key}=");
                value.Append(line, i, end - i + 1);
                i = end + 1;
            }
            else
                while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] != ',') value.Append(line[i++]);
            if (!kv.TryAdd(key, value.ToString())) throw new FormatException($"{key} given twice");
        }
    }
}
