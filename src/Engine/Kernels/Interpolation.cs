using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>Regridding interpolation methods (mstransform/cvel2 <c>interpolation</c>).</summary>
public enum InterpolationMethod { Nearest, Linear, Cubic, Spline, FftShift }

/// <summary>
/// Regridding of one row over channels (nchanIn × ncorr → nchanOut × ncorr), fact sheet §5.4: casacore
/// InterpolateArray1D::interpolatey with flags, as MSTransformManager's interpol1D calls it (no extrapolation,
/// flag true = bad). Input frequencies must ascend (MTM reverses descending spws first).
/// Common rules: an output outside [inFreq[0], inFreq[^1]] is extrapolated and flagged; with fewer than two input
/// channels the output is the constant input (zero without input) and all flagged. The bracketing input pair of
/// x is (i−1, i) with i the first input ≥ x, moved to (0, 1) or (n−2, n−1) at the ends (binarySearchBrackets).
/// </summary>
public static class Interpolation
{
    /// <summary>Interpolates with <paramref name="method"/> (linear vectorised, the others scalar).</summary>
    public static void Run(InterpolationMethod method, ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis,
                           ReadOnlySpan<bool> inFlag, int ncorr, ReadOnlySpan<double> outFreq,
                           Span<ComplexF> outVis, Span<bool> outFlag)
    {
        switch (method)
        {
            case InterpolationMethod.Nearest: Nearest(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag); break;
            case InterpolationMethod.Linear: Linear(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag); break;
            case InterpolationMethod.Cubic: Cubic(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag); break;
            case InterpolationMethod.Spline: Spline(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag); break;
            case InterpolationMethod.FftShift: FftShift.Run(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag); break;
            default: throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }

    /// <summary>Linear interpolation from one grid onto another: their <see cref="LinearStencil"/>, then the kernel.</summary>
    public static void Linear(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                              int ncorr, ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag) =>
        Linear(new LinearStencil(inFreq, outFreq), inVis, inFlag, ncorr, outVis, outFlag);

    /// <summary>Runs <see cref="LinearSimd"/> where SIMD is accelerated, else <see cref="LinearScalar"/>.</summary>
    public static void Linear(LinearStencil stencil, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                              int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        if (Vector256.IsHardwareAccelerated) LinearSimd(stencil, inVis, inFlag, ncorr, outVis, outFlag);
        else LinearScalar(stencil, inVis, inFlag, ncorr, outVis, outFlag);
    }

    /// <summary>
    /// Linear interpolation, reference implementation: out = y1 + frac·(y2 − y1) with the stencil's inputs and
    /// fraction (applied in float), flagged if y1 or y2 is, or if the output is extrapolated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // see ComplexLanes
    public static void LinearScalar(LinearStencil stencil, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                                    int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        if (Prologue(stencil.InputChannels, stencil.OutputChannels, inVis, inFlag, ncorr, outVis, outFlag)) return;
        for (int k = 0; k < stencil.OutputChannels; k++)
        {
            int lo = stencil.Lo[k], hi = stencil.Hi[k];
            float frac = stencil.Frac[k];
            for (int corr = 0; corr < ncorr; corr++)
            {
                var (y1, y2) = (inVis[lo * ncorr + corr], inVis[hi * ncorr + corr]);
                outVis[k * ncorr + corr] = new ComplexF(y1.Re + frac * (y2.Re - y1.Re), y1.Im + frac * (y2.Im - y1.Im));
            }
            PairFlags(inFlag, ncorr, lo, hi, stencil.Outside[k], outFlag, k, 0);
        }
    }

    /// <summary>
    /// Vector path of <see cref="LinearScalar"/>: per output channel the 2·ncorr floats are computed 8, then 4 at a
    /// time, the rest (ncorr = 1, or odd ncorr) by the scalar formula, and the flags four bytes at a time; four and
    /// two correlations take one vector and one flag word per channel. Same operations: bit-identical results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // see ComplexLanes
    public static void LinearSimd(LinearStencil stencil, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                                  int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            LinearScalar(stencil, inVis, inFlag, ncorr, outVis, outFlag);
            return;
        }
        if (Prologue(stencil.InputChannels, stencil.OutputChannels, inVis, inFlag, ncorr, outVis, outFlag)) return;
        ref float x = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<ComplexF, float>(inVis));
        ref float y = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<ComplexF, float>(outVis));
        int len = 2 * ncorr, nout = stencil.OutputChannels;
        ReadOnlySpan<int> los = stencil.Lo.AsSpan(0, nout), his = stencil.Hi.AsSpan(0, nout);
        ReadOnlySpan<float> fracs = stencil.Frac.AsSpan(0, nout);
        ReadOnlySpan<bool> outsides = stencil.Outside.AsSpan(0, nout);
        if (ncorr == 4)   // the common case as one vector and one flag word per channel: the general loop spills
        {
            for (int k = 0; k < nout; k++)
            {
                int lo = los[k], hi = his[k];
                var y1 = Vector256.LoadUnsafe(ref x, (nuint)(8 * lo));
                (y1 + fracs[k] * (Vector256.LoadUnsafe(ref x, (nuint)(8 * hi)) - y1)).StoreUnsafe(ref y, (nuint)(8 * k));
                ComplexLanes.StoreFlagWord(outsides[k] ? 0x01010101u : ComplexLanes.FlagWord(inFlag, 4 * lo) | ComplexLanes.FlagWord(inFlag, 4 * hi),
                                           outFlag, 4 * k);
            }
            return;
        }
        if (ncorr == 2)   // dual polarisation, and the row weights of four correlations carried as two complex values
        {
            ref byte inF = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(inFlag));
            ref byte outF = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(outFlag));
            for (int k = 0; k < nout; k++)
            {
                int lo = los[k], hi = his[k];
                var y1 = Vector128.LoadUnsafe(ref x, (nuint)(4 * lo));
                (y1 + fracs[k] * (Vector128.LoadUnsafe(ref x, (nuint)(4 * hi)) - y1)).StoreUnsafe(ref y, (nuint)(4 * k));
                ushort flags = outsides[k] ? (ushort)0x0101
                    : (ushort)(Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref inF, 2 * lo)) | Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref inF, 2 * hi)));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref outF, 2 * k), flags);
            }
            return;
        }
        for (int k = 0; k < nout; k++)
        {
            int lo = los[k], hi = his[k];
            float frac = fracs[k];
            bool outside = outsides[k];
            nuint a = (nuint)(lo * len), b = (nuint)(hi * len), o = (nuint)(k * len);
            nuint i = 0;
            for (; (int)i + Vector256<float>.Count <= len; i += (nuint)Vector256<float>.Count)
            {
                var y1 = Vector256.LoadUnsafe(ref x, a + i);
                (y1 + frac * (Vector256.LoadUnsafe(ref x, b + i) - y1)).StoreUnsafe(ref y, o + i);
            }
            if ((int)i + Vector128<float>.Count <= len)
            {
                var y1 = Vector128.LoadUnsafe(ref x, a + i);
                (y1 + frac * (Vector128.LoadUnsafe(ref x, b + i) - y1)).StoreUnsafe(ref y, o + i);
                i += (nuint)Vector128<float>.Count;
            }
            for (; (int)i < len; i++)
            {
                float y1 = Unsafe.Add(ref x, a + i);
                Unsafe.Add(ref y, o + i) = y1 + frac * (Unsafe.Add(ref x, b + i) - y1);
            }
            int corr = 0;
            for (; corr + 4 <= ncorr; corr += 4)   // four flag bytes at a time
                ComplexLanes.StoreFlagWord(outside ? 0x01010101u : ComplexLanes.FlagWord(inFlag, lo * ncorr + corr) |
                                                                   ComplexLanes.FlagWord(inFlag, hi * ncorr + corr),
                                           outFlag, k * ncorr + corr);
            if (corr < ncorr) PairFlags(inFlag, ncorr, lo, hi, outside, outFlag, k, corr);
        }
    }

    /// <summary>
    /// Nearest neighbour (casacore nearestNeighbour): the closer of the bracketing pair, the lower one on a tie;
    /// its flag, or flagged when outside the input range (the value is then the edge channel's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Nearest(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                               int ncorr, ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        if (Prologue(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag)) return;
        int hint = 0;
        for (int k = 0; k < outFreq.Length; k++)
        {
            double xk = outFreq[k];
            var (lo, hi, outside) = Bracket(inFreq, xk, ref hint);
            int src = xk < inFreq[0] ? 0
                    : xk > inFreq[^1] ? inFreq.Length - 1
                    : inFreq[hi] - xk < 0.5 * (inFreq[hi] - inFreq[lo]) ? hi : lo;
            inVis.Slice(src * ncorr, ncorr).CopyTo(outVis[(k * ncorr)..]);
            for (int corr = 0; corr < ncorr; corr++) outFlag[k * ncorr + corr] = outside || inFlag[src * ncorr + corr];
        }
    }

    /// <summary>
    /// Cubic (casacore "cubic"): the polynomial through the four nearest inputs (two each side of x, shifted inward
    /// at the ends), in double; flagged if either bracketing input is (flagged points are still used, as casacore).
    /// Scalar only. With 2 or 3 input channels, where casacore would read past its four points, this falls back to
    /// <see cref="Linear"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Cubic(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                             int ncorr, ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        int n = inFreq.Length;
        if (n is 2 or 3)
        {
            Linear(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag);
            return;
        }
        if (Prologue(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag)) return;
        int hint = 0;
        Span<double> basis = stackalloc double[4];
        for (int k = 0; k < outFreq.Length; k++)
        {
            double xk = outFreq[k];
            var (lo, hi, outside) = Bracket(inFreq, xk, ref hint);
            int first = Math.Clamp(lo - 1, 0, n - 4);   // polynomialInterpolation's "where − n/2", clamped
            for (int j = 0; j < 4; j++)                  // Lagrange basis polynomials at xk
            {
                basis[j] = 1;
                for (int m = 0; m < 4; m++)
                    if (m != j) basis[j] *= (xk - inFreq[first + m]) / (inFreq[first + j] - inFreq[first + m]);
            }
            for (int corr = 0; corr < ncorr; corr++)
            {
                double re = 0, im = 0;
                for (int j = 0; j < 4; j++)
                {
                    var v = inVis[(first + j) * ncorr + corr];
                    re += basis[j] * v.Re;
                    im += basis[j] * v.Im;
                }
                outVis[k * ncorr + corr] = new ComplexF((float)re, (float)im);
            }
            PairFlags(inFlag, ncorr, lo, hi, outside, outFlag, k, 0);
        }
    }

    /// <summary>
    /// Natural cubic spline (casacore "spline", Numerical Recipes §3.3), Re and Im separately, in double; flagged if
    /// either bracketing input is (flagged points are still used). Scalar only. Unlike casacore, whose
    /// back-substitution loop stops before channel 1 (<c>i &gt; 1</c>) and so leaves that second derivative
    /// unsolved, this solves the whole tridiagonal system.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Spline(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                              int ncorr, ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        if (Prologue(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag)) return;
        int n = inFreq.Length;
        var spline = new NaturalSpline(inFreq);
        var re = new double[n];
        var im = new double[n];
        var re2 = new double[n];
        var im2 = new double[n];
        for (int corr = 0; corr < ncorr; corr++)
        {
            for (int i = 0; i < n; i++) (re[i], im[i]) = (inVis[i * ncorr + corr].Re, inVis[i * ncorr + corr].Im);
            spline.SecondDerivatives(re, re2);
            spline.SecondDerivatives(im, im2);
            int hint = 0;
            for (int k = 0; k < outFreq.Length; k++)
            {
                var (lo, hi, outside) = Bracket(inFreq, outFreq[k], ref hint);
                outVis[k * ncorr + corr] = new ComplexF((float)spline.Evaluate(re, re2, lo, hi, outFreq[k]),
                                                        (float)spline.Evaluate(im, im2, lo, hi, outFreq[k]));
                outFlag[k * ncorr + corr] = outside || inFlag[lo * ncorr + corr] || inFlag[hi * ncorr + corr];
            }
        }
    }

    /// <summary>
    /// The bracketing pair of <paramref name="x"/> and whether x lies outside the inputs (casacore's discard).
    /// <paramref name="hint"/> carries the previous search result so that ascending outputs cost O(1) each.
    /// </summary>
    internal static (int Lo, int Hi, bool Outside) Bracket(ReadOnlySpan<double> xin, double x, ref int hint)
    {
        int n = xin.Length;
        int where = LowerBound(xin, x, ref hint);
        if (where == n) return (n - 2, n - 1, true);
        if (where == 0) return (0, 1, x != xin[0]);
        return (where - 1, where, false);
    }

    /// <summary>First index i with xin[i] ≥ x (n if none): casacore binarySearchBrackets on ascending input.</summary>
    private static int LowerBound(ReadOnlySpan<double> xin, double x, ref int hint)
    {
        int n = xin.Length;
        for (int guess = hint; guess <= Math.Min(hint + 1, n); guess++)
            if ((guess == 0 || xin[guess - 1] < x) && (guess == n || !(xin[guess] < x)))
                return hint = guess;
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (xin[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return hint = lo;
    }

    /// <summary>Flags of output channel k from correlation <paramref name="from"/> on: outside, or either input flagged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // a call in LinearSimd's loop put its locals on the stack
    private static void PairFlags(ReadOnlySpan<bool> inFlag, int ncorr, int lo, int hi, bool outside, Span<bool> outFlag, int k, int from)
    {
        for (int corr = from; corr < ncorr; corr++)
            outFlag[k * ncorr + corr] = outside || inFlag[lo * ncorr + corr] || inFlag[hi * ncorr + corr];
    }

    /// <summary>Checks shapes; with fewer than two inputs writes the constant, flagged output and returns true.</summary>
    private static bool Prologue(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                                 int ncorr, ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag) =>
        Prologue(inFreq.Length, outFreq.Length, inVis, inFlag, ncorr, outVis, outFlag);

    private static bool Prologue(int nin, int nout, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag,
                                 int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        KernelArgs.Positive(("ncorr", ncorr));
        KernelArgs.Cube("input", nin * ncorr, inVis, inFlag, []);
        KernelArgs.Cube("output", nout * ncorr, outVis, outFlag, Span<float>.Empty);
        if (nin >= 2) return false;
        for (int k = 0; k < nout; k++)
        for (int corr = 0; corr < ncorr; corr++)
            outVis[k * ncorr + corr] = nin == 1 ? inVis[corr] : default;
        outFlag[..(nout * ncorr)].Fill(true);
        return true;
    }
}

/// <summary>
/// Where each output channel of a linear interpolation takes its values from (casacore's rules, as
/// <see cref="Interpolation.LinearScalar"/> documents): the bracketing inputs lo, hi, frac = (x − x_lo)/(x_hi − x_lo)
/// computed in double and kept as float, lo = hi when frac ≤ ε or ≥ 1 − ε (only the nearer input is used, its value
/// and flag alone; extrapolated outputs therefore take the edge value), and whether the output is extrapolated.
/// It depends on the two grids only, so a regrid builds it once per timestamp and uses it for every baseline's row
/// and every column: the search and the division in double were most of the kernel's time per row.
/// </summary>
public sealed class LinearStencil
{
    /// <summary>casacore's "only one channel involved" limit, numeric_limits&lt;double&gt;::epsilon().</summary>
    private const double FracLimit = 2.220446049250313e-16;

    public int InputChannels { get; }
    public int OutputChannels { get; }
    internal int[] Lo { get; }
    internal int[] Hi { get; }
    internal float[] Frac { get; }
    internal bool[] Outside { get; }

    /// <param name="inFreq">Ascending input channel frequencies.</param>
    /// <param name="outFreq">Ascending output channel frequencies.</param>
    public LinearStencil(ReadOnlySpan<double> inFreq, ReadOnlySpan<double> outFreq)
    {
        (InputChannels, OutputChannels) = (inFreq.Length, outFreq.Length);
        int nout = inFreq.Length >= 2 ? outFreq.Length : 0;   // fewer than two inputs: the kernels' constant output
        (Lo, Hi, Frac, Outside) = (new int[nout], new int[nout], new float[nout], new bool[nout]);
        int hint = 0;
        for (int k = 0; k < nout; k++)
        {
            var (lo, hi, outside) = Interpolation.Bracket(inFreq, outFreq[k], ref hint);
            double frac = (outFreq[k] - inFreq[lo]) / (inFreq[hi] - inFreq[lo]);
            Outside[k] = outside;
            (Lo[k], Hi[k], Frac[k]) = frac <= FracLimit ? (lo, lo, 0f) : frac >= 1 - FracLimit ? (hi, hi, 0f) : (lo, hi, (float)frac);
        }
    }
}
