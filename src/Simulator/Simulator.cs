using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MmsMpi.Simulation;

/// <summary>
/// What `MmsMpi simulate` generates (defaults as the CLI's). With SizeMb > 0 the number of integrations is chosen
/// to reach about that size and NScan is ignored (scans of ScanLength follow each other until it is reached).
/// </summary>
public sealed record SimulationConfig(string OutputVis)
{
    public static readonly IReadOnlyList<string> Arrays = ["vla", "alma", "meerkat"];

    public string Array { get; init; } = "vla";
    /// <summary>Channels of each spectral window (one DATA_DESCRIPTION per spw).</summary>
    public IReadOnlyList<int> NChan { get; init; } = [64, 32, 128];
    /// <summary>2 (RR,LL or XX,YY) or 4 (RR,RL,LR,LL for the VLA; XX,XY,YX,YY for ALMA and MeerKAT).</summary>
    public int NCorr { get; init; } = 4;
    public int NField { get; init; } = 3;
    public int NScan { get; init; } = 4;
    /// <summary>Seconds per scan and per integration.</summary>
    public double ScanLength { get; init; } = 60;
    public double Integration { get; init; } = 10;
    /// <summary>Approximate size of the MS in MiB; 0 = NScan scans.</summary>
    public double SizeMb { get; init; }
    public bool Corrected { get; init; }
    public bool Model { get; init; }
    public bool WeightSpectrum { get; init; }
    public bool AutoCorr { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Prefix of the true-gain tables to write (PREFIX.G, PREFIX.B; the band then has a bandpass), or "" for none.</summary>
    public string CalTables { get; init; } = "";

    /// <summary>The "key=value" lines simulate.cpp parses.</summary>
    internal string ToNative() => string.Join('\n',
        $"outputvis={Path.GetFullPath(OutputVis)}",
        $"array={Array}",
        $"nchan={string.Join(',', NChan)}",
        FormattableString.Invariant($"ncorr={NCorr}\nnfield={NField}\nnscan={NScan}"),
        FormattableString.Invariant($"scan_length={ScanLength:R}\nintegration={Integration:R}\nsize_mb={SizeMb:R}"),
        $"corrected={Flag(Corrected)}\nmodel={Flag(Model)}\nweight_spectrum={Flag(WeightSpectrum)}\nautocorr={Flag(AutoCorr)}",
        $"seed={Seed}",
        CalTables.Length > 0 ? $"caltables={Path.GetFullPath(CalTables)}" : "");

    private static int Flag(bool b) => b ? 1 : 0;
}

/// <summary>Outcome of a simulation: main-table rows, spws, bytes on disk and wall time.</summary>
public sealed record SimulationResult(long Rows, int Spws, long Bytes, TimeSpan Elapsed)
{
    public double MbPerSecond => Bytes / 1048576.0 / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>Generates realistic MeasurementSets (simulate.cpp) for demos, tests and benchmarks.</summary>
public static class Simulator
{
    /// <summary>
    /// Writes the MS (under a temporary name, renamed when complete). Throws SimulationException for an invalid
    /// configuration, an existing output or a casacore failure.
    /// </summary>
    public static SimulationResult Run(SimulationConfig config)
    {
        var clock = Stopwatch.StartNew();
        long rows = SimulatorNative.Check(SimulatorNative.sim_simulate(config.ToNative()));
        clock.Stop();
        return new SimulationResult(rows, config.NChan.Count, DirectorySize(config.OutputVis), clock.Elapsed);
    }

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}

/// <summary>P/Invoke declarations of libmssimulator (simulate.cpp).</summary>
internal static partial class SimulatorNative
{
    private const string Lib = "mssimulator";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long sim_simulate(string config);

    [LibraryImport(Lib)] private static partial nint sim_last_error();

    /// <summary>Throws the library's last error when a call returned a negative status.</summary>
    internal static long Check(long status) =>
        status < 0 ? throw new SimulationException(Marshal.PtrToStringUTF8(sim_last_error()) ?? "unknown simulator error") : status;
}
