namespace MmsMpi.Calibration;

/// <summary>
/// What applying calibration did, summed over jobs on the coordinator (Calibrater's activity record, which
/// applycal's reportflags prints): visibilities selected, per table the cells it saw and how many were flagged
/// before and after it, the spws no table could calibrate, and the antennas a table had no solutions for.
/// </summary>
public sealed class CalCounts
{
    public long NVisTotal { get; set; }
    public long[] NData { get; set; } = [];
    public long[] FlagIn { get; set; } = [];
    public long[] FlagOut { get; set; } = [];
    public SortedSet<int> UncalibratedSpws { get; set; } = [];
    public SortedSet<string> Unsolved { get; set; } = [];

    public static CalCounts For(int terms) => new() { NData = new long[terms], FlagIn = new long[terms], FlagOut = new long[terms] };

    public void Merge(CalCounts other)
    {
        NVisTotal += other.NVisTotal;
        for (int t = 0; t < NData.Length; t++)
        {
            NData[t] += other.NData[t];
            FlagIn[t] += other.FlagIn[t];
            FlagOut[t] += other.FlagOut[t];
        }
        UncalibratedSpws.UnionWith(other.UncalibratedSpws);
        Unsolved.UnionWith(other.Unsolved);
    }
}
