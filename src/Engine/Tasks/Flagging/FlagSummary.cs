namespace MmsMpi.Tasks.Flagging;

/// <summary>Flagged and total cell counts of one summary entry (Doubles, as FlagAgentSummary reports them).</summary>
public sealed class FlagCount
{
    public double Flagged { get; set; }
    public double Total { get; set; }

    public void Add(double flagged, double total)
    {
        Flagged += flagged;
        Total += total;
    }
}

/// <summary>
/// flagdata summary counts by category (antenna, array, correlation, field, observation, scan, spw, and optionally
/// baseline, antenna:scan, spw:channel, spw:correlation), keyed by the names CASA prints, plus the totals; with fieldcnt
/// one such summary per field. Merging sums every count (task_flagdata's combine_dictionaries over sub-MSs).
/// </summary>
public sealed class FlagSummary
{
    public FlagCount All { get; set; } = new();
    public SortedDictionary<string, SortedDictionary<string, FlagCount>> Categories { get; set; } = new(StringComparer.Ordinal);
    /// <summary>fieldcnt: one summary per field name (then <see cref="Categories"/> stays empty).</summary>
    public SortedDictionary<string, FlagSummary>? Fields { get; set; }

    public void Add(string category, string key, double flagged, double total)
    {
        if (!Categories.TryGetValue(category, out var entries))
            Categories[category] = entries = new SortedDictionary<string, FlagCount>(StringComparer.Ordinal);
        if (!entries.TryGetValue(key, out var count)) entries[key] = count = new FlagCount();
        count.Add(flagged, total);
    }

    public void Merge(FlagSummary other)
    {
        All.Add(other.All.Flagged, other.All.Total);
        foreach (var (category, entries) in other.Categories)
            foreach (var (key, count) in entries)
                Add(category, key, count.Flagged, count.Total);
        if (other.Fields is null) return;
        Fields ??= new SortedDictionary<string, FlagSummary>(StringComparer.Ordinal);
        foreach (var (field, summary) in other.Fields)
        {
            if (!Fields.TryGetValue(field, out var mine)) Fields[field] = mine = new FlagSummary();
            mine.Merge(summary);
        }
    }
}
