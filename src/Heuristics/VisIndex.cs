namespace MmsMpi.Heuristics;

/// <summary>
/// Per-row metadata of the selected rows of an MS, in row order: what the planners look at. Time (TIME, s) orders
/// the 'auto' axis's sub-MSs; without it they keep CASA's bin order.
/// </summary>
public sealed record VisIndex(int[] Scan, int[] Ddi, int[] Ant1, int[] Ant2, int[] Field, double[]? Time = null)
{
    public int NRow => Scan.Length;
}

/// <summary>A DATA_DESCRIPTION row as selected: its spw, polarization and selected channel/correlation counts.</summary>
public sealed record DdiInfo(int Ddi, int Spw, int PolId, int NChan, int NCorr);

/// <summary>Load of one (scan, ddi) pair for the balanced map: visibilities = rows × channels × correlations.</summary>
public sealed record ScanDdiLoad(int Scan, int Ddi, int Field, double NVis);

/// <summary>Loads of every (scan, ddi) pair in the selection, in first-seen order.</summary>
public static class ScanDdiLoads
{
    public static List<ScanDdiLoad> From(VisIndex vis, IReadOnlyDictionary<int, DdiInfo> ddis)
    {
        var order = new List<(int Scan, int Ddi)>();
        var rows = new Dictionary<(int, int), (long Rows, int Field)>();
        for (int r = 0; r < vis.NRow; r++)
        {
            var key = (vis.Scan[r], vis.Ddi[r]);
            if (rows.TryGetValue(key, out var v)) rows[key] = (v.Rows + 1, v.Field);
            else { rows[key] = (1, vis.Field[r]); order.Add(key); }
        }
        return order.Select(k =>
        {
            var (n, field) = rows[k];
            var d = ddis[k.Ddi];
            return new ScanDdiLoad(k.Scan, k.Ddi, field, (double)n * d.NChan * d.NCorr);
        }).ToList();
    }
}
