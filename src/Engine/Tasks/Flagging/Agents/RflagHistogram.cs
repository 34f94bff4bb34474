namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// rflag's per-channel statistic (FlagAgentRFlag's field_spw histograms): a sum and a count per selected channel,
/// merged over baselines, windows, products, blocks and sub-MSs. The sum is kept in fixed point (2⁻⁶⁴ units in 128
/// bits), so it is exact and its order does not matter: a Multi-MS whose chunks are split over sub-MSs adds the
/// same integers as the plain MS and gets the same threshold to the last bit. Values up to 2³¹ over up to 2³²
/// terms fit.
/// </summary>
public sealed class RflagHistogram
{
    private const double Unit = 18446744073709551616.0;   // 2^64
    private const double Largest = 2147483648.0;           // 2^31

    public Int128[] Sum { get; set; } = [];
    public long[] Count { get; set; } = [];

    public static RflagHistogram Of(int channels) => new() { Sum = new Int128[channels], Count = new long[channels] };

    public void Add(int channel, double value)
    {
        if (!(value < Largest)) throw new UserError($"rflag: a deviation of {value:G4} is beyond the exact statistics (< 2^31); scale the data first");
        Sum[channel] += (Int128)(value * Unit);
        Count[channel]++;
    }

    public void Merge(RflagHistogram other)
    {
        if (other.Sum.Length != Sum.Length) throw new InvalidOperationException($"rflag statistics of {other.Sum.Length} and {Sum.Length} channels");
        for (int c = 0; c < Sum.Length; c++)
        {
            Sum[c] += other.Sum[c];
            Count[c] += other.Count[c];
        }
    }

    /// <summary>computeThreshold: median over channels of the channel means (0 for an empty channel) + 1.4826 × their MAD.</summary>
    public double Threshold()
    {
        var means = Sum.Select((s, c) => Count[c] > 0 ? (double)s / Unit / Count[c] : 0).ToArray();
        double median = Median(means);
        return median + 1.4826 * Median(means.Select(m => Math.Abs(m - median)).ToArray());
    }

    /// <summary>The median, the mean of the two middle values for an even count (0 for none).</summary>
    public static double Median(double[] values) => values.Length == 0 ? 0 : OrderStatistics.MedianInPlace(values.ToArray());
}

/// <summary>The two statistics of one chunk or (field, spw): time (local RMS) and frequency (deviation from the spectrum's median).</summary>
public sealed class RflagStats
{
    public RflagHistogram Time { get; set; } = new();
    public RflagHistogram Freq { get; set; } = new();

    public static RflagStats Of(int channels) => new() { Time = RflagHistogram.Of(channels), Freq = RflagHistogram.Of(channels) };

    public void Merge(RflagStats other)
    {
        Time.Merge(other.Time);
        Freq.Merge(other.Freq);
    }

    public static void MergeInto(Dictionary<string, RflagStats> into, Dictionary<string, RflagStats> from)
    {
        foreach (var (key, stats) in from)
            if (into.TryGetValue(key, out var mine)) mine.Merge(stats);
            else into[key] = stats;
    }
}
