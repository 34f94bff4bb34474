using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// The merged summary as CASA returns it: a dict {name, type:'summary', flagged, total, antenna:{NAME:{flagged,total}},
/// ...} (with fieldcnt one such dict per field name), filtered by minrel/maxrel/minabs/maxabs after merging
/// (task_flagdata's filter_summary), and as a readable table.
/// </summary>
public static class SummaryReport
{
    public static JsonObject ToDict(FlagSummary summary, SummarySpec spec)
    {
        var dict = new JsonObject { ["name"] = spec.Name, ["type"] = "summary" };
        if (summary.Fields is not null)
            foreach (var (field, s) in summary.Fields) dict[field] = Counts(s, spec);
        else
            foreach (var (key, node) in Counts(summary, spec).ToList()) dict[key] = node?.DeepClone();
        Filter(dict, spec);
        return dict;
    }

    /// <summary>The counts of the categories asked for (spw:channel may have been counted for a plot only).</summary>
    private static JsonObject Counts(FlagSummary s, SummarySpec spec)
    {
        var o = new JsonObject();
        foreach (var (category, entries) in s.Categories.Where(c => spec.SpwChan || c.Key != "spw:channel"))
            o[category] = new JsonObject(entries.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)Leaf(e.Value))));
        o["flagged"] = s.All.Flagged;
        o["total"] = s.All.Total;
        return o;
    }

    private static JsonObject Leaf(FlagCount c) => new() { ["flagged"] = c.Flagged, ["total"] = c.Total };

    /// <summary>
    /// filter_summary: a dict with flagged and total and no type is dropped when flagged &lt; minabs, flagged &gt; maxabs
    /// (maxabs ≥ 0), or flagged/total outside [minrel, maxrel]; any other dict is filtered entry by entry.
    /// </summary>
    public static void Filter(JsonObject dict, SummarySpec spec)
    {
        foreach (var (key, node) in dict.ToList())
        {
            if (node is not JsonObject child) continue;
            if (IsLeaf(child))
            {
                double flagged = child["flagged"]!.GetValue<double>(), total = child["total"]!.GetValue<double>();
                double rel = flagged / total;
                if (flagged < spec.MinAbs || (spec.MaxAbs >= 0 && flagged > spec.MaxAbs) || rel < spec.MinRel || rel > spec.MaxRel)
                    dict.Remove(key);
            }
            else Filter(child, spec);
        }
    }

    private static bool IsLeaf(JsonObject o) => o.ContainsKey("flagged") && o.ContainsKey("total") && !o.ContainsKey("type");

    /// <summary>One section per category (entries in natural order), then the total; per field with fieldcnt.</summary>
    public static string ToTable(JsonObject dict)
    {
        var text = new StringBuilder();
        text.AppendLine($"{dict["name"]}: flagged / total cells");
        var fields = dict.Where(kv => kv.Value is JsonObject o && o.ContainsKey("flagged") && o.Any(x => x.Value is JsonObject)).ToList();
        if (fields.Count == 0) Body(text, dict, "  ");
        foreach (var (field, node) in fields.OrderBy(kv => kv.Key, NaturalOrder.Instance))
        {
            text.AppendLine($"  field {field}");
            Body(text, (JsonObject)node!, "    ");
        }
        return text.ToString();
    }

    private static void Body(StringBuilder text, JsonObject o, string indent)
    {
        foreach (var (category, node) in o.Where(kv => kv.Value is JsonObject c && !IsLeaf(c)))
        {
            text.AppendLine($"{indent}{category}");
            foreach (var (key, leaf) in ((JsonObject)node!).OrderBy(kv => kv.Key, NaturalOrder.Instance))
                text.AppendLine($"{indent}  {key,-24} {Line((JsonObject)leaf!)}");
        }
        if (o.ContainsKey("flagged")) text.AppendLine($"{indent}{"total",-26} {Line(o)}");
    }

    private static string Line(JsonObject o)
    {
        double flagged = o["flagged"]!.GetValue<double>(), total = o["total"]!.GetValue<double>();
        string pct = total > 0 ? (100.0 * flagged / total).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";
        return $"{flagged,14:F0} / {total,14:F0}  {pct,8}";
    }
}

/// <summary>Orders keys like "2" before "10" and "ea2" before "ea10" (numbers inside names compared by value).</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsDigit(a[i])) i++;
                while (j < b.Length && char.IsDigit(b[j])) j++;
                int c = decimal.Parse(a[si..i], CultureInfo.InvariantCulture).CompareTo(decimal.Parse(b[sj..j], CultureInfo.InvariantCulture));
                if (c != 0) return c;
            }
            else
            {
                int c = a[i].CompareTo(b[j]);
                if (c != 0) return c;
                i++;
                j++;
            }
        }
        return (a.Length - i).CompareTo(b.Length - j) is var r && r != 0 ? r : string.CompareOrdinal(a, b);
    }
}
