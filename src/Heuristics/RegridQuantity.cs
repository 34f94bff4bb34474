using System.Globalization;
using System.Text.RegularExpressions;

namespace MmsMpi.Heuristics;

/// <summary>
/// A number with a unit as CASA's quanta write it ("1.4GHz", "100 kHz", "-20km/s", "5m/s", "1e9Hz").
/// Only what regridding needs: frequencies ([prefix]Hz) and velocities ([prefix]m/s), with SI prefixes.
/// </summary>
public readonly partial record struct RegridQuantity(double Value, string Unit)
{
    private static readonly Dictionary<string, double> Prefixes = new()
    {
        [""] = 1, ["Y"] = 1e24, ["Z"] = 1e21, ["E"] = 1e18, ["P"] = 1e15, ["T"] = 1e12, ["G"] = 1e9, ["M"] = 1e6,
        ["k"] = 1e3, ["h"] = 1e2, ["da"] = 1e1, ["d"] = 1e-1, ["c"] = 1e-2, ["m"] = 1e-3, ["u"] = 1e-6,
        ["n"] = 1e-9, ["p"] = 1e-12, ["f"] = 1e-15, ["a"] = 1e-18, ["z"] = 1e-21, ["y"] = 1e-24,
    };

    [GeneratedRegex(@"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S*)\s*$")]
    private static partial Regex Pattern();

    /// <summary>Parses "value[unit]"; null when the text is not a number followed by an optional unit word.</summary>
    public static RegridQuantity? TryParse(string? text)
    {
        var m = Pattern().Match(text ?? "");
        if (!m.Success) return null;
        return new RegridQuantity(double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture), m.Groups[2].Value);
    }

    /// <summary>The value in Hz, or null if the unit is not [prefix]Hz. A bare number counts as Hz.</summary>
    public double? InHz(bool bareNumberIsHz = false) =>
        Unit.Length == 0 ? (bareNumberIsHz ? Value : null) : Scale("Hz") is { } f ? Value * f : null;

    /// <summary>The value in m/s, or null if the unit is not [prefix]m/s.</summary>
    public double? InMetresPerSecond() => Scale("m/s") is { } f ? Value * f : null;

    private double? Scale(string baseUnit) =>
        Unit.EndsWith(baseUnit, StringComparison.Ordinal) && Prefixes.TryGetValue(Unit[..^baseUnit.Length], out var f) ? f : null;
}
