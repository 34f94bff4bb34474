namespace MmsMpi.Calibration;

/// <summary>
/// A table's interp parameter, CASA's "time[,freq]": time nearest or linear (a 'flag' suffix is accepted and changes
/// nothing in time: CASA always carries solution flags through time interpolation); frequency (B tables) nearest or
/// linear, where a 'flag' suffix flags data at flagged solution channels instead of interpolating over them.
/// Defaults: linear, linear (SolvableVisCal::setApply).
/// </summary>
public sealed record CalInterp(bool TimeNearest, bool FreqNearest, bool FreqFlag)
{
    public static CalInterp Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 2) throw Unknown(text);
        var (timeNearest, _) = Part(parts[0], text);
        var (freqNearest, freqFlag) = parts.Length > 1 ? Part(parts[1], text) : (false, false);
        return new CalInterp(timeNearest, freqNearest, freqFlag);
    }

    private static (bool Nearest, bool Flag) Part(string part, string text)
    {
        bool flag = part.EndsWith("flag");
        string method = flag ? part[..^4] : part;
        return method switch
        {
            "" or "linear" => (false, flag),
            "nearest" => (true, flag),
            "cubic" or "spline" or "linearpd" or "linearperobs" or "nearestperobs" =>
                throw new UserError($"interp '{text}': '{part}' is not supported by MmsMpi (nearest, linear, nearestflag, linearflag are)"),
            _ => throw Unknown(text),
        };
    }

    private static UserError Unknown(string text) =>
        new($"unknown interp '{text}': use 'nearest' or 'linear' for time, optionally followed by ',nearest', ',linear', ',nearestflag' or ',linearflag' for frequency");
}
