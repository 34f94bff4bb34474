namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// The numerics of FlagAgentTimeFreqCrop on one time × frequency plane of one baseline and correlation product:
/// <see cref="FitBaseAndFlag"/> averages the unflagged data along one axis, fits a piecewise polynomial along the
/// other (a line for 'line'; up to maxnpieces pieces of degree ≤ 3 for 'poly'), divides the data by the fit and flags,
/// per position on the other axis, the points deviating from 1 by more than cutoff × the standard deviation of the
/// normalized data, clipped iteratively (5 rounds at most, until the deviation changes by less than 0.1).
/// </summary>
/// <remarks>
/// Simplifications: fits are computed in double precision with scaled abscissae (CASA: casacore LinearFit, single
/// precision sums); a degenerate line fit (fewer than two distinct unflagged points) falls back to their mean instead of
/// CASA's NaN.
/// </remarks>
public static class TfcropFit
{
    /// <param name="values">the plane, value[chan, time] at [chan * nTime + time]</param>
    /// <param name="flags">its flags, same layout; updated in place</param>
    /// <param name="alongFrequency">true: the fit runs along frequency (average over time), else along time</param>
    /// <param name="poly">'poly' fit (else 'line')</param>
    /// <param name="windowStats">usewindowstats: none, sum, std or both, over windows of 2 × halfWin + 1 points</param>
    public static void FitBaseAndFlag(float[] values, bool[] flags, int nChan, int nTime, bool alongFrequency, bool poly, int maxNPieces,
        double cutoff, string windowStats = "none", int halfWin = 1)
    {
        int n0 = alongFrequency ? nChan : nTime, n1 = alongFrequency ? nTime : nChan;
        int At(int i0, int i1) => alongFrequency ? i0 * nTime + i1 : i1 * nTime + i0;
        var average = new double[n0];
        var avgFlag = new bool[n0];
        for (int i0 = 0; i0 < n0; i0++)
        {
            double sum = 0;
            int count = 0;
            for (int i1 = 0; i1 < n1; i1++)
                if (!flags[At(i0, i1)]) { sum += values[At(i0, i1)]; count++; }
            average[i0] = count > 0 ? sum / count : 0;
            avgFlag[i0] = count == 0;
        }
        if (avgFlag.All(f => f)) return;
        var fit = poly ? PiecewisePoly(average, avgFlag, maxNPieces, 3) : PiecewisePoly(average, avgFlag, 1, 1);

        var normalized = new double[n0];
        var mask = new bool[n0];
        for (int i1 = 0; i1 < n1; i1++)
        {
            for (int i0 = 0; i0 < n0; i0++)
            {
                mask[i0] = flags[At(i0, i1)];
                normalized[i0] = mask[i0] ? 0 : values[At(i0, i1)] / fit[i0];
            }
            double previous = 0, sd = 0;
            for (int round = 0; round < 5; round++)
            {
                sd = Std(normalized, mask, 1.0);
                for (int i0 = 0; i0 < n0; i0++)
                    if (!mask[i0] && Math.Abs(normalized[i0] - 1) > cutoff * sd) mask[i0] = true;
                if (Math.Abs(previous - sd) < 0.1) break;
                previous = sd;
            }
            if (windowStats != "none") FlagWindows(normalized, mask, cutoff * sd, windowStats, halfWin);
            for (int i0 = 0; i0 < n0; i0++)
                if (mask[i0]) flags[At(i0, i1)] = true;
        }
    }

    /// <summary>
    /// Sliding-window statistics (STEP 3C; they look at the values only, not at the flags): a point is flagged when the
    /// mean absolute deviation from 1 ('sum') or the RMS deviation ('std') of the window around it exceeds the limit.
    /// </summary>
    private static void FlagWindows(double[] normalized, bool[] mask, double limit, string stats, int halfWin)
    {
        int width = 2 * halfWin + 1;
        for (int i0 = halfWin; i0 < normalized.Length - halfWin; i0++)
        {
            double sum = 0, squares = 0;
            for (int i = i0 - halfWin; i <= i0 + halfWin; i++)
            {
                sum += Math.Abs(normalized[i] - 1);
                squares += (normalized[i] - 1) * (normalized[i] - 1);
            }
            if ((stats is "sum" or "both" && sum / width > limit) || (stats is "std" or "both" && Math.Sqrt(squares / width) > limit)) mask[i0] = true;
        }
    }

    /// <summary>
    /// fitPiecewisePoly: empty (zero) points are filled from their neighbours, then 5 rounds of fits with 1, 3, 5, 7, 9
    /// pieces (at most maxNPieces) of degree 1, 1, 2, 3, 3 (at most maxDeg), each smoothed by a 5-point running mean,
    /// flagging points above the fit by more than 3 (then 2) standard deviations before the next round.
    /// </summary>
    public static double[] PiecewisePoly(double[] data, bool[] flag, int maxNPieces, int maxDeg)
    {
        int n = data.Length;
        var t = FillEmpty(data);
        for (int i = 0; i < n; i++)
            if (t[i] == 0) flag[i] = true;
        var fit = (double[])t.Clone();
        for (int round = 0; round < 5; round++)
        {
            int npieces = Math.Min(2 * round + 1, maxNPieces);
            int deg = Math.Min(round > 2 ? 3 : round > 1 ? 2 : 1, maxDeg);
            int psize = n / npieces, leftover = n % npieces, front = leftover / 2;
            for (int p = 0; p < npieces; p++)
            {
                int left = 0, right = n - 1;
                if (npieces > 1)
                {
                    left = p == 0 ? 0 : front + p * psize;
                    right = p == 0 ? front + psize : left + psize;
                    if (p == npieces - 1) right = n - 1;
                }
                FitPiece(t, flag, fit, left, Math.Min(right, n - 1), deg);
            }
            for (int i = 2; i < n - 2; i++) fit[i] = (fit[i - 2] + fit[i - 1] + fit[i] + fit[i + 1] + fit[i + 2]) / 5;
            double sd = Std(t, flag, fit);
            double tol = round >= 2 ? 2 : 3;
            for (int i = 0; i < n; i++)
                if (t[i] - fit[i] > tol * sd) flag[i] = true;
        }
        return fit;
    }

