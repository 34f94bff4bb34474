using System.Globalization;
using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// Builds a <see cref="FlagCommand"/> from CASA parameter names and their text values, for the command line and for
/// list files alike, with flagdata's defaults (flagdata.xml). A parameter that does not belong to the mode, a value of
/// the wrong type or out of range is an error: a typo must never turn into flagging everything.
/// </summary>
public static class FlagParameters
{
    public static readonly string[] SelectionKeys =
        ["field", "spw", "scan", "antenna", "timerange", "correlation", "intent", "observation", "array", "uvrange", "feed", "taql"];

    private static readonly string[] Common = ["mode", "reason"];

    private static readonly Dictionary<FlagMode, string[]> ModeKeys = new()
    {
        [FlagMode.Manual] = ["autocorr"],
        [FlagMode.Unflag] = [],
        [FlagMode.Clip] = ["datacolumn", "clipminmax", "clipoutside", "clipzeros", "channelavg", "chanbin", "timeavg", "timebin"],
        [FlagMode.Quack] = ["quackinterval", "quackmode", "quackincrement"],
        [FlagMode.Shadow] = ["tolerance", "addantenna"],
        [FlagMode.Elevation] = ["lowerlimit", "upperlimit"],
        [FlagMode.Summary] = ["spwchan", "spwcorr", "basecnt", "fieldcnt", "name", "minrel", "maxrel", "minabs", "maxabs"],
        [FlagMode.Tfcrop] = ["datacolumn", "timecutoff", "freqcutoff", "timefit", "freqfit", "maxnpieces", "flagdimension",
            "usewindowstats", "halfwin", "extendflags", "ntime", "combinescans"],
        [FlagMode.Rflag] = ["datacolumn", "winsize", "timedev", "freqdev", "timedevscale", "freqdevscale", "spectralmax", "spectralmin",
            "extendflags", "ntime", "combinescans"],
        [FlagMode.Aoflagger] = ["strategy", "datacolumn"],
        [FlagMode.Antint] = ["antint_ref_antenna", "minchanfrac", "verbose"],
        [FlagMode.Extend] = ["extendpols", "growtime", "growfreq", "growaround", "flagneartime", "flagnearfreq", "ntime", "combinescans"],
    };

    private const string Supported = "manual, unflag, clip, quack, shadow, elevation, summary, tfcrop, rflag, extend, antint, aoflagger or list";

