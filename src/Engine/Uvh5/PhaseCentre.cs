namespace MmsMpi.Uvh5;

/// <summary>
/// One entry of a UVH5 phase_center_catalog (angles in radians) and the FIELD direction it is in an MS: sidereal
/// centres in their frame, drift data (unprojected, driftscan) as a fixed azimuth/elevation (docs/uvh5-rules.md §8).
/// </summary>
public sealed record PhaseCentre(int Id, string Name, string Type, double Lon, double Lat, string Frame, double? Epoch)
{
    public const string Sidereal = "sidereal", Unprojected = "unprojected", Driftscan = "driftscan";

    /// <summary>The casacore direction reference of its FIELD row, or an error naming what an MS cannot hold.</summary>
    public string MsFrame() => Type switch
    {
        Sidereal => (Frame.ToLowerInvariant(), Epoch) switch
        {
            ("icrs", _) => "ICRS",
            ("fk5", null or 2000) => "J2000",
            ("fk4", null or 1950) => "B1950",
            ("gcrs", _) => "APP",
            _ => throw new UserError($"phase centre '{Name}': frame {Frame}{(Epoch is { } e ? $" epoch {e}" : "")} is not supported (icrs, fk5 2000, fk4 1950, gcrs)"),
        },
        Unprojected or Driftscan => "AZELGEO",
        _ => throw new UserError($"phase centre '{Name}': cat_type '{Type}' is not supported (an MS FIELD holds sidereal, unprojected and driftscan centres)"),
    };

    /// <summary>The FIELD direction (longitude, latitude) in <see cref="MsFrame"/>: the zenith for unprojected data.</summary>
    public (double Lon, double Lat) MsDirection() => Type == Unprojected ? (0, Math.PI / 2) : (Lon, Lat);

    /// <summary>Whether two files' entries are the same centre (their ids may differ).</summary>
    public bool SameCentre(PhaseCentre o) => Name == o.Name && Type == o.Type && Lon == o.Lon && Lat == o.Lat && MsFrame() == o.MsFrame();

    /// <summary>The catalogue entry of a FIELD direction in an MS frame (exportuvh5).</summary>
    public static PhaseCentre FromMs(int id, string name, string frame, double lon, double lat) => frame switch
    {
        "ICRS" => new(id, name, Sidereal, lon, lat, "icrs", 2000),
        "J2000" => new(id, name, Sidereal, lon, lat, "fk5", 2000),
        "B1950" or "B1950_VLA" => new(id, name, Sidereal, lon, lat, "fk4", 1950),
        "APP" => new(id, name, Sidereal, lon, lat, "gcrs", 2000),
        "AZELGEO" or "AZEL" when Math.Abs(lat - Math.PI / 2) < 1e-12 => new(id, name, Unprojected, 0, Math.PI / 2, "altaz", null),
        "AZELGEO" or "AZEL" => new(id, name, Driftscan, lon, lat, "altaz", null),
        _ => throw new UserError($"FIELD '{name}': direction frame {frame} has no UVH5 phase-centre type (ICRS, J2000, B1950, APP, AZELGEO)"),
    };
}
