namespace MmsMpi.Calibration;

/// <summary>applycal's applymode ('' = calflag), as Calibrater::correct2 reads it.</summary>
public enum ApplyMode { CalFlag, CalFlagStrict, Trial, FlagOnly, FlagOnlyStrict, CalOnly }

public static class ApplyModes
{
    public static ApplyMode Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "calflag" => ApplyMode.CalFlag,
        "calflagstrict" => ApplyMode.CalFlagStrict,
        "trial" => ApplyMode.Trial,
        "flagonly" => ApplyMode.FlagOnly,
        "flagonlystrict" => ApplyMode.FlagOnlyStrict,
        "calonly" => ApplyMode.CalOnly,
        _ => throw new UserError($"unknown applymode '{text}': use calflag, calflagstrict, trial, flagonly, flagonlystrict or calonly"),
    };

    /// <summary>CORRECTED_DATA (and, with calwt, the weights) are written.</summary>
    public static bool WritesData(this ApplyMode m) => m is ApplyMode.CalFlag or ApplyMode.CalFlagStrict or ApplyMode.CalOnly;

    /// <summary>Flags of flagged solutions (and, strict, of uncalibrateable spws) are written.</summary>
    public static bool WritesFlags(this ApplyMode m) => m is ApplyMode.CalFlag or ApplyMode.CalFlagStrict or ApplyMode.FlagOnly or ApplyMode.FlagOnlyStrict;

    public static bool Strict(this ApplyMode m) => m is ApplyMode.CalFlagStrict or ApplyMode.FlagOnlyStrict;

    public static string Name(this ApplyMode m) => m.ToString().ToLowerInvariant();
}
