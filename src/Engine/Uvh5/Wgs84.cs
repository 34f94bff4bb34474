namespace MmsMpi.Uvh5;

/// <summary>
/// WGS84 geodetic latitude/longitude (degrees) and height (m) ↔ ECEF (ITRF, m): UVH5 gives the telescope as the first,
/// the MS its antennas as the second.
/// </summary>
public static class Wgs84
{
    private const double A = 6378137.0, F = 1 / 298.257223563;
    private const double E2 = F * (2 - F);

    public static double[] ToEcef(double latDeg, double lonDeg, double alt)
    {
        double lat = latDeg * Math.PI / 180, lon = lonDeg * Math.PI / 180;
        double n = A / Math.Sqrt(1 - E2 * Math.Sin(lat) * Math.Sin(lat));
        return [(n + alt) * Math.Cos(lat) * Math.Cos(lon), (n + alt) * Math.Cos(lat) * Math.Sin(lon), (n * (1 - E2) + alt) * Math.Sin(lat)];
    }

    /// <summary>(latitude°, longitude°, height m) of an ECEF point, by fixed-point iteration to well below 1e-9 m.</summary>
    public static (double Lat, double Lon, double Alt) FromEcef(ReadOnlySpan<double> xyz)
    {
        double x = xyz[0], y = xyz[1], z = xyz[2];
        double p = Math.Sqrt(x * x + y * y), lon = Math.Atan2(y, x);
        double lat = Math.Atan2(z, p * (1 - E2)), alt = 0;
        for (int i = 0; i < 20; i++)
        {
            double n = A / Math.Sqrt(1 - E2 * Math.Sin(lat) * Math.Sin(lat));
            alt = p / Math.Cos(lat) - n;
            double next = Math.Atan2(z, p * (1 - E2 * n / (n + alt)));
            if (Math.Abs(next - lat) < 1e-15) { lat = next; break; }
            lat = next;
        }
        return (lat * 180 / Math.PI, lon * 180 / Math.PI, alt);
    }
}
