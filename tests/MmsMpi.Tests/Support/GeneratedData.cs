using MmsMpi.Simulation;

namespace MmsMpi.Tests.Support;

/// <summary>A small generated MS (several spws with different channel counts, fields, scans, optional columns), made once per run.</summary>
public static class GeneratedData
{
    private static readonly Lazy<string> Small = new(() =>
    {
        var dir = RunScratch.Create("mmsmpi-generated-");
        var path = Path.Combine(dir, "sim.ms");
        Simulator.Run(new SimulationConfig(path)
        {
            NChan = [16, 8, 32], NScan = 5, NField = 3, ScanLength = 40, Integration = 10,
            Corrected = true, Model = true, WeightSpectrum = true, AutoCorr = true, Seed = 11,
        });
        return path;
    });

    private static readonly Lazy<string> Equal = new(() =>
    {
        var path = Path.Combine(RunScratch.Create("mmsmpi-generated-"), "equal.ms");
        Simulator.Run(new SimulationConfig(path) { NChan = [16, 16, 16], NScan = 4, NField = 2, ScanLength = 30, Integration = 10, Seed = 5 });
        return path;
    });

    /// <summary>3 spws of 16 channels each (what combinespws and cvel2 need), 4 scans, DATA only.</summary>
    public static string EqualSpwsMs => Equal.Value;

    /// <summary>VLA-like, 3 spws (16, 8, 32 channels), 4 correlations, 5 scans, autocorrelations, every optional column.</summary>
    public static string SmallMs => Small.Value;
}
