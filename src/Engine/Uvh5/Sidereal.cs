namespace MmsMpi.Uvh5;

/// <summary>
/// Local sidereal time and horizon ↔ equatorial directions for UVH5 headers, without an astrometry library: GMST from
/// the IAU 2006 Earth rotation angle and polynomial, UTC taken for UT1 and TT (good to about a second of time;
/// pyuvdata recomputes lst_array and the apparent places with astropy on reading).
/// </summary>
public static class Sidereal
{
    /// <summary>The local sidereal time (rad, 0..2π) at Julian date jd (UTC) and east longitude lonDeg.</summary>
    public static double Lst(double jd, double lonDeg)
    {
        double d = jd - 2451545.0, t = d / 36525;
        // ERA = 2π (0.7790572732640 + 1.00273781191135448 d): the whole days of d drop out of the turn count.
        double turns = d - Math.Floor(d) + 0.7790572732640 + 0.00273781191135448 * d;
        double era = 2 * Math.PI * (turns - Math.Floor(turns));
        double poly = (0.014506 + 4612.156534 * t + 1.3915817 * t * t - 0.00000044 * t * t * t) / 3600 * Math.PI / 180;
        double lst = (era + poly + lonDeg * Math.PI / 180) % (2 * Math.PI);
        return lst < 0 ? lst + 2 * Math.PI : lst;
    }

    /// <summary>(RA, Dec) of azimuth/elevation az, el (rad, azimuth from north through east) at lst and latitude.</summary>
    public static (double Ra, double Dec) RaDecOfAzEl(double az, double el, double lst, double latitude)
    {
        double dec = Math.Asin(Math.Sin(el) * Math.Sin(latitude) + Math.Cos(el) * Math.Cos(latitude) * Math.Cos(az));
        double ha = Math.Atan2(-Math.Sin(az) * Math.Cos(el), Math.Sin(el) * Math.Cos(latitude) - Math.Cos(el) * Math.Sin(latitude) * Math.Cos(az));
        double ra = (lst - ha) % (2 * Math.PI);
        return (ra < 0 ? ra + 2 * Math.PI : ra, dec);
    }
}
