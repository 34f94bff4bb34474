using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MmsMpi.Tasks.Flagging.Agents;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// What rflag with action='calculate' returns (FlagAgentRFlag::getReport): timedev and freqdev as [[field, spw,
/// value], ...] sorted by (field, spw), unscaled; the (field, spw)s computed from the data, and those the user
/// listed with a value &gt; 0 as given. A scalar timedev/freqdev adds no rows. Ready to be given back to an apply run.
/// </summary>
public static class RflagReport
{
    public static JsonObject ToDict(Dictionary<string, RflagStats> stats, RflagSpec spec, string name) => new()
    {
        ["type"] = "rflag",
        ["name"] = name,
        ["timedev"] = Rows(stats, spec.TimeDev, s => s.Time),
        ["freqdev"] = Rows(stats, spec.FreqDev, s => s.Freq),
    };

    private static JsonArray Rows(Dictionary<string, RflagStats> stats, RflagThreshold given, Func<RflagStats, RflagHistogram> direction)
    {
        var rows = new SortedDictionary<(int Field, int Spw), double>();
        foreach (var (key, s) in stats)
        {
            var fs = key.Split(',').Select(int.Parse).ToArray();
            if (given.For(fs[0], fs[1]) is null) rows[(fs[0], fs[1])] = direction(s).Threshold();
        }
        foreach (var v in given.PerFieldSpw.Where(v => v[2] > 0)) rows[((int)v[0], (int)v[1])] = v[2];
        return new JsonArray(rows.Select(r => (JsonNode)new JsonArray(r.Key.Field, r.Key.Spw, r.Value)).ToArray());
    }

    /// <summary>The report as lines for the terminal.</summary>
    public static string ToText(JsonObject dict)
    {
        var sb = new StringBuilder();
        foreach (var direction in new[] { "timedev", "freqdev" })
        {
            sb.AppendLine($"{dict["name"]}: {direction} (field, spw, value)");
            foreach (var row in dict[direction]!.AsArray())
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {row![0]}  {row[1]}  {row[2]!.GetValue<double>():G9}"));
        }
        return sb.ToString();
    }
}
