using MmsMpi.Calibration;
using System.Globalization;
using System.Text.RegularExpressions;
using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Transform;

/// <summary>The transformations of one mstransform run, with CASA's parameter names and defaults (fact sheet §1.2).</summary>
public sealed record TransformOptions
{
    public string DataColumn { get; init; } = "corrected";
    public bool KeepFlags { get; init; } = true;
    public bool ChanAverage { get; init; }
    /// <summary>One chanbin for every spw, or one per selected spw in spw order.</summary>
    public int[] ChanBin { get; init; } = [1];
    public bool Hanning { get; init; }
    public bool TimeAverage { get; init; }
    public double TimeBinSeconds { get; init; }
    public string TimeSpanText { get; init; } = "";
    public double MaxUvwDistance { get; init; }
    public bool UseWeightSpectrum { get; init; }
    public bool CombineSpws { get; init; }
    /// <summary>Output spws after combining (nspw &gt; 1 implies combinespws).</summary>
    public int NSpw { get; init; } = 1;
    public bool RegridMs { get; init; }
    public string Mode { get; init; } = "channel";
    public int NChan { get; init; } = -1;
    public string Start { get; init; } = "";
    public string Width { get; init; } = "";
    public string Interpolation { get; init; } = "linear";
    public string PhaseCenter { get; init; } = "";
    public string RestFreq { get; init; } = "";
    public string OutFrame { get; init; } = "";
    public string VelType { get; init; } = "radio";
    public bool Preaverage { get; init; }
    /// <summary>The cal library file of --docallib ('' none), and its entries resolved on the coordinator (absolute table paths, MS ids).</summary>
    public string CalLibrary { get; init; } = "";
    public IReadOnlyList<ApplySpec>? Calibration { get; init; }

    /// <summary>Reference epoch of the regrid grid (MJD seconds); set by the coordinator so every sub-MS gets one grid.</summary>
    public double? RefEpoch { get; init; }

    /// <summary>TaQL that keepflags=false adds: rows that are entirely flagged are dropped.</summary>
    public string KeepFlagsTaql => KeepFlags ? "" : "NOT (FLAG_ROW OR ALL(FLAG))";

    /// <summary>CASA's checks of task_mstransform.py, with its messages.</summary>
    public void Validate()
    {
        if (ChanAverage && ChanBin.Length == 1 && ChanBin[0] <= 1)
            throw new UserError("Parameter chanbin must be > 1 to do channel averaging");
        if (ChanBin.Any(b => b < 1)) throw new UserError("chanbin values must be >= 1");
        if (TimeAverage && TimeBinSeconds <= 0) throw new UserError("Parameter timebin must be > '0s' to do time averaging");
        if (MaxUvwDistance < 0) throw new UserError("maxuvwdistance must be >= 0");
        if (NSpw < 1) throw new UserError("nspw must be >= 1");
        if (RegridMs && (NChan == 0 || NChan < -1)) throw new UserError($"nchan must be -1 (keep the bandwidth) or >= 1, not {NChan}");
        if (RegridMs && Regex.IsMatch(Width.Trim(), @"^[-+]?0*\.?0*([a-zA-Z/]+)?$") && Width.Trim().Length > 0)
            throw new UserError($"width must not be zero, not '{Width}'");
        AveragingSpan.Parse(TimeSpanText);
        if (CalLibrary.Length > 0 && !DataColumn.Trim().Equals("corrected", StringComparison.OrdinalIgnoreCase))
            throw new UserError($"docallib calibrates DATA on the fly into the corrected data: use datacolumn='corrected', not '{DataColumn}'");
        if (CalLibrary.Length > 0 && !KeepFlags)
            throw new UserError("docallib with keepflags=false is not supported: rows the calibration flags entirely would be kept (applycal, then mstransform, drops them)");
        if (RegridMs) RegridPlanner.Validate(this);
    }

    public SelectionExprs WithKeepFlags(SelectionExprs s) => KeepFlags ? s
        : s with { Taql = string.IsNullOrWhiteSpace(s.Taql) ? KeepFlagsTaql : $"({s.Taql}) AND {KeepFlagsTaql}" };

    /// <summary>Parses a CASA chanbin/width value, "4" or "4,2,8", each >= 1; parameter: the name the user typed.</summary>
    public static int[] ParseChanBin(string text, string parameter)
    {
        int[] bins;
        try
        {
            bins = text.Trim().Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() is { Length: > 0 } b ? b : [1];
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UserError($"{parameter} must be an integer or a list of integers, not '{text}'");
        }
        if (bins.Any(b => b < 1)) throw new UserError($"{parameter} values must be >= 1, not '{text}'");
        return bins;
    }

    /// <summary>Parses a CASA time quantity ("10s", "2.5min", "1h", "30" = seconds) into seconds.</summary>
    public static double ParseSeconds(string text)
    {
        var m = Regex.Match(text.Trim(), @"^([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(s|sec|min|m|h|d)?$");
        if (!m.Success) throw new UserError($"timebin must be a time such as '10s' or '2min', not '{text}'");
        double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return v * (m.Groups[2].Value switch { "min" or "m" => 60, "h" => 3600, "d" => 86400, _ => 1 });
    }
}
