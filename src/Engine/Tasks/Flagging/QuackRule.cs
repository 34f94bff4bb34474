namespace MmsMpi.Tasks.Flagging;

/// <summary>CASA's quackmode values (AIPS convention).</summary>
public enum QuackMode { Beg, Endb, Tail, End }

/// <summary>Start and stop of a scan: the first and last row TIME of its selected (and, with quackincrement, unflagged) rows.</summary>
public sealed record ScanBounds(double Start, double Stop)
{
    public ScanBounds Union(ScanBounds other) => new(Math.Min(Start, other.Start), Math.Max(Stop, other.Stop));
}

/// <summary>
/// FlagAgentQuack::computeRowFlags: a row at time t of a scan with bounds (s0, s1) and interval q is flagged by
/// beg when t ≤ s0+q, endb when t ≥ s1−q, tail when t &gt; s0+q, end when t &lt; s1−q.
/// </summary>
public static class QuackRule
{
    public static QuackMode ParseMode(string text) => text.Trim() switch
    {
        "beg" => QuackMode.Beg,
        "endb" => QuackMode.Endb,
        "tail" => QuackMode.Tail,
        "end" => QuackMode.End,
        _ => throw new UserError($"Unsupported quack mode: {text}. Supported modes: beg,endb,end,tail (following AIPS convention)"),
    };

    public static bool Flags(QuackMode mode, double interval, ScanBounds scan, double time) => mode switch
    {
        QuackMode.Beg => time <= scan.Start + interval,
        QuackMode.Endb => time >= scan.Stop - interval,
        QuackMode.Tail => time > scan.Start + interval,
        _ => time < scan.Stop - interval,
    };
}
