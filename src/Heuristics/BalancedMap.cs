namespace MmsMpi.Heuristics;

/// <summary>
/// CASA's 'auto' axis (partitionhelper getPartitionMap): greedy bin-packing of (scan, ddi) pairs into sub-MSs,
/// balancing the visibilities of each scan, ddi and field across sub-MSs.
/// </summary>
public static class BalancedMap
{
    /// <summary>One sub-MS of the map: its (ddi → scans) groups in insertion order.</summary>
    public sealed record Bin(int Index, List<(int Ddi, List<int> Scans)> Groups, double NVis);

    /// <summary>Assigns every pair to one of min(nSubMs, pairs) bins.</summary>
    public static List<Bin> Build(IReadOnlyList<ScanDdiLoad> pairs, int nSubMs, Action<string>? warn = null)
    {
        if (pairs.Count == 0) return [];
        if (nSubMs > pairs.Count)
        {
            warn?.Invoke($"Number of subMSs ({nSubMs}) is greater than available scan,ddi pairs ({pairs.Count}), setting nsubms to {pairs.Count}");
            nSubMs = pairs.Count;
        }
        // np.lexsort((ddi, scan, nVis)) reversed: nVis descending, then scan, then ddi descending, ids compared as strings.
        var sorted = pairs
            .OrderByDescending(p => p.NVis)
            .ThenByDescending(p => p.Scan.ToString(), StringComparer.Ordinal)
            .ThenByDescending(p => p.Ddi.ToString(), StringComparer.Ordinal)
            .ToList();

        var axes = new[]
        {
            new AxisLoad(pairs, p => p.Scan, nSubMs),
            new AxisLoad(pairs, p => p.Ddi, nSubMs),
            new AxisLoad(pairs, p => p.Field, nSubMs),
        };
        var totals = new double[nSubMs];
        var groups = Enumerable.Range(0, nSubMs).Select(_ => new List<(int Ddi, List<int> Scans)>()).ToArray();

        foreach (var pair in sorted)
        {
            var gap = new double[nSubMs];
            foreach (var axis in axes) axis.AddGap(pair, gap);
            double best = gap.Max();
            int chosen = -1;
            for (int j = 0; j < nSubMs; j++)
                if (gap[j] == best && (chosen < 0 || totals[j] < totals[chosen])) chosen = j;

            foreach (var axis in axes) axis.Place(pair, chosen);
            totals[chosen] += pair.NVis;
            var g = groups[chosen].FindIndex(x => x.Ddi == pair.Ddi);
            if (g < 0) groups[chosen].Add((pair.Ddi, [pair.Scan]));
            else groups[chosen][g].Scans.Add(pair.Scan);
        }
        return Enumerable.Range(0, nSubMs).Select(j => new Bin(j, groups[j], totals[j])).ToList();
    }

    /// <summary>TaQL of a bin: (DATA_DESC_ID==d && (SCAN_NUMBER IN [s1, s2])) OR ..., as CASA writes it.</summary>
    public static string Taql(Bin bin) => string.Join(" OR ",
        bin.Groups.Select(g => $"(DATA_DESC_ID=={g.Ddi} && (SCAN_NUMBER IN [{string.Join(", ", g.Scans)}]))"));

    /// <summary>Per-axis bookkeeping: the total load of each id and how much of it each sub-MS holds.</summary>
    private sealed class AxisLoad
    {
        private readonly Func<ScanDdiLoad, int> _id;
        private readonly int _n;
        private readonly Dictionary<int, double> _total = [];
        private readonly Dictionary<int, double[]> _dist = [];

        public AxisLoad(IEnumerable<ScanDdiLoad> pairs, Func<ScanDdiLoad, int> id, int n)
        {
            _id = id;
            _n = n;
            foreach (var p in pairs)
            {
                _total[id(p)] = _total.GetValueOrDefault(id(p)) + p.NVis;
                _dist.TryAdd(id(p), new double[n]);
            }
        }

        // gap[j] += max(total(id) // n, max_k dist[id][k]) - dist[id][j]
        public void AddGap(ScanDdiLoad pair, double[] gap)
        {
            var dist = _dist[_id(pair)];
            double target = Math.Max(Math.Floor(_total[_id(pair)] / _n), dist.Max());
            for (int j = 0; j < gap.Length; j++) gap[j] += target - dist[j];
        }

        public void Place(ScanDdiLoad pair, int j) => _dist[_id(pair)][j] += pair.NVis;
    }
}
