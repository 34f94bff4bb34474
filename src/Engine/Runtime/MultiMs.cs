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
        var spwsByScan = new Dictionary<int, HashSet<int>>();
        var ddi = new int[Math.Min(RowBlocks.Rows, t.NRow)];
        RowBlocks.Scan<int>(t, "SCAN_NUMBER", (row0, scans) =>
        {
            t.GetColumn<int>("DATA_DESC_ID", row0, scans.Length, ddi.AsSpan(0, scans.Length));
            for (int i = 0; i < scans.Length; i++)
            {
                if (!spwsByScan.TryGetValue(scans[i], out var spws)) spwsByScan[scans[i]] = spws = [];
                spws.Add(spwOf[ddi[i]]);
            }
        });
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        RowBlocks.Scan<double>(t, "TIME", (_, time) =>
        {
            foreach (double x in time) (min, max) = (Math.Min(min, x), Math.Max(max, x));
        });
        return new SubMsContents(Path.GetFileName(subMs), spwsByScan.ToDictionary(kv => kv.Key, kv => (IReadOnlySet<int>)kv.Value),
            t.NRow > 0 ? min : 0, t.NRow > 0 ? max : 0);
    }

    /// <summary>What a selection picks from an MS or MMS read as one: spws, scans, rows, the earliest time and its field.</summary>
    public static SelectedData Selected(string vis, SelectionExprs selection)
    {
        using var t = CasaTable.Open(vis);
        using var sel = InputVis.Select(t, selection, requireRows: false);
        var spwOf = t.SpwOfDdi();
        var (firstTime, first) = RowBlocks.Min(sel.Rows, "TIME");
        var firstField = new int[1];
        if (first >= 0) sel.Rows.GetColumn<int>("FIELD_ID", first, 1, firstField);
        return new SelectedData(RowBlocks.Distinct(sel.Rows, "DATA_DESC_ID").Select(d => spwOf[d]).ToHashSet(), RowBlocks.Distinct(sel.Rows, "SCAN_NUMBER"),
            sel.Rows.NRow, firstTime, firstField[0]);
    }
}

/// <summary>What a selection picks: its spws and scans, its row count, and its earliest time with that row's field.</summary>
public sealed record SelectedData(HashSet<int> Spws, HashSet<int> Scans, long Rows, double FirstTime, int FirstField);
