using System.Globalization;
using System.Text.RegularExpressions;

namespace MmsMpi.Heuristics;

/// <summary>
/// CASA's direction strings for phasecenter: "J2000 12h30m49.42 +12d23m28.04", "J2000 19:53:50.4 -28.36.20",
/// "J2000 187.7deg 12.39deg", "J2000 3.27rad 0.216rad". Right ascension in hours when written h/m/s or with colons,
/// declination in degrees when written d/m/s or with dots. Only J2000 is accepted (the frame conversions use it).
/// </summary>
public static partial class DirectionText
{
    public static bool LooksLikeDirection(string text) => text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 3;

    /// <summary>(ra, dec) in radians.</summary>
    public static (double Ra, double Dec) Parse(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3) throw new ArgumentException($"phasecenter '{text}' must be a FIELD id or 'J2000 RA DEC'");
        if (!parts[0].Equals("J2000", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"phasecenter frame '{parts[0]}' is not supported: give the direction in J2000");
        return (Angle(parts[1], isRa: true), Angle(parts[2], isRa: false));
    }

    private static double Angle(string s, bool isRa)
    {
        var m = Sexagesimal().Match(s);
        if (m.Success && (m.Groups["u1"].Value is "h" or ":" ? isRa : !isRa || m.Groups["u1"].Value is "d"))
        {
            double sign = m.Groups["sign"].Value == "-" ? -1 : 1;
            double v = Num(m.Groups["a"].Value) + Num(m.Groups["b"].Value) / 60 + (m.Groups["c"].Success ? Num(m.Groups["c"].Value) : 0) / 3600;
            double unit = m.Groups["u1"].Value is "h" or ":" ? 15 : 1;
            return sign * v * unit * Math.PI / 180;
        }
        var q = Quantity().Match(s);
        if (q.Success)
            return Num(q.Groups["v"].Value) * (q.Groups["u"].Value == "rad" ? 1 : Math.PI / 180);
        throw new ArgumentException($"cannot read the angle '{s}' (use 12h30m49.4, +12d23m28, 12:30:49.4, +12.23.28, 187.7deg or 3.27rad)");
    }

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<sign>[-+]?)(?<a>\d+)(?<u1>[hd:.])(?<b>\d+)(?:[m:.'](?<c>\d+(?:\.\d*)?)s?""?)?$")]
    private static partial Regex Sexagesimal();

    [GeneratedRegex(@"^(?<v>[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?<u>deg|rad)$")]
    private static partial Regex Quantity();
}
