using System.Numerics;

namespace MmsMpi.Calibration;

/// <summary>
/// The solutions of one antenna in one calibration spw (and one field, with gainfield='nearest') in time order, and
/// their interpolation to a data time as CASA's CTTimeInterp1 does it: outside the solutions' time range and for a
/// single solution, the nearest end; 'nearest' takes the nearer neighbour (a tie the earlier); 'linear' interpolates
/// amplitude and phase separately (the phase the short way round) for complex solutions and the value itself for
/// delays, and flags a result when either neighbour is flagged.
/// </summary>
public sealed class SolutionSeries(SpwSolutions solutions, int[] rows)
{
    public int NChan => solutions.NChan;
    public int NPol => solutions.NPol;

    /// <summary>Solutions in the series.</summary>
    public int Length => rows.Length;

    /// <summary>Fills value and flag ([chan][pol], pol fastest) for time t.</summary>
    public void Interpolate(double t, bool nearest, bool complexValues, Span<Complex> value, Span<bool> flag)
    {
        var time = solutions.Time;
        int n = rows.Length, lo;
        if (n == 1 || t <= time[rows[0]]) { Copy(rows[0], value, flag); return; }
        if (t >= time[rows[n - 1]]) { Copy(rows[n - 1], value, flag); return; }
        lo = LastAtOrBefore(t);
        double t0 = time[rows[lo]], t1 = time[rows[lo + 1]];
        if (t == t0) { Copy(rows[lo], value, flag); return; }
        if (nearest) { Copy(t1 - t < t - t0 ? rows[lo + 1] : rows[lo], value, flag); return; }
        double f = (t - t0) / (t1 - t0);
        int cell = solutions.CellSize, a = rows[lo] * cell, b = rows[lo + 1] * cell;
        for (int i = 0; i < cell; i++)
        {
            var p = solutions.Param;
            flag[i] = solutions.Flag[a + i] || solutions.Flag[b + i];
            if (!complexValues)
            {
                value[i] = p[a + i].Re + f * (p[b + i].Re - p[a + i].Re);
                continue;
            }
            Complex ca = new(p[a + i].Re, p[a + i].Im), cb = new(p[b + i].Re, p[b + i].Im);
            double phase0 = ca.Phase, dphase = cb.Phase - phase0;
            if (dphase > Math.PI) dphase -= 2 * Math.PI;
            else if (dphase < -Math.PI) dphase += 2 * Math.PI;
            value[i] = Complex.FromPolarCoordinates(ca.Magnitude + f * (cb.Magnitude - ca.Magnitude), phase0 + f * dphase);
        }
    }

    /// <summary>Index (into rows) of the last solution at or before t, for t inside the range.</summary>
    private int LastAtOrBefore(double t)
    {
        int lo = 0, hi = rows.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (solutions.Time[rows[mid]] <= t) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    private void Copy(int row, Span<Complex> value, Span<bool> flag)
    {
        int cell = solutions.CellSize, at = row * cell;
        for (int i = 0; i < cell; i++)
        {
            value[i] = new Complex(solutions.Param[at + i].Re, solutions.Param[at + i].Im);
            flag[i] = solutions.Flag[at + i];
        }
    }
}
