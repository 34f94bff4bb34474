using System.CommandLine;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi simulate`: placeholder until the generator lands.</summary>
public static class SimulateCommand
{
    public static Command Create() => new("simulate", "Generate a realistic MeasurementSet");
}
