namespace MmsMpi.Uvh5;

/// <summary>
/// UVH5's vis_units ('Jy', 'K str', 'uncalib') ↔ DATA's QuantumUnits. casacore parses QuantumUnits as a unit, and
/// TaQL refuses a table whose unit it cannot parse, so 'uncalib' (which pyuvdata writes there) gets no keyword and
/// 'K str' is casacore's K.sr.
/// </summary>
public static class VisUnits
{
    public static string? CasaUnit(string visUnits) => visUnits.Trim() switch
    {
        "Jy" => "Jy",
        "K str" => "K.sr",
        _ => null,
    };

    public static string FromCasaUnit(string unit) => unit.Trim() switch
    {
        "Jy" => "Jy",
        "K.sr" => "K str",
        _ => "uncalib",
    };
}
