using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>The flagdata modes this engine runs (CASA's `mode`; 'manualflag' is read as manual, 'list' expands to commands).</summary>
public enum FlagMode { Manual, Unflag, Clip, Quack, Shadow, Elevation, Summary, Tfcrop }

/// <summary>clip parameters (CASA's FlagAgentClipping): a [min,max] range or none, outside/inside, zeros, the expression.</summary>
public sealed record ClipSpec(string DataColumn, double[]? MinMax, bool Outside, bool Zeros, VisExpression Expression);

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
    /// <summary>The reason of a list command (matched by the task's reason parameter).</summary>
    public string Reason { get; init; } = "";
    /// <summary>The command as the user wrote it, for messages.</summary>
    public string Text { get; init; } = "";

    /// <summary>Summary only counts; every other mode changes flags.</summary>
    public bool ChangesFlags => Mode != FlagMode.Summary;
}
