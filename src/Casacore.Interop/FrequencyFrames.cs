using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>
/// Spectral reference frames: the MEAS_FREQ_REF codes of casacore's MFrequency (the values stored in
/// SPECTRAL_WINDOW.MEAS_FREQ_REF).
/// </summary>
public enum FreqFrame
{
    Rest = 0,
    Lsrk = 1,
    Lsrd = 2,
    Bary = 3,
    Geo = 4,
    Topo = 5,
    Galacto = 6,
    LGroup = 7,
    Cmb = 8,
}

/// <summary>An ITRF position in metres (as in ANTENNA.POSITION or OBSERVATION's array reference).</summary>
public readonly record struct ItrfPosition(double X, double Y, double Z);

/// <summary>
/// Where and when a frequency frame conversion is made: epoch (MJD seconds, UTC, as the MS TIME column),
/// observatory (a casacore observatory name, or an ITRF position for arrays casacore does not know) and the
/// direction (RA/Dec in radians, J2000 unless <see cref="DirectionRef"/> names another casacore direction frame).
/// </summary>
public sealed record FrameContext(double EpochUtcSeconds, double RaRad, double DecRad)
{
    /// <summary>casacore observatory name (MeasTable::Observatory), e.g. "VLA", "ALMA", "MeerKAT", "LOFAR".</summary>
    public string? Observatory { get; init; }

    /// <summary>ITRF position; used when <see cref="Observatory"/> is null or empty.</summary>
    public ItrfPosition? Position { get; init; }

    /// <summary>casacore MDirection reference of RA/Dec ("J2000", "ICRS", ...).</summary>
    public string DirectionRef { get; init; } = "J2000";

    public static FrameContext AtObservatory(string observatory, double epochUtcSeconds, double raRad, double decRad) =>
        new(epochUtcSeconds, raRad, decRad) { Observatory = observatory };

    public static FrameContext AtPosition(ItrfPosition position, double epochUtcSeconds, double raRad, double decRad) =>
        new(epochUtcSeconds, raRad, decRad) { Position = position };
}

/// <summary>
/// Frequency conversion between spectral frames with casacore Measures (MFrequency::Convert). Each call builds
/// one conversion machine and converts the whole vector in a single native call. Measures may log "could be
/// wrong by 1s" when the IERS/leap-second tables are missing or old; the conversion still runs.
/// </summary>
public static unsafe class FrequencyFrames
{
    private static readonly string[] Names = ["REST", "LSRK", "LSRD", "BARY", "GEO", "TOPO", "GALACTO", "LGROUP", "CMB"];

    /// <summary>casacore's name of a frame ("LSRK", "BARY", ...).</summary>
    public static string Name(this FreqFrame frame) =>
        (int)frame >= 0 && (int)frame < Names.Length ? Names[(int)frame] : throw new ArgumentOutOfRangeException(nameof(frame));

    /// <summary>Parses a frame name case-insensitively ("lsrk", "LSRK", "Bary", "topo", "rest", ...).</summary>
    public static FreqFrame Parse(string name) =>
        TryParse(name, out var f) ? f : throw new ArgumentException($"Parameter \"outframe\" value {name} is invalid.", nameof(name));

