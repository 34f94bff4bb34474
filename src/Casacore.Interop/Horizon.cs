using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>Where sources are seen from the array, through casacore Measures: elevations (J2000 → AZEL) and
/// directions as ITRF unit vectors (J2000 → ITRF).</summary>
public static unsafe partial class Horizon
{
    [LibraryImport("casashim")]
    private static partial int cs_elevations(double* xyz, double* time, double* ra, double* dec, long n, double* output);

    [LibraryImport("casashim")]
    private static partial int cs_itrf_directions(double* time, double* ra, double* dec, long n, double* site, double* output);

    /// <summary>Elevation (rad) for each tuple: ITRF position (3 values), UTC time (MJD s), J2000 RA/Dec (rad).</summary>
    public static double[] Elevations(ReadOnlySpan<double> xyz, ReadOnlySpan<double> time, ReadOnlySpan<double> ra, ReadOnlySpan<double> dec)
    {
        int n = time.Length;
        if (xyz.Length != 3 * n || ra.Length != n || dec.Length != n) throw new ArgumentException("one position, time and direction per value");
        var output = new double[n];
        fixed (double* px = xyz, pt = time, pr = ra, pd = dec, po = output)
            Native.Check(cs_elevations(px, pt, pr, pd, n, po));
        return output;
    }

    /// <summary>ITRF unit vector (3 values per entry) towards each J2000 RA/Dec (rad) at each UTC time (MJD s), from site.</summary>
    public static double[] ItrfDirections(ReadOnlySpan<double> time, ReadOnlySpan<double> ra, ReadOnlySpan<double> dec, ReadOnlySpan<double> site)
    {
        int n = time.Length;
        if (ra.Length != n || dec.Length != n || site.Length != 3) throw new ArgumentException("one direction per time and a 3-value site");
        var output = new double[3 * n];
        fixed (double* pt = time, pr = ra, pd = dec, ps = site, po = output)
            Native.Check(cs_itrf_directions(pt, pr, pd, n, ps, po));
        return output;
    }
}
