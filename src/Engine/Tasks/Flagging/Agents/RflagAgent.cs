using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// rflag (FlagAgentRFlag) on the chunks of one MS (a block: one scan of one DDI, ntime='scan'). For each (field, spw)
/// direction without a given threshold the chunk's statistics are summed over its baselines (or, when its baselines
/// are spread over sub-MSs, taken from the sweep that summed them over all of them); the threshold is
/// median + 1.4826 MAD over channels; the cells above threshold × scale in time (whole windows) or frequency are
/// flagged, then extended as CASA does after rflag (50 % / 80 %, extendpols). With action='calculate' nothing is
/// flagged: the statistics of each (field, spw) are summed over all its chunks and returned as timedev/freqdev.
/// docs/rflag-rules.md.
/// </summary>
public sealed class RflagAgent(RflagSpec spec, MsFlagLayout layout, bool calculate, IReadOnlyDictionary<string, RflagStats>? chunks) : IFlagAgent
{
    private readonly CommandReport _report = new() { Rflag = calculate ? [] : null };
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = Need(spec);

    internal static FlagNeeds Need(RflagSpec spec) =>
        FlagNeeds.Of(["ANTENNA1", "ANTENNA2", "FIELD_ID", "SCAN_NUMBER", "ARRAY_ID"], ["TIME"], [spec.DataColumn], wholeScans: true, originalFlags: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (cells.Rows.Length == 0) return;
        var (channels, planes, baselines) = Planes(block, cells, spec, layout, _terms, spreads: !calculate);
        int field = block.Ints["FIELD_ID"][cells.Rows[0]];
        double? timeDev = spec.TimeDev.For(field, block.Spw), freqDev = spec.FreqDev.For(field, block.Spw);
        if (calculate)
        {
            var stats = At(_report.Rflag!, $"{field},{block.Spw}", channels.Length);
            Accumulate(planes, stats, spec, timeDev is null, freqDev is null);
            return;
        }
        var chunk = chunks?.GetValueOrDefault(ChunkKey(block, cells));
        if (chunk is null && (timeDev is null || freqDev is null))
        {
            chunk = RflagStats.Of(channels.Length);
            Accumulate(planes, chunk, spec, timeDev is null, freqDev is null);
        }
        // A threshold of 0 (a chunk with nothing unflagged) flags nothing, as in CASA.
        double time = timeDev ?? chunk!.Time.Threshold(), freq = freqDev ?? chunk!.Freq.Threshold();
        var terms = _terms[block.Pol];
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => cells.Correlations[k]).ToArray();
        // The baselines side by side, as their planes: a baseline's outliers and extension touch only its own rows,
        // so the flags are those of one thread; each thread counts for itself.
        Parallel.For(0, planes.Count, new ParallelOptions { MaxDegreeOfParallelism = ComputeThreads.ForThisJob }, () => new CommandReport(),
            (b, _, report) =>
            {
                var rows = baselines[b];
                var flagged = new List<(int P, int T, int C)>();
                if (time > 0) flagged.AddRange(planes[b].TimeOutliers(time * spec.TimeDevScale));
                if (freq > 0) flagged.AddRange(planes[b].FreqOutliers(freq * spec.FreqDevScale, spec.SpectralMax, spec.SpectralMin));
                foreach (var (p, t, c) in flagged)
                    foreach (int k in terms[p].Corrs) block.Set(rows[t], channels[c], k, true, report);
                if (spec.ExtendFlags) ExtendRule.Apply(block, rows, channels, corrs, ExtendSpec.AfterTfcrop, report);
                report.Selected += (long)rows.Length * channels.Length * corrs.Length;
                return report;
            },
            report =>
            {
                lock (_report) _report.Merge(report);
            });
    }

    public CommandReport Report() => _report;

    /// <summary>
    /// The block's selected channels and, per baseline (rows in time order), its plane with its statistics computed
    /// (with the spectra's spreads when it will flag): the baselines side by side on the job's compute threads.
    /// </summary>
    internal static (int[] Channels, List<RflagPlane> Planes, List<int[]> Baselines) Planes(FlagBlock block, BlockCells cells, RflagSpec spec,
        MsFlagLayout layout, Dictionary<int, IReadOnlyList<VisTerm>> terms, bool spreads)
    {
        if (!terms.TryGetValue(block.Pol, out var products))
            terms[block.Pol] = products = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]);
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var baselines = ExtendAgent.Baselines(block, cells.Rows).ToList();
        var vis = block.Vis[spec.DataColumn];
        var planes = new RflagPlane[baselines.Count];
        Parallel.For(0, planes.Length, new ParallelOptions { MaxDegreeOfParallelism = ComputeThreads.ForThisJob }, b =>
        {
            planes[b] = new RflagPlane(block, baselines[b], channels, products, vis, spec.WinSize);
            planes[b].ComputeStatistics(spreads);
        });
        return (channels, [.. planes], baselines);
    }

    internal static void Accumulate(IEnumerable<RflagPlane> planes, RflagStats stats, RflagSpec spec, bool time, bool freq)
    {
        foreach (var plane in planes)
        {
            if (time) plane.AccumulateTime(stats.Time);
            if (freq) plane.AccumulateFreq(stats.Freq);
        }
    }

    internal static RflagStats At(Dictionary<string, RflagStats> all, string key, int channels)
    {
        if (!all.TryGetValue(key, out var stats)) all[key] = stats = RflagStats.Of(channels);
        return stats;
    }

    /// <summary>A chunk: one (array, scan, field, DDI), the same in the plain MS and in every sub-MS holding part of it.</summary>
    internal static string ChunkKey(FlagBlock block, BlockCells cells)
    {
        int row = cells.Rows[0];
        return $"{block.Ints["ARRAY_ID"][row]},{block.Ints["SCAN_NUMBER"][row]},{block.Ints["FIELD_ID"][row]},{block.Ddi}";
    }
}

/// <summary>
/// The rflag sweep, for an MMS whose chunks are split over sub-MSs (the baseline axis): each chunk's statistics for
/// the directions without a given threshold, summed by the coordinator over the sub-MSs before anything is flagged.
/// </summary>
public sealed class RflagSweepAgent(RflagSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly Dictionary<string, RflagStats> _chunks = [];
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = RflagAgent.Need(spec);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (cells.Rows.Length == 0) return;
        var (channels, planes, _) = RflagAgent.Planes(block, cells, spec, layout, _terms, spreads: false);
        int field = block.Ints["FIELD_ID"][cells.Rows[0]];
        var stats = RflagAgent.At(_chunks, RflagAgent.ChunkKey(block, cells), channels.Length);
        RflagAgent.Accumulate(planes, stats, spec, spec.TimeDev.For(field, block.Spw) is null, spec.FreqDev.For(field, block.Spw) is null);
    }

    public CommandReport Report() => new() { Rflag = _chunks };
}
