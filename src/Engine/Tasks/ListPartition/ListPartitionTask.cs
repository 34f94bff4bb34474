using System.Text;
using System.Text.Json;
using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;
using MmsMpi.Heuristics;

namespace MmsMpi.Tasks.ListPartition;

/// <summary>`listpartition`: what each sub-MS of an MMS (or a plain MS) holds, per scan (fact sheet §1.6).</summary>
public static class ListPartitionTask
{
    public sealed record ScanInfo(long nrows, int[] spwIds, int[] nchans);

    /// <param name="Bytes">the size on disk (CASA's dictionary has the human form only)</param>
    public sealed record SubMsInfo(string MS, string size, SortedDictionary<int, ScanInfo> scanId, [property: System.Text.Json.Serialization.JsonIgnore] long Bytes);

    public sealed record Listing(string? Axis, bool IsMms, IReadOnlyList<SubMsInfo> SubMss);

    public static Listing Read(string vis)
    {
        bool isMms;
        IReadOnlyList<string> members;
        using (var ms = InputVis.OpenMs(vis)) (isMms, members) = (ms.IsMms(), ms.Members());
        var axis = isMms ? MmsAssembler.ReadAxisType(vis) : null;
        return new Listing(axis, isMms, members.Select(Describe).ToList());
    }

    private static SubMsInfo Describe(string path)
    {
        using var ms = CasaTable.Open(path);
        var ddSpw = ms.SpwOfDdi();
        var nchan = ms.ChannelsOfSpw();
        var scans = ms.GetColumn<int>("SCAN_NUMBER");
        var ddis = ms.GetColumn<int>("DATA_DESC_ID");
        var perScan = new SortedDictionary<int, ScanInfo>();
        foreach (var g in scans.Zip(ddis).GroupBy(x => x.First))
        {
            var spws = g.Select(x => ddSpw[x.Second]).Distinct().Order().ToArray();
            perScan[g.Key] = new ScanInfo(g.LongCount(), spws, spws.Select(s => nchan[s]).ToArray());
        }
        long bytes = DiskUsage.Bytes(path);
        return new SubMsInfo(Path.GetFileName(path), DiskUsage.Human(bytes), perScan, bytes);
    }

    /// <summary>CASA's table: one line per (sub-MS, scan), size on the first line of each sub-MS.</summary>
    public static string Format(Listing listing)
    {
        var sb = new StringBuilder();
        if (listing.IsMms) sb.AppendLine($"This is a Multi-MS with separation axis = {listing.Axis ?? "unknown"}");
        int msw = Math.Max(listing.SubMss.Max(s => s.MS.Length), 6) + 2;
        string Arr(int[] v) => "[" + string.Join(" ", v) + "]";
        var rows = listing.SubMss.SelectMany(s => s.scanId.Select((kv, i) =>
            (MS: i == 0 ? s.MS : "", Scan: kv.Key.ToString(), Spw: Arr(kv.Value.spwIds), Nchan: Arr(kv.Value.nchans),
             Nrows: kv.Value.nrows.ToString(), Size: i == 0 ? s.size : ""))).ToList();
        int sw = Math.Max(rows.Select(r => r.Spw.Length).DefaultIfEmpty(3).Max(), 3) + 2;
        int cw = Math.Max(rows.Select(r => r.Nchan.Length).DefaultIfEmpty(5).Max(), 5) + 2;
        int rw = Math.Max(rows.Select(r => r.Nrows.Length).DefaultIfEmpty(5).Max(), 5) + 2;
        string Line(string a, string b, string c, string d, string e, string f) =>
            $"{a.PadRight(msw)}{b.PadRight(6)}{c.PadRight(sw)}{d.PadRight(cw)}{e.PadRight(rw)}{f}".TrimEnd();
        sb.AppendLine(Line(listing.IsMms ? "Sub-MS" : "MS", "Scan", "Spw", "Nchan", "Nrows", "Size"));
        foreach (var r in rows) sb.AppendLine(Line(r.MS, r.Scan, r.Spw, r.Nchan, r.Nrows, r.Size));
        return sb.ToString();
    }

    /// <summary>CASA's createdict form: {index: {MS, size, scanId: {scan: {nrows, spwIds, nchans}}}}.</summary>
    public static string Json(Listing listing) =>
        JsonSerializer.Serialize(listing.SubMss.Select((s, i) => (i, s)).ToDictionary(x => x.i.ToString(), x => x.s),
            new JsonSerializerOptions { WriteIndented = true });
}