    /// <summary>The mode names CASA accepts (plus the alias manualflag); 'list' is handled by the task.</summary>
    public static FlagMode ParseMode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "manual" or "manualflag" => FlagMode.Manual,
        "unflag" => FlagMode.Unflag,
        "clip" => FlagMode.Clip,
        "quack" => FlagMode.Quack,
        "shadow" => FlagMode.Shadow,
        "elevation" => FlagMode.Elevation,
        "summary" => FlagMode.Summary,
        "tfcrop" => FlagMode.Tfcrop,
        "extend" => FlagMode.Extend,
        "rflag" => FlagMode.Rflag,
        "aoflagger" => FlagMode.Aoflagger,
        "antint" => FlagMode.Antint,
        "display" =>
            throw new UserError($"mode '{text}' is not supported by MmsMpi flagdata (supported: {Supported})"),
        _ => throw new UserError($"unknown mode '{text}': use {Supported}"),
    };

    /// <summary>Builds and validates one command; text is how it reads for messages.</summary>
    public static FlagCommand Build(IReadOnlyDictionary<string, string> p, string text)
    {
        var mode = ParseMode(p.GetValueOrDefault("mode", "manual"));
        foreach (var key in p.Keys.Where(k => !Common.Contains(k) && !SelectionKeys.Contains(k) && !ModeKeys[mode].Contains(k)))
            throw new UserError($"parameter '{key}' does not apply to mode '{mode.ToString().ToLowerInvariant()}' (in: {text})");
        string S(string key, string dflt = "") => p.TryGetValue(key, out var v) ? v : dflt;
        bool expressionMode = mode is FlagMode.Clip or FlagMode.Tfcrop or FlagMode.Rflag;
        var selection = new SelectionExprs(S("field"), S("spw"), S("scan"), S("antenna"), S("timerange"),
            expressionMode ? "" : S("correlation"), S("intent"), S("observation"), S("array"), S("uvrange"), S("feed"), S("taql"));
        var command = new FlagCommand { Mode = mode, Selection = selection, Reason = S("reason"), Text = text };
        return mode switch
        {
            FlagMode.Manual => command with { AutoCorr = Bool(p, "autocorr", false) },
            FlagMode.Clip => command with { Clip = ClipOf(p, S("correlation")) },
            FlagMode.Quack => command with { Quack = QuackOf(p) },
            FlagMode.Shadow => command with
            {
                Shadow = new ShadowSpec(Number(p, "tolerance", 0.0)) { Extra = p.TryGetValue("addantenna", out var file) ? AddAntenna.Read(file) : [] },
            },
            FlagMode.Elevation => command with { Elevation = ElevationOf(p) },
            FlagMode.Summary => command with { Summary = SummaryOf(p) },
            FlagMode.Tfcrop => command with { Tfcrop = TfcropOf(p, S("correlation")) },
            FlagMode.Extend => command with { Extend = ExtendOf(p) },
            FlagMode.Rflag => command with { Rflag = RflagOf(p, S("correlation")) },
            FlagMode.Aoflagger => command with { Aoflagger = AoflaggerOf(p) },
            FlagMode.Antint => command with
            {
                Antint = new AntintSpec(p.GetValueOrDefault("antint_ref_antenna", "").Trim() is { Length: > 0 } name ? name
                        : throw new UserError("The parameter antint_ref_antenna was not given. This parameter is mandatory in this flagging mode."),
                    Number(p, "minchanfrac", 0.6), Bool(p, "verbose", false)),
            },
            _ => command,
        };
    }

    private static ElevationSpec ElevationOf(IReadOnlyDictionary<string, string> p)
    {
        var spec = new ElevationSpec(Number(p, "lowerlimit", 0.0), Number(p, "upperlimit", 90.0));
        return spec.LowerLimit <= spec.UpperLimit ? spec
            : throw new UserError($"elevation: lowerlimit {spec.LowerLimit} is above upperlimit {spec.UpperLimit}");
    }

    private static ClipSpec ClipOf(IReadOnlyDictionary<string, string> p, string correlation)
    {
        var column = DataColumn(p.GetValueOrDefault("datacolumn", "DATA"));
        var minMax = Numbers(p, "clipminmax");
        if (minMax is not null && minMax.Length != 2)
            throw new UserError($"clipminmax must be [] or [min,max], got '{p["clipminmax"]}'");
        if (minMax is [var lo, var hi] && lo > hi)
            throw new UserError($"clipminmax [{lo},{hi}]: min is larger than max");
        var spec = new ClipSpec(column, minMax is { Length: 2 } ? minMax : null, Bool(p, "clipoutside", true), Bool(p, "clipzeros", false),
            VisExpression.Parse(correlation, FlagColumns.IsFloat(column)))
        {
            ChanBin = Bool(p, "channelavg", false) ? ChanBin(p) : null,
            TimeBin = Bool(p, "timeavg", false) ? Seconds(p, "timebin", "0s") : 0,
        };
        if (spec.Averages && !(column is "DATA" or "CORRECTED" or "MODEL" or "RESIDUAL"))
            throw new UserError($"clip with channelavg or timeavg averages DATA, CORRECTED, MODEL or RESIDUAL, not {column}");
        return spec;
    }

    /// <summary>chanbin: one integer for every spw or a list [n0, n1, ...] per spw (CASA's default 1: all channels in one).</summary>
    private static int[] ChanBin(IReadOnlyDictionary<string, string> p)
    {
        var values = Numbers(p, "chanbin") ?? [1];
        return values.All(v => v == Math.Floor(v) && v >= 0) ? values.Select(v => (int)v).ToArray()
            : throw new UserError($"chanbin must be an integer or a list of integers >= 0, got '{p["chanbin"]}'");
    }

    /// <summary>A time quantity in seconds: '10s', '1.5min', '1h' or a number of seconds.</summary>
    private static double Seconds(IReadOnlyDictionary<string, string> p, string key, string dflt)
    {
        string text = p.GetValueOrDefault(key, dflt).Trim().Trim('\'', '"');
        foreach (var (unit, factor) in new[] { ("min", 60.0), ("s", 1.0), ("h", 3600.0) })
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
                return ParseNumber(key, text[..^unit.Length]) * factor is var s && s >= 0 ? s : throw new UserError($"{key} must not be negative");
        return ParseNumber(key, text);
    }

    private static QuackSpec QuackOf(IReadOnlyDictionary<string, string> p)
    {
        double interval = Number(p, "quackinterval", 1.0);
        if (!(interval > 0)) throw new UserError("Parameter 'quackinterval' must be greater than zero.");
        return new QuackSpec(interval, QuackRule.ParseMode(p.GetValueOrDefault("quackmode", "beg")), Bool(p, "quackincrement", false));
    }

    private static SummarySpec SummaryOf(IReadOnlyDictionary<string, string> p)
    {
        var s = new SummarySpec(Bool(p, "spwchan", false), Bool(p, "spwcorr", false), Bool(p, "basecnt", false), Bool(p, "fieldcnt", false),
            p.GetValueOrDefault("name", "Summary"), Number(p, "minrel", 0.0), Number(p, "maxrel", 1.0), Number(p, "minabs", 0), Number(p, "maxabs", -1));
        if (s.MinRel < 0 || s.MaxRel > 1 || s.MinRel > s.MaxRel)
            throw new UserError($"minrel/maxrel must satisfy 0 <= minrel <= maxrel <= 1 (got {s.MinRel}, {s.MaxRel})");
        if (s.MinAbs < 0) throw new UserError($"minabs must be >= 0 (got {s.MinAbs})");
        return s;
    }

    private static TfcropSpec TfcropOf(IReadOnlyDictionary<string, string> p, string correlation)
    {
        var column = DataColumn(p.GetValueOrDefault("datacolumn", "DATA"));
        Require(p, "ntime", "scan", "tfcrop");
        Require(p, "combinescans", "false", "tfcrop");
        var spec = new TfcropSpec(column, VisExpression.Parse(correlation, FlagColumns.IsFloat(column)), Number(p, "timecutoff", 4.0),
            Number(p, "freqcutoff", 3.0), Fit(p, "timefit", "line"), Fit(p, "freqfit", "poly"), (int)Number(p, "maxnpieces", 7),
            p.GetValueOrDefault("flagdimension", "freqtime").Trim().ToLowerInvariant(), p.GetValueOrDefault("usewindowstats", "none").Trim().ToLowerInvariant(),
            (int)Number(p, "halfwin", 1), Bool(p, "extendflags", true));
        if (spec.TimeCutoff <= 0 || spec.FreqCutoff <= 0) throw new UserError("timecutoff and freqcutoff must be > 0");
        if (spec.MaxNPieces is < 1 or > 9) throw new UserError($" Unsupported maxnpieces : {spec.MaxNPieces}. Supported values: 1-9");
        if (spec.FlagDimension is not ("freqtime" or "timefreq" or "freq" or "time"))
            throw new UserError($"Unsupported flagdimension: {spec.FlagDimension}. Supported modes: time,freq,timefreq,freqtime");
        if (spec.WindowStats is not ("none" or "sum" or "std" or "both"))
            throw new UserError($"Unsupported usewindowstats: {spec.WindowStats}. Supported modes : none,sum,std,both");
        if (spec.HalfWin is < 1 or > 3) throw new UserError($"Unsupported halfwin: {spec.HalfWin}. Supported values : 1,2,3");
        return spec;
    }

    private static RflagSpec RflagOf(IReadOnlyDictionary<string, string> p, string correlation)
    {
        var column = DataColumn(p.GetValueOrDefault("datacolumn", "DATA"));
        Require(p, "ntime", "scan", "rflag");
        Require(p, "combinescans", "false", "rflag");
        double winsize = Number(p, "winsize", 3);
        // CASA takes any integer; 0 or a negative one wraps around in its unsigned arithmetic.
        if (winsize < 1 || winsize != Math.Floor(winsize)) throw new UserError($"rflag winsize must be a positive integer, got '{p["winsize"]}'");
        var spec = new RflagSpec(column, VisExpression.Parse(correlation, FlagColumns.IsFloat(column)), (int)winsize,
            Threshold(p, "timedev"), Threshold(p, "freqdev"), Number(p, "timedevscale", 5.0), Number(p, "freqdevscale", 5.0),
            Number(p, "spectralmax", 1e6), Number(p, "spectralmin", 0.0), Bool(p, "extendflags", true));
        if (spec.TimeDevScale < 0 || spec.FreqDevScale < 0) throw new UserError("rflag timedevscale and freqdevscale must be >= 0");
        return spec;
    }

    /// <summary>timedev / freqdev: '' or [] (automatic), one number for all, or [[field, spw, value], ...].</summary>
    private static RflagThreshold Threshold(IReadOnlyDictionary<string, string> p, string key)
    {
        string text = p.GetValueOrDefault(key, "").Trim();
        if (text is "" or "[]") return RflagThreshold.Automatic;
        if (!text.StartsWith('['))
        {
            double value = ParseNumber(key, text);
            return value > 0 ? new RflagThreshold(value, [])
                : throw new UserError($"rflag {key} must be > 0, a list [[field,spw,value],...] or empty (automatic), got '{text}'");
        }
        var rows = new List<double[]>();
        foreach (var group in text[1..^1].Split(']', StringSplitOptions.RemoveEmptyEntries))
        {
            var inner = group.Trim().TrimStart(',').Trim().TrimStart('[');
            if (inner.Length == 0) continue;
            var v = inner.Split(',').Select(x => ParseNumber(key, x)).ToArray();
            if (v.Length != 3 || v[0] != Math.Floor(v[0]) || v[1] != Math.Floor(v[1]))
                throw new UserError($"rflag {key} '{text}': each entry is [field, spw, value]");
            rows.Add(v);
        }
        return new RflagThreshold(null, rows);
    }

    private static AoflaggerSpec AoflaggerOf(IReadOnlyDictionary<string, string> p)
    {
        string strategy = p.GetValueOrDefault("strategy", "").Trim();
        if (strategy.Length > 0 && !File.Exists(strategy)) throw new UserError($"aoflagger strategy '{strategy}' not found");
        var column = DataColumn(p.GetValueOrDefault("datacolumn", "DATA"));
        if (FlagColumns.IsFloat(column)) throw new UserError($"aoflagger needs complex visibilities, not {column}");
        return new AoflaggerSpec(strategy.Length > 0 ? Path.GetFullPath(strategy) : "", column);
    }

    private static ExtendSpec ExtendOf(IReadOnlyDictionary<string, string> p)
    {
        Require(p, "ntime", "scan", "extend");
        Require(p, "combinescans", "false", "extend");
        var spec = new ExtendSpec(Bool(p, "extendpols", true), Number(p, "growtime", 50.0), Number(p, "growfreq", 50.0), Bool(p, "growaround", false),
            Bool(p, "flagneartime", false), Bool(p, "flagnearfreq", false));
        // FlagAgentExtension's messages (the agent is not created).
        if (spec.GrowTime is < 0 or > 100) throw new UserError($"Unsupported value for growtime:{spec.GrowTime}. Allowed range is 0.0 through 100.0");
        if (spec.GrowFreq is < 0 or > 100) throw new UserError($"Unsupported value for growfreq:{spec.GrowFreq}. Allowed range is 0.0 through 100.0");
        return spec;
    }

    private static bool Fit(IReadOnlyDictionary<string, string> p, string key, string dflt) =>
        p.GetValueOrDefault(key, dflt).Trim().ToLowerInvariant() switch
        {
            "poly" => true,
            "line" => false,
            var v => throw new UserError($"Unsupported {key}: {v}. Supported modes: line,poly"),
        };

    /// <summary>CASA's datacolumn names (case-insensitive): DATA, CORRECTED, MODEL, RESIDUAL, RESIDUAL_DATA, FLOAT_DATA, WEIGHT_SPECTRUM.</summary>
    private static string DataColumn(string text)
    {
        var c = text.Trim().ToUpperInvariant();
        return FlagColumns.Known.Contains(c) ? c
            : throw new UserError($"unsupported datacolumn '{text}': use {string.Join(", ", FlagColumns.Known.Select(k => k.ToLowerInvariant()))}");
    }

    private static void Require(IReadOnlyDictionary<string, string> p, string key, string only, string mode)
    {
        if (p.TryGetValue(key, out var v) && !v.Trim().Equals(only, StringComparison.OrdinalIgnoreCase))
            throw new UserError($"{mode} {key} '{v}' is not supported (only '{only}')");
    }

    public static bool Bool(IReadOnlyDictionary<string, string> p, string key, bool dflt)
    {
        if (!p.TryGetValue(key, out var v)) return dflt;
        return v.Trim().ToLowerInvariant() switch
        {
            "true" or "t" or "1" => true,
            "false" or "f" or "0" => false,
            _ => throw new UserError($"parameter '{key}' must be True or False, got '{v}'"),
        };
    }

    public static double Number(IReadOnlyDictionary<string, string> p, string key, double dflt)
    {
        if (!p.TryGetValue(key, out var v)) return dflt;
        return ParseNumber(key, v);
    }

    private static double ParseNumber(string key, string v) =>
        double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d : throw new UserError($"parameter '{key}' must be a number, got '{v}'");

    /// <summary>A list like [0,50] (brackets optional); '' or [] is null.</summary>
    private static double[]? Numbers(IReadOnlyDictionary<string, string> p, string key)
    {
        if (!p.TryGetValue(key, out var v)) return null;
        var inner = v.Trim().TrimStart('[').TrimEnd(']').Trim();
        return inner.Length == 0 ? null : inner.Split(',').Select(x => ParseNumber(key, x)).ToArray();
    }
}
