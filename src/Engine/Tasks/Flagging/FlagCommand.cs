using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>The flagdata modes this engine runs (CASA's `mode`; 'manualflag' is read as manual, 'list' expands to commands).</summary>
public enum FlagMode { Manual, Unflag, Clip, Quack, Shadow, Elevation, Summary, Tfcrop, Extend, Rflag, Aoflagger, Antint }

/// <summary>clip parameters (CASA's FlagAgentClipping): a [min,max] range or none, outside/inside, zeros, the expression.</summary>
public sealed record ClipSpec(string DataColumn, double[]? MinMax, bool Outside, bool Zeros, VisExpression Expression)
{
    /// <summary>channelavg: channels per bin, one value for every spw or one per spw in spw order (0: none, 1: all); null without channelavg.</summary>
    public int[]? ChanBin { get; init; }
    /// <summary>timeavg: the time bin in seconds; 0 without timeavg.</summary>
    public double TimeBin { get; init; }
    public bool Averages => ChanBin is not null || TimeBin > 0;
}

/// <summary>quack parameters (FlagAgentQuack): interval in seconds (&gt; 0), beg|endb|tail|end, increment.</summary>
public sealed record QuackSpec(double Interval, QuackMode Mode, bool Increment);

/// <summary>shadow parameters (FlagAgentShadow): the tolerance in metres subtracted from the sum of the dish radii, and
/// antennas that are not in the MS but can shadow its antennas (addantenna).</summary>
public sealed record ShadowSpec(double Tolerance)
{
    public IReadOnlyList<ExtraAntenna> Extra { get; init; } = [];
}

/// <summary>An antenna of addantenna: name, dish diameter (m) and ITRF position (m).</summary>
public sealed record ExtraAntenna(string Name, double Diameter, double X, double Y, double Z);

/// <summary>elevation parameters (FlagAgentElevation): rows are flagged when an antenna sees the field below lowerlimit
/// or above upperlimit (degrees).</summary>
public sealed record ElevationSpec(double LowerLimit, double UpperLimit);

/// <summary>summary parameters (FlagAgentSummary) and the filters task_flagdata applies after merging the sub-MS counts.</summary>
public sealed record SummarySpec(bool SpwChan, bool SpwCorr, bool BaseCnt, bool FieldCnt, string Name,
    double MinRel, double MaxRel, double MinAbs, double MaxAbs);

/// <summary>tfcrop parameters (FlagAgentTimeFreqCrop): cutoffs, fit types ('line' or 'poly'), pieces, order, window statistics.</summary>
public sealed record TfcropSpec(string DataColumn, VisExpression Expression, double TimeCutoff, double FreqCutoff, bool TimeFitPoly,
    bool FreqFitPoly, int MaxNPieces, string FlagDimension, string WindowStats, int HalfWin, bool ExtendFlags);

/// <summary>extend parameters (FlagAgentExtension): percentages of growtime/growfreq (0 = off), the neighbour rules, extendpols.</summary>
public sealed record ExtendSpec(bool ExtendPols, double GrowTime, double GrowFreq, bool GrowAround, bool FlagNearTime, bool FlagNearFreq)
{
    /// <summary>The extension CASA appends after tfcrop and rflag with extendflags (AgentFlagger::parseAgentParameters).</summary>
    public static readonly ExtendSpec AfterTfcrop = new(true, 50, 80, false, false, false);
}

/// <summary>
/// A given rflag threshold (timedev, freqdev): one value for every (field, spw), and values for some [field, spw]
/// that take precedence; none given: automatic. Values ≤ 0 in the list count as not given (CASA disables the
/// direction for them in apply, recomputes them in calculate).
/// </summary>
public sealed record RflagThreshold(double? All, IReadOnlyList<double[]> PerFieldSpw)
{
    public static readonly RflagThreshold Automatic = new(null, []);

    /// <summary>The given threshold of a (field, spw), or null when it is computed from the data.</summary>
    public double? For(int field, int spw) =>
        PerFieldSpw.FirstOrDefault(v => (int)v[0] == field && (int)v[1] == spw && v[2] > 0) is { } given ? given[2] : All;
}

/// <summary>antint parameters (FlagAgentAntennaIntegrations): the reference antenna (its name and id), minchanfrac, verbose.</summary>
public sealed record AntintSpec(string ReferenceName, double MinChanFrac, bool Verbose)
{
    /// <summary>The reference antenna's id, found by name on the coordinator (validation).</summary>
    public int ReferenceId { get; init; } = -1;
}

/// <summary>aoflagger parameters (beyond CASA): a Lua strategy file (empty: the telescope's default) and the data column.</summary>
public sealed record AoflaggerSpec(string Strategy, string DataColumn);

/// <summary>rflag parameters (FlagAgentRFlag): data, window, thresholds and their scales, whole-spectrum limits, extendflags.</summary>
public sealed record RflagSpec(string DataColumn, VisExpression Expression, int WinSize, RflagThreshold TimeDev, RflagThreshold FreqDev,
    double TimeDevScale, double FreqDevScale, double SpectralMax, double SpectralMin, bool ExtendFlags);

/// <summary>
/// One flag command: a mode, its CASA data selection and the mode's parameters, as given on the command line or as one
/// line of a list file. Plain data (serialized into jobs); built and validated by <see cref="FlagParameters"/>.
/// For clip and tfcrop the correlation parameter is the visibility expression, so <see cref="Selection"/> has none.
/// </summary>
public sealed record FlagCommand
{
    public FlagMode Mode { get; init; }
    public SelectionExprs Selection { get; init; } = new();
    /// <summary>manual: flag only auto-correlations of CORRELATOR processors (CAS-5286).</summary>
    public bool AutoCorr { get; init; }
    public ClipSpec? Clip { get; init; }
    public QuackSpec? Quack { get; init; }
    public ShadowSpec? Shadow { get; init; }
    public ElevationSpec? Elevation { get; init; }
    public SummarySpec? Summary { get; init; }
    public TfcropSpec? Tfcrop { get; init; }
    public ExtendSpec? Extend { get; init; }
    public RflagSpec? Rflag { get; init; }
    public AoflaggerSpec? Aoflagger { get; init; }
    public AntintSpec? Antint { get; init; }
    /// <summary>The reason of a list command (matched by the task's reason parameter).</summary>
    public string Reason { get; init; } = "";
    /// <summary>The command as the user wrote it, for messages.</summary>
    public string Text { get; init; } = "";

    /// <summary>Summary only counts; every other mode changes flags.</summary>
    public bool ChangesFlags => Mode != FlagMode.Summary;
}
