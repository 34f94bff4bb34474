namespace MmsMpi.Heuristics;

/// <summary>Velocity convention of mstransform's veltype.</summary>
public enum VelocityType
{
    Radio,
    Optical,
}

/// <summary>
/// Radio and optical velocity ↔ frequency for a rest frequency, as defined in CASA's MSTransformRegridder.h:
/// v_radio = c(1 − f/f0), v_optical = c(f0/f − 1), c = 299792458 m/s. Frequencies in Hz, velocities in m/s.
/// </summary>
public static class Doppler
{
    /// <summary>Speed of light (m/s).</summary>
    public const double C = 299792458.0;

    public static double RadioVelocity(double freq, double restFreq) => C * (1 - freq / restFreq);

    public static double OpticalVelocity(double freq, double restFreq) => C * (restFreq / freq - 1);

    public static double FrequencyFromRadio(double velocity, double restFreq) => restFreq * (1 - velocity / C);

    public static double FrequencyFromOptical(double velocity, double restFreq) => restFreq / (1 + velocity / C);

    public static double Velocity(double freq, double restFreq, VelocityType type) =>
        type == VelocityType.Optical ? OpticalVelocity(freq, restFreq) : RadioVelocity(freq, restFreq);

    public static double Frequency(double velocity, double restFreq, VelocityType type) =>
        type == VelocityType.Optical ? FrequencyFromOptical(velocity, restFreq) : FrequencyFromRadio(velocity, restFreq);

    /// <summary>Parses veltype case-insensitively: 'radio' (or '') and 'optical'; null for anything else.</summary>
    public static VelocityType? ParseVelocityType(string? veltype) => (veltype ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "radio" => VelocityType.Radio,
        "optical" => VelocityType.Optical,
        _ => null,
    };
}