    /// <summary>Zeros (no data) take the next non-zero value at the start, else the mean of the nearest non-zero neighbours.</summary>
    private static double[] FillEmpty(double[] data)
    {
        var t = (double[])data.Clone();
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] != 0) continue;
            int right = Array.FindIndex(t, i + 1, v => v != 0);
            int left = i == 0 ? -1 : Array.FindLastIndex(t, i - 1, v => v != 0);
            t[i] = (left, right) switch
            {
                (< 0, < 0) => 0,
                (>= 0, < 0) => t[left],
                (< 0, >= 0) => t[right],
                _ => (t[left] + t[right]) / 2,
            };
        }
        return t;
    }

    /// <summary>Least-squares polynomial of degree deg through the unflagged points of [left, right] (a line when too few).</summary>
    private static void FitPiece(double[] data, bool[] flag, double[] fit, int left, int right, int deg)
    {
        int count = 0;
        double sumY = 0;
        for (int i = left; i <= right; i++)
            if (!flag[i]) { count++; sumY += data[i]; }
        if (count <= deg) deg = 1;
        if (count <= 1)   // the abscissae are distinct channel or time indices: one point cannot make a line
        {
            double mean = count > 0 ? sumY / count : Mean(data, flag);
            for (int i = left; i <= right; i++) fit[i] = mean;
            return;
        }
        double center = (left + right) / 2.0, scale = Math.Max(1, (right - left) / 2.0);
        Span<double> coefficients = stackalloc double[deg + 1];
        LeastSquares(data, flag, left, right, center, scale, deg, coefficients);
        for (int i = left; i <= right; i++)
        {
            double x = (i - center) / scale, value = 0;
            for (int k = deg; k >= 0; k--) value = value * x + coefficients[k];
            fit[i] = value;
        }
    }

    /// <summary>
    /// Normal equations over the unflagged points of [left, right] at x = (i − center) / scale, solved by Gaussian
    /// elimination with partial pivoting (degree ≤ 3, abscissae in [-1, 1]). The matrix is built from the power sums
    /// Σxᵏ and Σxᵏy, accumulated point by point in index order: the same additions as adding each point's terms to
    /// every matrix entry, without a matrix pass or an allocation per point.
    /// </summary>
    private static void LeastSquares(double[] data, bool[] flag, int left, int right, double center, double scale, int deg, Span<double> coefficients)
    {
        int m = deg + 1;
        Span<double> powerSums = stackalloc double[2 * deg + 1], momentSums = stackalloc double[m], powers = stackalloc double[2 * deg + 1];
        powerSums.Clear();
        momentSums.Clear();
        for (int i = left; i <= right; i++)
        {
            if (flag[i]) continue;
            double x = (i - center) / scale;
            powers[0] = 1;
            for (int k = 1; k < powers.Length; k++) powers[k] = powers[k - 1] * x;
            for (int k = 0; k < powers.Length; k++) powerSums[k] += powers[k];
            for (int r = 0; r < m; r++) momentSums[r] += powers[r] * data[i];
        }
        Span<double> a = stackalloc double[m * (m + 1)];   // row r, column c at r * (m + 1) + c; column m is the right-hand side
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c < m; c++) a[r * (m + 1) + c] = powerSums[r + c];
            a[r * (m + 1) + m] = momentSums[r];
        }
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++)
                if (Math.Abs(a[r * (m + 1) + col]) > Math.Abs(a[pivot * (m + 1) + col])) pivot = r;
            for (int c = 0; c <= m; c++) (a[col * (m + 1) + c], a[pivot * (m + 1) + c]) = (a[pivot * (m + 1) + c], a[col * (m + 1) + c]);
            for (int r = 0; r < m; r++)
            {
                double diagonal = a[col * (m + 1) + col];
                if (r == col || diagonal == 0) continue;
                double f = a[r * (m + 1) + col] / diagonal;
                for (int c = col; c <= m; c++) a[r * (m + 1) + c] -= f * a[col * (m + 1) + c];
            }
        }
        for (int r = 0; r < m; r++) coefficients[r] = a[r * (m + 1) + r] == 0 ? 0 : a[r * (m + 1) + m] / a[r * (m + 1) + r];
    }

    /// <summary>Root mean square deviation of the unflagged values from a constant reference (CASA's calcStd).</summary>
    private static double Std(double[] v, bool[] flag, double reference)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.Length; i++)
            if (!flag[i]) { sum += (v[i] - reference) * (v[i] - reference); count++; }
        return Math.Sqrt(sum / Math.Max(1, count));
    }

    /// <summary>Root mean square deviation of the unflagged values from a reference per point.</summary>
    private static double Std(double[] v, bool[] flag, double[] reference)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.Length; i++)
            if (!flag[i]) { sum += (v[i] - reference[i]) * (v[i] - reference[i]); count++; }
        return Math.Sqrt(sum / Math.Max(1, count));
    }

    private static double Mean(double[] v, bool[] flag)
    {
        var unflagged = v.Where((_, i) => !flag[i]).ToList();
        return unflagged.Count > 0 ? unflagged.Average() : 0;
    }
}
