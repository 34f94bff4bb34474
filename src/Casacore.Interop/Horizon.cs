using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>Elevations of sources seen by antennas, through casacore Measures (J2000 → AZEL).</summary>
public static unsafe partial class Horizon
{
    [LibraryImport("casashim")]
    private static partial int cs_elevations(double* xyz, double* time, double* ra, double* dec, long n, double* output);

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
}
