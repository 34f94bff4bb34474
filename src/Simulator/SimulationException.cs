namespace MmsMpi.Simulation;

/// <summary>
/// The simulation was refused or failed: an invalid configuration, an existing output or a casacore error. The message
/// is one line for the user (the CLI prints it as the error).
/// </summary>
public sealed class SimulationException(string message) : Exception(message);
