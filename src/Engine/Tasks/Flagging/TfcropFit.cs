using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MmsMpi.Kernels;

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
    public static void FitBaseAndFlag(ReadOnlySpan<float> values, Span<bool> flags, int nChan, int nTime, bool alongFrequency, bool poly, int maxNPieces,
        double cutoff, string windowStats = "none", int halfWin = 1)
    {
        if (alongFrequency)
        {
            FitAndFlag(values, flags, nChan, nTime, poly, maxNPieces, cutoff, windowStats, halfWin);
            return;
        }
        // Along time: the plane transposed to [time, chan], so that the fit axis is again the outer one.
        int cells = nChan * nTime;
        var plane = ArrayPool<float>.Shared.Rent(cells);
        var planeFlags = ArrayPool<bool>.Shared.Rent(cells);
        Transpose<float>(values, plane, nChan, nTime);
        Transpose<bool>(flags, planeFlags, nChan, nTime);
        FitAndFlag(plane.AsSpan(0, cells), planeFlags.AsSpan(0, cells), nTime, nChan, poly, maxNPieces, cutoff, windowStats, halfWin);
        Transpose<bool>(planeFlags, flags, nTime, nChan);
        ArrayPool<float>.Shared.Return(plane);
        ArrayPool<bool>.Shared.Return(planeFlags);
    }

    /// <summary>to[j * rows + i] = from[i * columns + j] for a rows × columns matrix.</summary>
    private static void Transpose<T>(ReadOnlySpan<T> from, Span<T> to, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                to[j * rows + i] = from[i * columns + j];
    }

    /// <summary>
    /// The plane as [i0 * n1 + i1], the fit along i0: the unflagged mean over i1 of each i0, its piecewise fit, then
    /// per i1 the deviations from the fit flagged (<see cref="FlagDeviationsScalar"/>, four i1 at a time by
    /// <see cref="FlagDeviationsSimd"/>).
    /// </summary>
    private static void FitAndFlag(ReadOnlySpan<float> plane, Span<bool> flags, int n0, int n1, bool poly, int maxNPieces, double cutoff, string windowStats, int halfWin)
    {
        var doubles = ArrayPool<double>.Shared.Rent(3 * n0);
        var avgFlags = ArrayPool<bool>.Shared.Rent(n0);
        Span<double> average = doubles.AsSpan(0, n0), fit = doubles.AsSpan(n0, n0), filled = doubles.AsSpan(2 * n0, n0);
        var avgFlag = avgFlags.AsSpan(0, n0);
        for (int i0 = 0; i0 < n0; i0++)
        {
            double sum = 0;
            int count = 0;
            for (int i1 = 0; i1 < n1; i1++)
                if (!flags[i0 * n1 + i1]) { sum += plane[i0 * n1 + i1]; count++; }
            average[i0] = count > 0 ? sum / count : 0;
            avgFlag[i0] = count == 0;
        }
        if (avgFlag.IndexOf(false) >= 0)
        {
            if (poly) PiecewisePoly(average, avgFlag, maxNPieces, 3, fit, filled);
            else PiecewisePoly(average, avgFlag, 1, 1, fit, filled);
            // The sliding windows need each i1's normalized values and deviation: they run on the scalar path only.
            int simd = windowStats == "none" ? FlagDeviationsSimd(plane, flags, n0, n1, fit, cutoff) : 0;
            FlagDeviationsScalar(plane, flags, n0, n1, simd, fit, cutoff, windowStats, halfWin);
        }
        ArrayPool<double>.Shared.Return(doubles);
        ArrayPool<bool>.Shared.Return(avgFlags);
    }

    /// <summary>
    /// Reference implementation, for each i1 from <paramref name="first"/>: the data divided by the fit, its RMS
    /// deviation from 1 over the unflagged points, and the points beyond cutoff × that deviation flagged, iterated
    /// (5 rounds at most, until the deviation changes by less than 0.1); then the sliding windows, if asked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // the hot loop of tfcrop: see Kernels/ComplexLanes
    public static void FlagDeviationsScalar(ReadOnlySpan<float> plane, Span<bool> flags, int n0, int n1, int first, ReadOnlySpan<double> fit, double cutoff,
        string windowStats = "none", int halfWin = 1)
    {
        if (first >= n1) return;
        var doubles = ArrayPool<double>.Shared.Rent(n0);
        var bools = ArrayPool<bool>.Shared.Rent(n0);
        Span<double> normalized = doubles.AsSpan(0, n0);
        Span<bool> mask = bools.AsSpan(0, n0);
        for (int i1 = first; i1 < n1; i1++)
        {
            for (int i0 = 0; i0 < n0; i0++)
            {
                mask[i0] = flags[i0 * n1 + i1];
                normalized[i0] = mask[i0] ? 0 : plane[i0 * n1 + i1] / fit[i0];
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
                if (mask[i0]) flags[i0 * n1 + i1] = true;
        }
        ArrayPool<double>.Shared.Return(doubles);
        ArrayPool<bool>.Shared.Return(bools);
    }

    /// <summary>
    /// AVX2 path of <see cref="FlagDeviationsScalar"/> without windows: four consecutive i1 side by side in the four
    /// double lanes, each lane doing the scalar path's operations in its order (a flagged point adds +0.0 to the sums,
    /// a lane that has converged keeps its deviation and mask), so the flags are the same bit for bit. Returns how
    /// many i1 it did (a multiple of four; none without AVX2): the rest is left to the scalar path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // as the kernels: see Kernels/ComplexLanes
    public static int FlagDeviationsSimd(ReadOnlySpan<float> plane, Span<bool> flags, int n0, int n1, ReadOnlySpan<double> fit, double cutoff)
    {
        if (!Avx2.IsSupported || plane.Length < n0 * n1 || flags.Length < n0 * n1 || fit.Length < n0) return 0;
        int whole = n1 - n1 % 4;
        var lanes = ArrayPool<Vector256<double>>.Shared.Rent(2 * n0);
        var normalized = lanes.AsSpan(0, n0);
        var mask = lanes.AsSpan(n0, n0);
        var one = Vector256.Create(1.0);
        var limitFactor = Vector256.Create(cutoff);
        var tolerance = Vector256.Create(0.1);
        ref float p0 = ref MemoryMarshal.GetReference(plane);
        for (int i1 = 0; i1 < whole; i1 += 4)
        {
            for (int i0 = 0; i0 < n0; i0++)
            {
                int at = i0 * n1 + i1;
                var value = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref p0, (nuint)at));
                var flagged = ~ComplexLanes.UnflaggedMask(ComplexLanes.FlagWord(flags, at)).AsDouble();
                mask[i0] = flagged;
                normalized[i0] = Vector256.AndNot(value / Vector256.Create(fit[i0]), flagged);
            }
            Vector256<double> active = Vector256<double>.AllBitsSet, previous = Vector256<double>.Zero, sd = Vector256<double>.Zero;
            for (int round = 0; round < 5 && !Vector256.EqualsAll(active.AsUInt64(), Vector256<ulong>.Zero); round++)
            {
                Vector256<double> sum = Vector256<double>.Zero, count = Vector256<double>.Zero;
                for (int i0 = 0; i0 < n0; i0++)
                {
                    var d = normalized[i0] - one;
                    sum += Vector256.AndNot(d * d, mask[i0]);
                    count += Vector256.AndNot(one, mask[i0]);
                }
                sd = Vector256.ConditionalSelect(active, Avx.Sqrt(sum / Vector256.Max(one, count)), sd);
                var limit = limitFactor * sd;
                for (int i0 = 0; i0 < n0; i0++)
                    mask[i0] |= Vector256.GreaterThan(Vector256.Abs(normalized[i0] - one), limit) & active;
                active = Vector256.AndNot(active, Vector256.LessThan(Vector256.Abs(previous - sd), tolerance));
                previous = sd;
            }
            // the mask holds the flags read, so storing it sets the new flags and leaves the others
            for (int i0 = 0; i0 < n0; i0++) ComplexLanes.StoreFlagWord(ComplexLanes.ToFlagWord(mask[i0].AsSingle()), flags, i0 * n1 + i1);
        }
        ArrayPool<Vector256<double>>.Shared.Return(lanes);
        return whole;
    }

    /// <summary>
    /// Sliding-window statistics (STEP 3C; they look at the values only, not at the flags): a point is flagged when the
    /// mean absolute deviation from 1 ('sum') or the RMS deviation ('std') of the window around it exceeds the limit.
    /// </summary>
    private static void FlagWindows(ReadOnlySpan<double> normalized, Span<bool> mask, double limit, string stats, int halfWin)
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
        var fit = new double[data.Length];
        PiecewisePoly(data, flag, maxNPieces, maxDeg, fit, new double[data.Length]);
        return fit;
    }

    /// <summary><see cref="PiecewisePoly(double[], bool[], int, int)"/> into fit, with scratch space for the filled data (both of the data's length).</summary>
    private static void PiecewisePoly(ReadOnlySpan<double> data, Span<bool> flag, int maxNPieces, int maxDeg, Span<double> fit, Span<double> t)
    {
        int n = data.Length;
        FillEmpty(data, t);
        for (int i = 0; i < n; i++)
            if (t[i] == 0) flag[i] = true;
        t.CopyTo(fit);
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
    }

    /// <summary>Zeros (no data) take the next non-zero value at the start, else the mean of the nearest non-zero neighbours.</summary>
    /// <remarks>The left neighbour may be a zero filled just before; the right one is found once per run of zeros.</remarks>
    private static void FillEmpty(ReadOnlySpan<double> data, Span<double> t)
    {
        data.CopyTo(t);
        int left = -1, right = 0;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == 0)
            {
                if (right <= i)
                    for (right = i + 1; right < t.Length && t[right] == 0; right++) { }
                bool hasRight = right < t.Length;
                t[i] = (left, hasRight) switch
                {
                    (< 0, false) => 0,
                    (>= 0, false) => t[left],
                    (< 0, true) => t[right],
                    _ => (t[left] + t[right]) / 2,
                };
            }
            if (t[i] != 0) left = i;
        }
    }

    /// <summary>Least-squares polynomial of degree deg through the unflagged points of [left, right] (a line when too few).</summary>
    private static void FitPiece(ReadOnlySpan<double> data, ReadOnlySpan<bool> flag, Span<double> fit, int left, int right, int deg)
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
    private static void LeastSquares(ReadOnlySpan<double> data, ReadOnlySpan<bool> flag, int left, int right, double center, double scale, int deg, Span<double> coefficients)
    {
        int m = deg + 1;
        // Σxᵏ for k ≤ 6 and Σxᵏy for k ≤ 3 (degree 3 at most), in locals: the powers as x·x·…, each sum point by point
        // in index order. A lower degree uses the first of them, which are the same additions.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, y0 = 0, y1 = 0, y2 = 0, y3 = 0;
        for (int i = left; i <= right; i++)
        {
            if (flag[i]) continue;
            double x1 = (i - center) / scale, x2 = x1 * x1, x3 = x2 * x1, x4 = x3 * x1, x5 = x4 * x1, x6 = x5 * x1, y = data[i];
            (s0, s1, s2, s3, s4, s5, s6) = (s0 + 1, s1 + x1, s2 + x2, s3 + x3, s4 + x4, s5 + x5, s6 + x6);
            (y0, y1, y2, y3) = (y0 + y, y1 + x1 * y, y2 + x2 * y, y3 + x3 * y);
        }
        ReadOnlySpan<double> powerSums = [s0, s1, s2, s3, s4, s5, s6], momentSums = [y0, y1, y2, y3];
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
    private static double Std(ReadOnlySpan<double> v, ReadOnlySpan<bool> flag, double reference)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.Length; i++)
            if (!flag[i]) { sum += (v[i] - reference) * (v[i] - reference); count++; }
        return Math.Sqrt(sum / Math.Max(1, count));
    }

    /// <summary>Root mean square deviation of the unflagged values from a reference per point.</summary>
    private static double Std(ReadOnlySpan<double> v, ReadOnlySpan<bool> flag, ReadOnlySpan<double> reference)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.Length; i++)
            if (!flag[i]) { sum += (v[i] - reference[i]) * (v[i] - reference[i]); count++; }
        return Math.Sqrt(sum / Math.Max(1, count));
    }

    private static double Mean(ReadOnlySpan<double> v, ReadOnlySpan<bool> flag)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.Length; i++)
            if (!flag[i]) { sum += v[i]; count++; }
        return count > 0 ? sum / count : 0;
    }
}
