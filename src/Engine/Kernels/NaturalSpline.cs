namespace MmsMpi.Kernels;

/// <summary>
/// Natural cubic spline on fixed abscissae (second derivative 0 at both ends), Numerical Recipes 2nd ed. §3.3 as in
/// casacore InterpolateArray1D "spline": the tridiagonal system for the second derivatives is eliminated once for
/// the abscissae, then solved per ordinate vector.
/// </summary>
internal sealed class NaturalSpline
{
    private readonly double[] _x;
    private readonly double[] _upper;   // t[i]: row i after elimination reads y2[i] + t[i]·y2[i+1] = rhs[i]
    private readonly double[] _pivot;   // the eliminated diagonal of row i

    public NaturalSpline(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        _x = x.ToArray();
        _upper = new double[n];
        _pivot = new double[n];
        for (int i = 1; i < n - 1; i++)
        {
            double a = x[i] - x[i - 1], c = x[i + 1] - x[i];
            _pivot[i] = 2 * (x[i + 1] - x[i - 1]) - a * _upper[i - 1];
            _upper[i] = c / _pivot[i];
        }
    }

    /// <summary>Second derivatives <paramref name="y2"/> of the spline through (x, y).</summary>
    public void SecondDerivatives(ReadOnlySpan<double> y, Span<double> y2)
    {
        int n = _x.Length;
        y2[0] = 0;
        y2[n - 1] = 0;
        for (int i = 1; i < n - 1; i++)
        {
            double a = _x[i] - _x[i - 1], c = _x[i + 1] - _x[i];
            double rhs = 6 * ((y[i + 1] - y[i]) / c - (y[i] - y[i - 1]) / a);
            y2[i] = (rhs - a * y2[i - 1]) / _pivot[i];
        }
        for (int i = n - 2; i >= 1; i--) y2[i] -= _upper[i] * y2[i + 1];
    }

    /// <summary>The spline at <paramref name="x"/> from the interval [lo, hi] (outside it: that cubic extended).</summary>
    public double Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> y2, int lo, int hi, double x)
    {
        double dx = _x[hi] - _x[lo];
        double a = (_x[hi] - x) / dx, b = 1 - a, h = dx * dx / 6;
        return a * y[lo] + b * y[hi] + h * (a * a * a - a) * y2[lo] + h * (b * b * b - b) * y2[hi];
    }
}
