namespace MmsMpi.Heuristics;

/// <summary>One sub-MS of a plan: its index, a CASA-style description of what it holds and, on the spw axis, its spws.</summary>
public sealed record SubMsSpec(int Index, string Selection, int[] Spws, int DdiStart);

/// <summary>A partition plan: the sub-MSs and, for every selected row, the sub-MS it goes to.</summary>
public sealed record PartitionPlan(SeparationAxis Axis, IReadOnlyList<SubMsSpec> SubMss, int[] RowSubMs, SpwReindex Reindex);

/// <summary>Plans a partition along an axis (fact sheet §2.3–2.6): pure, no I/O.</summary>
public static class PartitionPlanner
{
    /// <param name="reindexSpws">True when the selection changes spws/channels/correlations, so ids are made dense as CASA's split does.</param>
    public static PartitionPlan Plan(SeparationAxis axis, int nSubMs, VisIndex vis, IReadOnlyDictionary<int, DdiInfo> ddis,
        bool reindexSpws, Action<string>? warn = null)
    {
        if (vis.NRow == 0) throw new ArgumentException("the selection selects no rows");
        var selectedDdis = vis.Ddi.Distinct().Order().Select(d => ddis[d]).ToList();
        var reindex = reindexSpws ? SpwReindex.For(selectedDdis) : SpwReindex.Identity;
        return axis switch
        {
            SeparationAxis.Scan => ByKey(axis, nSubMs, vis.Scan, reindex, c => $"scan={CasaString.RangeList(c)}"),
            SeparationAxis.Spw => BySpw(nSubMs, vis, ddis, selectedDdis, reindexSpws),
            SeparationAxis.Baseline => ByBaseline(nSubMs, vis, reindex),
            SeparationAxis.Auto => Balanced(nSubMs, vis, ddis, reindex, warn),
            _ => throw new ArgumentOutOfRangeException(nameof(axis)),
        };
    }

    private static PartitionPlan ByKey(SeparationAxis axis, int n, int[] rowKey, SpwReindex reindex, Func<int[], string> describe)
    {
        var keys = rowKey.Distinct().Order().ToList();
        var chunks = Chunking.Contiguous(keys, n);
        var subOf = ChunkIndex(chunks);
        var specs = chunks.Select((c, i) => new SubMsSpec(i, describe(c), [], 0)).ToList();
        return new PartitionPlan(axis, specs, rowKey.Select(k => subOf[k]).ToArray(), reindex);
    }

    private static PartitionPlan BySpw(int n, VisIndex vis, IReadOnlyDictionary<int, DdiInfo> ddis, List<DdiInfo> selectedDdis, bool reindexSpws)
    {
        var spws = selectedDdis.Select(d => d.Spw).Distinct().Order().ToList();
        var chunks = Chunking.Contiguous(spws, n);
        var subOfSpw = ChunkIndex(chunks);
        var specs = new List<SubMsSpec>();
        int ddiStart = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            specs.Add(new SubMsSpec(i, $"spw={CasaString.RangeList(chunks[i])}", chunks[i], ddiStart));
            ddiStart += selectedDdis.Count(d => chunks[i].Contains(d.Spw));
        }
        // The input's ids stay unless the selection changes spws (every tool that selects spws by number must see the
        // plain MS's ids, and every sub-MS then holds all subtable rows); a selection makes them globally dense, DDIs
        // numbered chunk by chunk (CASA's ddistart).
        var reindex = reindexSpws ? SpwReindex.For(selectedDdis, d => subOfSpw[d.Spw]) : SpwReindex.Identity;
        var rows = vis.Ddi.Select(d => subOfSpw[ddis[d].Spw]).ToArray();
        return new PartitionPlan(SeparationAxis.Spw, specs, rows, reindex);
    }

    private static PartitionPlan ByBaseline(int n, VisIndex vis, SpwReindex reindex)
    {
        var baselines = Enumerable.Range(0, vis.NRow)
            .Select(r => (A1: Math.Min(vis.Ant1[r], vis.Ant2[r]), A2: Math.Max(vis.Ant1[r], vis.Ant2[r])))
            .Distinct().OrderBy(b => b.A1).ThenBy(b => b.A2).ToList();
        var chunks = Chunking.Contiguous(baselines, n);
        var subOf = ChunkIndex(chunks);
        var specs = chunks.Select((c, i) => new SubMsSpec(i, BaselineTaql(c), [], 0)).ToList();
        var rows = Enumerable.Range(0, vis.NRow)
            .Select(r => subOf[(Math.Min(vis.Ant1[r], vis.Ant2[r]), Math.Max(vis.Ant1[r], vis.Ant2[r]))]).ToArray();
        return new PartitionPlan(SeparationAxis.Baseline, specs, rows, reindex);
    }

    /// <summary>(ANTENNA1==a1 && (ANTENNA2 IN [..])) OR ..., grouped by ANTENNA1 as CASA writes it.</summary>
    public static string BaselineTaql(IEnumerable<(int A1, int A2)> baselines) => string.Join(" OR ",
        baselines.GroupBy(b => b.A1).Select(g => $"(ANTENNA1=={g.Key} && (ANTENNA2 IN [{string.Join(", ", g.Select(b => b.A2))}]))"));

    private static PartitionPlan Balanced(int n, VisIndex vis, IReadOnlyDictionary<int, DdiInfo> ddis, SpwReindex reindex, Action<string>? warn)
    {
        var bins = BalancedMap.Build(ScanDdiLoads.From(vis, ddis), n, warn);
        var binOf = new Dictionary<(int Scan, int Ddi), int>();
        foreach (var bin in bins)
            foreach (var (ddi, scans) in bin.Groups)
                foreach (var scan in scans) binOf[(scan, ddi)] = bin.Index;
        var rowBin = Enumerable.Range(0, vis.NRow).Select(r => binOf[(vis.Scan[r], vis.Ddi[r])]).ToArray();
        // Sub-MSs numbered by their first time (CASA numbers its bins in packing order, largest load first): a reader
        // that streams the MMS in the ConcatTable's order then starts each sub-MS later than the one before.
        var first = new double[bins.Count];
        if (vis.Time is { } time)
        {
            Array.Fill(first, double.MaxValue);
            for (int r = 0; r < vis.NRow; r++) first[rowBin[r]] = Math.Min(first[rowBin[r]], time[r]);
        }
        var order = bins.Select(b => b.Index).OrderBy(b => first[b]).ThenBy(b => b).ToList();
        var number = order.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => x.i);
        var specs = order.Select(b => new SubMsSpec(number[b], BalancedMap.Taql(bins[b]), [], 0)).ToList();
        var rows = rowBin.Select(b => number[b]).ToArray();
        return new PartitionPlan(SeparationAxis.Auto, specs, rows, reindex);
    }

    private static Dictionary<T, int> ChunkIndex<T>(List<T[]> chunks) where T : notnull =>
        chunks.SelectMany((c, i) => c.Select(k => (k, i))).ToDictionary(x => x.k, x => x.i);
}
