namespace MmsMpi.Simulation;

/// <summary>
/// `simulate`: checks the user's request, then generates the MS. A refusal is a SimulationException, as the native
/// side's are (UserError belongs to the Engine, which this library sits below).
/// </summary>
public static class SimulateTask
{
    public static SimulationResult Run(SimulationConfig config)
    {
        if (Directory.Exists(config.OutputVis) || File.Exists(config.OutputVis))
            throw new SimulationException($"outputvis {config.OutputVis} already exists");
        var parent = Path.GetDirectoryName(Path.GetFullPath(config.OutputVis));
        if (parent is not null && !Directory.Exists(parent))
            throw new SimulationException($"directory {parent} of outputvis does not exist");
        return Simulator.Run(config);
    }

    /// <summary>One line: what was written and how fast (MB = 2^20 bytes).</summary>
    public static string Summary(SimulationConfig config, SimulationResult r) =>
        $"simulate: {config.OutputVis}: {r.Rows} rows, {r.Spws} spws ({string.Join(',', config.NChan)} channels), "
        + FormattableString.Invariant($"{r.Bytes / 1048576.0:F1} MB in {r.Elapsed.TotalSeconds:F2} s ({r.MbPerSecond:F0} MB/s)");
}
