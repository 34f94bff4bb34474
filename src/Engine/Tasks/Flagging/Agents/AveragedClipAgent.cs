using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// clip with timeavg and/or channelavg (CASA 5.4+; docs/flag-modes-rules.md §3): per chunk (one scan of one DDI) and
/// baseline, the selected channels are averaged in time bins (a bin opens at its first row; a row more than
/// 0.999 × timebin later opens the next), then in channel bins, each average weighted (1/σ² for DATA, WEIGHT for
/// CORRECTED and RESIDUAL, 1 for MODEL) over the unflagged samples, or over all when all are flagged (FLAG as read);
/// the expression's value of each averaged cell is clipped, and a clipped cell flags every original cell it averaged
/// (its correlations only). Nothing is unflagged.
/// </summary>
public sealed class AveragedClipAgent(ClipSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();
    private readonly ClipRule _rule = new(spec.MinMax, spec.Outside, spec.Zeros);
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], wholeScans: true, originalFlags: true,
        cellWeights: WeightsOf(spec.DataColumn));

    /// <summary>The weights the averaging TVIs use for a data column (null: equal weights).</summary>
    public static string? WeightsOf(string column) => column switch
    {
        "DATA" => "SIGMA",
        "CORRECTED" or "RESIDUAL" => "WEIGHT",
        _ => null,
    };

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]);
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var chanBins = ChannelBins(channels.Length, ChanBinOf(block.Spw));
        int np = block.NCorr;
        var vis = block.Vis[spec.DataColumn];
        foreach (var rows in ExtendAgent.Baselines(block, cells.Rows))
            foreach (var timeBin in TimeBins(rows, block.Doubles["TIME"]))
            {
                // time average per selected channel and correlation
                var v = new ComplexF[channels.Length * np];
                var w = new double[channels.Length * np];
                var f = new bool[channels.Length * np];
                for (int c = 0; c < channels.Length; c++)
                    for (int k = 0; k < np; k++)
                    {
                        var (value, weight, flagged) = Average(timeBin.Select(r => block.Index(r, channels[c], k)), i => vis[i],
                            i => block.Weights.Length > 0 ? block.Weights[i] : 1, i => block.OriginalFlag[i]);
                        (v[c * np + k], w[c * np + k], f[c * np + k]) = (value, weight, flagged);
                    }
                foreach (var bin in chanBins)
                {
                    var cell = new ComplexF[np];
                    for (int k = 0; k < np; k++)
                        cell[k] = Average(bin.Select(c => c * np + k), i => v[i], i => w[i], i => f[i]).Value;
                    foreach (var term in terms)
                    {
                        if (!_rule.Flags(term.Evaluate(spec.Expression.Function, cell))) continue;
                        foreach (int r in timeBin)
                            foreach (int c in bin)
                                foreach (int k in term.Corrs)
                                    if (cells.Correlations[k]) block.Set(r, channels[c], k, true, _report);
                    }
                }
                _report.Selected += (long)timeBin.Count * channels.Length * terms.Sum(t => t.Corrs.Length);
            }
    }

    /// <summary>A weighted mean over the unflagged samples (all, when every one is flagged); its weight; whether all were flagged.</summary>
    private static (ComplexF Value, double Weight, bool AllFlagged) Average(IEnumerable<int> samples, Func<int, ComplexF> value,
        Func<int, double> weight, Func<int, bool> flagged)
    {
        // bins are a few samples: one pass to find whether any is unflagged, one to sum
        bool all = true;
        foreach (int i in samples) all &= flagged(i);
        double sw = 0, re = 0, im = 0;
        foreach (int i in samples)
        {
            if (!all && flagged(i)) continue;
            double wi = weight(i);
            var vi = value(i);
            (sw, re, im) = (sw + wi, re + wi * vi.Re, im + wi * vi.Im);
        }
        // a zero total weight keeps the (zero) weighted sum, as CASA's kernels do
        return (sw > 0 ? new ComplexF((float)(re / sw), (float)(im / sw)) : new ComplexF((float)re, (float)im), sw, all);
    }

    private int ChanBinOf(int spw) => spec.ChanBin is null ? 0 : spec.ChanBin.Length == 1 ? spec.ChanBin[0]
        : spw < spec.ChanBin.Length ? spec.ChanBin[spw] : throw new UserError($"chanbin has {spec.ChanBin.Length} values: none for spw {spw}");

    /// <summary>Bins of consecutive selected channels: 0 none, 1 (or less) all in one, more than n: n; a short last bin stays.</summary>
    private static List<int[]> ChannelBins(int n, int width)
    {
        if (width == 0) return Enumerable.Range(0, n).Select(c => new[] { c }).ToList();
        int w = width <= 1 || width > n ? n : width;
        return Enumerable.Range(0, (n + w - 1) / w).Select(b => Enumerable.Range(b * w, Math.Min(w, n - b * w)).ToArray()).ToList();
    }

    /// <summary>A baseline's rows (in time order) in time bins; each row alone without timeavg.</summary>
    private List<List<int>> TimeBins(int[] rows, double[] time)
    {
        var bins = new List<List<int>>();
        double start = double.NegativeInfinity;
        foreach (int r in rows)
        {
            if (bins.Count == 0 || spec.TimeBin <= 0 || time[r] - start > 0.999 * spec.TimeBin)
            {
                bins.Add([]);
                start = time[r];
            }
            bins[^1].Add(r);
        }
        return bins;
    }

    public CommandReport Report() => _report;
}
