using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Ms;

namespace MmsMpi.Runtime;

/// <summary>Reading an existing Multi-MS: is it one, its sub-MSs, its axis, and what each sub-MS holds.</summary>
public static class MultiMs
{
    /// <summary>An MMS is a table whose info says CONCATENATED (CASA's ismultims) with its members in SUBMSS/.</summary>
    public static bool IsMms(this CasaTable ms) =>
        ms.Info.SubType == "CONCATENATED" && Directory.Exists(Path.Combine(ms.Name, SubMsNaming.SubDir));

    /// <summary>What a per-sub-MS task works on: the sub-MSs of an MMS, or the MS itself.</summary>
    public static IReadOnlyList<string> Members(this CasaTable ms) => ms.IsMms() ? SubMss(ms.Name) : [ms.Name];

    public static IReadOnlyList<string> SubMss(string mms) =>
        Directory.GetDirectories(Path.Combine(mms, SubMsNaming.SubDir)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The input MMS's axis as CASA reads it back ('scan,spw' is auto; empty or unknown text is null).</summary>
    public static SeparationAxis? Axis(string mms) => SeparationAxes.FromAxisTypeText(MmsAssembler.ReadAxisType(mms) ?? "");

    public static SubMsContents Contents(string subMs)
    {
        using var t = CasaTable.Open(subMs);
        var spwOf = t.SpwOfDdi();
        var time = t.GetColumn<double>("TIME");
        var spwsByScan = t.GetColumn<int>("SCAN_NUMBER").Zip(t.GetColumn<int>("DATA_DESC_ID")).GroupBy(x => x.First)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<int>)g.Select(x => spwOf[x.Second]).ToHashSet());
        return new SubMsContents(Path.GetFileName(subMs), spwsByScan, time.Length > 0 ? time.Min() : 0, time.Length > 0 ? time.Max() : 0);
    }

    /// <summary>What a selection picks from an MS or MMS read as one: spws, scans, rows, the earliest time and its field.</summary>
    public static SelectedData Selected(string vis, SelectionExprs selection)
    {
        using var t = CasaTable.Open(vis);
        using var sel = InputVis.Select(t, selection, requireRows: false);
        var spwOf = t.SpwOfDdi();
        var time = sel.Rows.GetColumn<double>("TIME");
        int first = time.Length > 0 ? Array.IndexOf(time, time.Min()) : -1;
        return new SelectedData(sel.Rows.GetColumn<int>("DATA_DESC_ID").Select(d => spwOf[d]).ToHashSet(), sel.Rows.GetColumn<int>("SCAN_NUMBER").ToHashSet(),
            time.Length, first >= 0 ? time[first] : 0, first >= 0 ? sel.Rows.GetColumn<int>("FIELD_ID")[first] : 0);
    }
}

/// <summary>What a selection picks: its spws and scans, its row count, and its earliest time with that row's field.</summary>
public sealed record SelectedData(HashSet<int> Spws, HashSet<int> Scans, long Rows, double FirstTime, int FirstField);
