using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>CASA data-selection expressions (the task parameters), parsed by casacore's MSSelection.</summary>
public sealed record SelectionExprs(
    string Field = "", string Spw = "", string Scan = "", string Antenna = "", string TimeRange = "",
    string Correlation = "", string Intent = "", string Observation = "", string Array = "", string UvRange = "",
    string Feed = "", string Taql = "")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => ToArray().All(string.IsNullOrWhiteSpace);

    internal string[] ToArray() => [Field, Spw, Scan, Antenna, TimeRange, Correlation, Intent, Observation, Array, UvRange, Feed, Taql];
}

/// <summary>A channel range of one spw chosen by a spw selection such as '1:10~20'.</summary>
public readonly record struct ChannelRange(int Spw, int Start, int End, int Step)
{
    public int Count => (End - Start) / Step + 1;

    /// <summary>The selected channels' entries of a per-channel array (CHAN_FREQ, CHAN_WIDTH, ...).</summary>
    public double[] Pick(double[] perChannel)
    {
        var picked = new double[Count];
        for (int i = 0; i < picked.Length; i++) picked[i] = perChannel[Start + i * Step];
        return picked;
    }
}

/// <summary>
/// The result of applying CASA selection expressions to an MS: the selected rows (a reference table)
/// plus the channel ranges per spw and correlation indices per polarization setup.
/// </summary>
public sealed unsafe class MsSelection : IDisposable
{
    public CasaTable Rows { get; }
    public IReadOnlyList<ChannelRange> Channels { get; }
    /// <summary>POLARIZATION id → selected in-row correlation indices (empty: all correlations).</summary>
    public IReadOnlyDictionary<int, int[]> Correlations { get; }

    private MsSelection(CasaTable rows, IReadOnlyList<ChannelRange> channels, IReadOnlyDictionary<int, int[]> corrs)
    {
        Rows = rows;
        Channels = channels;
        Correlations = corrs;
    }

    /// <summary>Applies the expressions to an open MS (or MMS). Throws CasacoreException with MSSelection's message.</summary>
    public static MsSelection Apply(CasaTable ms, SelectionExprs exprs)
    {
        var strings = exprs.ToArray();
        var ptrs = strings.Select(s => Marshal.StringToCoTaskMemUTF8(s)).ToArray();
        nint sel;
        try
        {
            fixed (nint* p = ptrs) sel = Native.CheckHandle(Native.cs_msselect(ms.H, p));
        }
        finally
        {
            foreach (var p in ptrs) Marshal.FreeCoTaskMem(p);
        }
        try
        {
            var chans = ReadInts(sel, 0).Chunk(4).Select(c => new ChannelRange(c[0], c[1], c[2], c[3])).ToList();
            var corrList = ReadInts(sel, 1);
            var corrs = new Dictionary<int, int[]>();
            for (int i = 0; i < corrList.Length; i += 2 + corrList[i + 1])
                corrs[corrList[i]] = corrList[(i + 2)..(i + 2 + corrList[i + 1])];
            return new MsSelection(new CasaTable(Native.CheckHandle(Native.cs_sel_table(sel))), chans, corrs);
        }
        finally
        {
            Native.cs_sel_free(sel);
        }
    }

    private static int[] ReadInts(nint sel, int which)
    {
        long n = Native.Check(Native.cs_sel_ints(sel, which, null, 0));
        var v = new int[n];
        fixed (int* p = v) Native.Check(Native.cs_sel_ints(sel, which, p, n));
        return v;
    }

    public void Dispose() => Rows.Dispose();
}
