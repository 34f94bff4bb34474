namespace MmsMpi.Heuristics;

/// <summary>The partition axis of a Multi-MS.</summary>
public enum SeparationAxis
{
    Auto,
    Scan,
    Spw,
    Baseline,
}

public static class SeparationAxes
{
    /// <summary>Parses a user value case-insensitively (CASA's enum: auto, scan, spw, baseline).</summary>
    public static SeparationAxis Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => SeparationAxis.Auto,
        "scan" => SeparationAxis.Scan,
        "spw" => SeparationAxis.Spw,
        "baseline" => SeparationAxis.Baseline,
        _ => throw new ArgumentException($"unknown separationaxis '{value}': use auto, scan, spw or baseline"),
    };

    /// <summary>The AxisType text written in the MMS readme; auto is written as "scan,spw" as CASA does.</summary>
    public static string AxisTypeText(this SeparationAxis axis) => axis switch
    {
        SeparationAxis.Auto => "scan,spw",
        SeparationAxis.Scan => "scan",
        SeparationAxis.Spw => "spw",
        SeparationAxis.Baseline => "baseline",
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    /// <summary>Reads an AxisType text back: "scan,spw" is auto; empty or unknown text gives null ("unknown").</summary>
    public static SeparationAxis? FromAxisTypeText(string text) => text.Trim() switch
    {
        "scan,spw" or "auto" => SeparationAxis.Auto,
        "scan" => SeparationAxis.Scan,
        "spw" => SeparationAxis.Spw,
        "baseline" => SeparationAxis.Baseline,
        _ => null,
    };
}