    public static bool TryParse(string? name, out FreqFrame frame)
    {
        int i = Array.IndexOf(Names, (name ?? "").Trim().ToUpperInvariant());
        frame = (FreqFrame)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>
    /// Parses mstransform's outframe: '' (or blank) keeps the input frame and gives null; 'source' (GEO plus
    /// an ephemeris radial-velocity correction in CASA) is not supported; anything else must be a frame name.
    /// </summary>
    public static FreqFrame? ParseOutFrame(string? outframe)
    {
        if (string.IsNullOrWhiteSpace(outframe)) return null;
        if (outframe.Trim().Equals("SOURCE", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("outframe='source' (GEO with an ephemeris radial-velocity correction) is not supported", nameof(outframe));
        return Parse(outframe);
    }

    /// <summary>Converts frequencies (Hz) from one frame to another; returns a new array.</summary>
    public static double[] Convert(ReadOnlySpan<double> hz, FreqFrame from, FreqFrame to, FrameContext at)
    {
        var result = new double[hz.Length];
        Convert(hz, result, from, to, at);
        return result;
    }

    /// <summary>Converts frequencies (Hz) into <paramref name="output"/> (same length; may be the input).</summary>
    public static void Convert(ReadOnlySpan<double> hz, Span<double> output, FreqFrame from, FreqFrame to, FrameContext at)
    {
        if (output.Length != hz.Length) throw new ArgumentException("output length differs from input length", nameof(output));
        fixed (double* pin = hz)
        fixed (double* pout = output)
        {
            int status;
            if (!string.IsNullOrEmpty(at.Observatory))
                status = FramesNative.cs_freq_convert_obs(pin, pout, hz.Length, (int)from, (int)to, at.EpochUtcSeconds,
                    at.Observatory, at.RaRad, at.DecRad, at.DirectionRef);
            else if (at.Position is { } p)
                status = FramesNative.cs_freq_convert_itrf(pin, pout, hz.Length, (int)from, (int)to, at.EpochUtcSeconds,
                    p.X, p.Y, p.Z, at.RaRad, at.DecRad, at.DirectionRef);
            else
                throw new ArgumentException("the frame context needs an observatory name or an ITRF position", nameof(at));
            Native.Check(status);
        }
    }

    /// <summary>Converts frequencies at a named observatory.</summary>
    public static double[] Convert(ReadOnlySpan<double> hz, FreqFrame from, FreqFrame to, double epochUtcSeconds,
        string observatory, double raRad, double decRad) =>
        Convert(hz, from, to, FrameContext.AtObservatory(observatory, epochUtcSeconds, raRad, decRad));

    /// <summary>Converts frequencies at an ITRF position (metres).</summary>
    public static double[] Convert(ReadOnlySpan<double> hz, FreqFrame from, FreqFrame to, double epochUtcSeconds,
        ItrfPosition position, double raRad, double decRad) =>
        Convert(hz, from, to, FrameContext.AtPosition(position, epochUtcSeconds, raRad, decRad));

    /// <summary>
    /// Converts channel centres and widths the way CASA's MSTransformRegridder::calcChanFreqs does before building
    /// a grid: centre → F(f), width → F(f + |w|/2) − F(f − |w|/2) (so always positive). One native call.
    /// </summary>
    public static (double[] Freq, double[] Width) ConvertChannels(ReadOnlySpan<double> freq, ReadOnlySpan<double> width,
        FreqFrame from, FreqFrame to, FrameContext at)
    {
        if (freq.Length != width.Length) throw new ArgumentException("CHAN_FREQ and CHAN_WIDTH lengths differ");
        int n = freq.Length;
        var all = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            double half = Math.Abs(width[i]) / 2;
            all[i] = freq[i];
            all[n + i] = freq[i] + half;
            all[2 * n + i] = freq[i] - half;
        }
        Convert(all, all, from, to, at);
        var f = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            f[i] = all[i];
            w[i] = from == to ? Math.Abs(width[i]) : all[n + i] - all[2 * n + i];
        }
        return (f, w);
    }

    /// <summary>The ITRF position (metres) of a casacore observatory; throws <see cref="CasacoreException"/> if unknown.</summary>
    public static ItrfPosition ObservatoryPosition(string observatory)
    {
        var xyz = stackalloc double[3];
        Native.Check(FramesNative.cs_observatory_itrf(observatory, xyz));
        return new ItrfPosition(xyz[0], xyz[1], xyz[2]);
    }

    /// <summary>Whether casacore knows the observatory by name.</summary>
    public static bool IsKnownObservatory(string observatory)
    {
        var xyz = stackalloc double[3];
        return !string.IsNullOrEmpty(observatory) && FramesNative.cs_observatory_itrf(observatory, xyz) >= 0;
    }
}

/// <summary>P/Invoke declarations of native/frames.cpp.</summary>
internal static unsafe partial class FramesNative
{
    private const string Lib = "casashim";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_freq_convert_obs(double* input, double* output, long n, int from, int to, double epochUtcSec,
        string observatory, double ra, double dec, string dirRef);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_freq_convert_itrf(double* input, double* output, long n, int from, int to, double epochUtcSec,
        double x, double y, double z, double ra, double dec, string dirRef);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cs_observatory_itrf(string observatory, double* xyz);
}
