using System.Globalization;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// antint's counts at one integration of one DDI (FlagAgentAntennaIntegrations::preProcessBuffer): the reference
/// antenna's cross baselines present, and per channel how many of them have a correlation flagged there (FLAG as read).
/// </summary>
public sealed class AntintCounts
{
    public int Baselines { get; set; }
    public int[] Flagged { get; set; } = [];

    public void Merge(AntintCounts other)
    {
        Baselines += other.Baselines;
        for (int c = 0; c < Flagged.Length; c++) Flagged[c] += other.Flagged[c];
    }

    /// <summary>
    /// Whether the integration is flagged: more than minchanfrac of the channels flagged on every reference baseline
    /// (a one-channel spw: that channel, whatever minchanfrac); also the fraction, for verbose.
    /// </summary>
    public (bool Flag, double Fraction) Decide(double minChanFrac)
    {
        int bad = Flagged.Count(n => Baselines > 0 && n == Baselines);
        double fraction = Flagged.Length == 0 ? 0 : (double)bad / Flagged.Length;
        return (Flagged.Length == 1 ? bad == 1 : fraction > minChanFrac, fraction);
    }

    public static string Key(int ddi, double time) => string.Create(CultureInfo.InvariantCulture, $"{ddi},{time:R}");

    public static void MergeInto(Dictionary<string, AntintCounts> into, Dictionary<string, AntintCounts> from)
    {
        foreach (var (key, counts) in from)
            if (into.TryGetValue(key, out var mine)) mine.Merge(counts);
            else into[key] = counts;
    }
}

/// <summary>
/// The antint sweep: for every integration of every DDI, the counts of the reference antenna's baselines; summed by
/// the coordinator over the sub-MSs, so a baseline split decides as the plain MS does.
/// </summary>
public sealed class AntintSweepAgent(int referenceAntenna) : IFlagAgent
{
    private readonly Dictionary<string, AntintCounts> _counts = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var (a1, a2, time) = (block.Ints["ANTENNA1"], block.Ints["ANTENNA2"], block.Doubles["TIME"]);
        foreach (int r in cells.Rows)
        {
            // the reference antenna's cross-correlations (CASA's table has a slot per other antenna; its own
            // autocorrelation would write past it)
            if ((a1[r] != referenceAntenna && a2[r] != referenceAntenna) || a1[r] == a2[r]) continue;
            string key = AntintCounts.Key(block.Ddi, time[r]);
            if (!_counts.TryGetValue(key, out var counts)) _counts[key] = counts = new AntintCounts { Flagged = new int[block.NChan] };
            counts.Baselines++;
            for (int c = 0; c < block.NChan; c++)
                for (int k = 0; k < block.NCorr; k++)
                    if (block.Flag[block.Index(r, c, k)]) { counts.Flagged[c]++; break; }
        }
    }

    public CommandReport Report() => new() { Antint = _counts };
}

/// <summary>mode='antint': every selected row at an integration the sweep's counts decide to flag (all baselines of that DDI).</summary>
public sealed class AntintAgent(AntintSpec spec, Dictionary<string, AntintCounts> counts) : IFlagAgent
{
    private readonly CommandReport _report = new();

    public FlagNeeds Needs { get; } = FlagNeeds.Of([], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var time = block.Doubles["TIME"];
        foreach (int r in cells.Rows)
        {
            if (counts.TryGetValue(AntintCounts.Key(block.Ddi, time[r]), out var c) && c.Decide(spec.MinChanFrac).Flag)
                block.SetRow(r, cells, true, _report);
            _report.Selected += cells.CellsPerRow;
        }
    }

    public CommandReport Report() => _report;
}
