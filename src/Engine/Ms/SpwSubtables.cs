using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>
/// Which spws a sub-MS's spw-indexed subtables keep and under which new ids, plus the channel and correlation
/// selection to apply to SPECTRAL_WINDOW and POLARIZATION rows.
/// </summary>
public sealed record SpwSubset(
    Dictionary<int, int> DdiMap, Dictionary<int, int> SpwMap, int[] OwnSpws,
    Dictionary<int, ChannelRange> Channels, Dictionary<int, int[]> Correlations);

/// <summary>Rewrites the subtables of a freshly written sub-MS for a spw/channel/correlation selection (CASA's reindexing).</summary>
public static class SpwSubtables
{
    /// <summary>Subtables whose rows refer to a spw; consolidated on the spw axis.</summary>
    public static readonly string[] SpwIndexed = ["FEED", "SOURCE", "FREQ_OFFSET", "CALDEVICE"];

    /// <summary>Subtables stored only in the first sub-MS and linked from the others.</summary>
    public static readonly string[] SharedByLink = ["POINTING", "SYSCAL", "SYSPOWER"];

    public static void Apply(string msPath, SpwSubset subset, IReadOnlyList<string> subtables)
    {
        var own = subset.OwnSpws.ToHashSet();
        var all = subset.SpwMap.Keys.ToHashSet();
        RewriteSpectralWindows(msPath, own, subset.Channels);
        RewriteDataDescriptions(msPath, subset, own);
        RewritePolarizations(msPath, subset.Correlations);
        foreach (var name in SpwIndexed.Where(subtables.Contains))
            KeepSpwRows(Path.Combine(msPath, name), own, subset.SpwMap);
        foreach (var name in SharedByLink.Where(n => n != "POINTING" && subtables.Contains(n)))
            KeepSpwRows(Path.Combine(msPath, name), all, subset.SpwMap);
    }

    private static void RewriteSpectralWindows(string msPath, HashSet<int> keep, Dictionary<int, ChannelRange> channels)
    {
        using var spw = CasaTable.Open(Path.Combine(msPath, "SPECTRAL_WINDOW"), writable: true);
        var drop = Enumerable.Range(0, (int)spw.NRow).Where(r => !keep.Contains(r)).Select(r => (long)r).ToArray();
        // Channel slices first, while row numbers are still spw ids.
        foreach (var (id, range) in channels.Where(c => keep.Contains(c.Key)))
            SliceChannels(spw, id, range);
        spw.RemoveRows(drop);
    }

    private static void SliceChannels(CasaTable spw, int row, ChannelRange range)
    {
        double[] Pick(string col) => range.Pick(spw.GetCell<double>(col, row));
        var freq = Pick("CHAN_FREQ");
        var width = Pick("CHAN_WIDTH");
        spw.PutCell<double>("CHAN_FREQ", row, freq);
        spw.PutCell<double>("CHAN_WIDTH", row, width);
        spw.PutCell<double>("EFFECTIVE_BW", row, Pick("EFFECTIVE_BW"));
        spw.PutCell<double>("RESOLUTION", row, Pick("RESOLUTION"));
        spw.PutColumn<int>("NUM_CHAN", row, 1, [range.Count]);
        spw.PutColumn<double>("TOTAL_BANDWIDTH", row, 1, [width.Sum(Math.Abs)]);
        spw.PutColumn<double>("REF_FREQUENCY", row, 1, [freq[0]]);
    }

    private static void RewriteDataDescriptions(string msPath, SpwSubset subset, HashSet<int> own)
    {
        using var dd = CasaTable.Open(Path.Combine(msPath, "DATA_DESCRIPTION"), writable: true);
        var spwIds = dd.GetColumn<int>("SPECTRAL_WINDOW_ID");
        var keep = Enumerable.Range(0, spwIds.Length).Where(d => subset.DdiMap.ContainsKey(d) && own.Contains(spwIds[d])).ToArray();
        var drop = Enumerable.Range(0, spwIds.Length).Except(keep).Select(d => (long)d).ToArray();
        dd.PutColumn<int>("SPECTRAL_WINDOW_ID", spwIds.Select(s => subset.SpwMap.GetValueOrDefault(s, s)).ToArray());
        dd.RemoveRows(drop);
    }

    private static void RewritePolarizations(string msPath, Dictionary<int, int[]> correlations)
    {
        if (correlations.Count == 0) return;
        using var pol = CasaTable.Open(Path.Combine(msPath, "POLARIZATION"), writable: true);
        foreach (var (row, idx) in correlations)
        {
            var types = pol.GetCell<int>("CORR_TYPE", row);
            var products = pol.GetCell<int>("CORR_PRODUCT", row); // [ncorr][2] in memory
            pol.PutCell<int>("CORR_TYPE", row, idx.Select(i => types[i]).ToArray());
            pol.PutCell<int>("CORR_PRODUCT", row, idx.SelectMany(i => new[] { products[2 * i], products[2 * i + 1] }).ToArray(), 2, idx.Length);
            pol.PutColumn<int>("NUM_CORR", row, 1, [idx.Length]);
        }
    }

    /// <summary>Keeps rows whose SPECTRAL_WINDOW_ID is kept (or -1, "all spws") and renumbers them.</summary>
    private static void KeepSpwRows(string tablePath, HashSet<int> keep, Dictionary<int, int> spwMap)
    {
        using var t = CasaTable.Open(tablePath, writable: true);
        if (t.NRow == 0 || !t.HasColumn("SPECTRAL_WINDOW_ID")) return;
        var ids = t.GetColumn<int>("SPECTRAL_WINDOW_ID");
        var drop = Enumerable.Range(0, ids.Length).Where(r => ids[r] >= 0 && !keep.Contains(ids[r])).Select(r => (long)r).ToArray();
        t.PutColumn<int>("SPECTRAL_WINDOW_ID", ids.Select(s => s >= 0 ? spwMap.GetValueOrDefault(s, s) : s).ToArray());
        t.RemoveRows(drop);
    }
}
