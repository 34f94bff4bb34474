using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Row WEIGHT and SIGMA from a weight spectrum (CASA's AveragingTvi2::average and weightToSigma): the mean over
/// unflagged channels (over all channels when every one is flagged), and SIGMA = 1/√WEIGHT, −1 when WEIGHT ≤ FLT_MIN.
/// </summary>
public static class RowWeights
{
    public const float FltMin = 1.17549435e-38f;

    /// <summary>Runs the AVX2 path for four correlations (bit-identical: the same double sums in channel order), else <see cref="FromSpectrumScalar"/>.</summary>
    public static void FromSpectrum(ReadOnlySpan<float> spectrum, ReadOnlySpan<bool> flag, int nrow, int nchan, int ncorr,
        Span<float> weight, Span<float> sigma)
    {
        if (ncorr == 4 && Avx2.IsSupported) FromSpectrum4(spectrum, flag, nrow, nchan, weight, sigma);
        else FromSpectrumScalar(spectrum, flag, nrow, nchan, ncorr, weight, sigma);
    }

    /// <summary>Reference implementation: per row and correlation, the sums over channels in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // as the kernels: see Kernels/ComplexLanes
    public static void FromSpectrumScalar(ReadOnlySpan<float> spectrum, ReadOnlySpan<bool> flag, int nrow, int nchan, int ncorr,
        Span<float> weight, Span<float> sigma)
    {
        Span<double> sumAll = stackalloc double[ncorr], sumGood = stackalloc double[ncorr];
        Span<int> nGood = stackalloc int[ncorr];
        for (int r = 0; r < nrow; r++)
        {
            sumAll.Clear();
            sumGood.Clear();
            nGood.Clear();
            // channel by channel through the row's cell (memory order), each correlation summed in channel order
            int i = r * nchan * ncorr;
            for (int ch = 0; ch < nchan; ch++)
                for (int c = 0; c < ncorr; c++, i++)
                {
                    sumAll[c] += spectrum[i];
                    if (!flag[i]) { sumGood[c] += spectrum[i]; nGood[c]++; }
                }
            for (int c = 0; c < ncorr; c++) Store(sumAll[c], sumGood[c], nGood[c], nchan, weight, sigma, r * ncorr + c);
        }
    }

    /// <summary>
    /// Four correlations as the four double lanes of one vector: a channel's weights are widened and added to the
    /// all-channel sum and, masked by its flags, to the unflagged sum (adding +0.0 for a flagged one leaves a sum that
    /// started at +0.0 unchanged, so the sums equal the scalar ones bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // as the kernels: see Kernels/ComplexLanes
    private static void FromSpectrum4(ReadOnlySpan<float> spectrum, ReadOnlySpan<bool> flag, int nrow, int nchan,
        Span<float> weight, Span<float> sigma)
    {
        ref float s0 = ref MemoryMarshal.GetReference(spectrum);
        ref byte f0 = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(flag));
        if (spectrum.Length < nrow * nchan * 4 || flag.Length < nrow * nchan * 4) throw new ArgumentException("spectrum or flags shorter than the rows");
        for (int r = 0; r < nrow; r++)
        {
            Vector256<double> all = default, good = default;
            Vector256<long> count = default;
            for (int ch = 0, i = r * nchan * 4; ch < nchan; ch++, i += 4)
            {
                var w = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref s0, (nuint)i));
                var flagged = Avx2.ConvertToVector256Int64(Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref f0, i))).AsByte());
                var unflagged = Vector256.Equals(flagged, Vector256<long>.Zero);
                all += w;
                good += w & unflagged.AsDouble();
                count -= unflagged;   // all-ones lanes are −1
            }
            for (int c = 0; c < 4; c++) Store(all[c], good[c], (int)count[c], nchan, weight, sigma, r * 4 + c);
        }
    }

    /// <summary>WEIGHT = mean over unflagged channels (over all when none is), SIGMA from it.</summary>
    private static void Store(double sumAll, double sumGood, int nGood, int nchan, Span<float> weight, Span<float> sigma, int at)
    {
        float w = (float)(nGood > 0 ? sumGood / nGood : sumAll / nchan);
        weight[at] = w;
        sigma[at] = SigmaOf(w);
    }

    public static float SigmaOf(float weight) => weight > FltMin ? 1f / MathF.Sqrt(weight) : -1f;

    /// <summary>
    /// SIGMA_SPECTRUM from WEIGHT_SPECTRUM, element by element as <see cref="SigmaOf(float)"/>, eight at a time where
    /// the hardware allows (IEEE square root and division: the same values as the scalar rule).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // as the kernels: see Kernels/ComplexLanes
    public static void SigmaOf(ReadOnlySpan<float> weight, Span<float> sigma)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var min = Vector256.Create(FltMin);
            for (; i + Vector256<float>.Count <= weight.Length; i += Vector256<float>.Count)
            {
                var w = Vector256.Create(weight.Slice(i, Vector256<float>.Count));
                var s = Vector256.ConditionalSelect(Vector256.GreaterThan(w, min), Vector256<float>.One / Vector256.Sqrt(w), Vector256.Create(-1f));
                s.CopyTo(sigma.Slice(i, Vector256<float>.Count));
            }
        }
        for (; i < weight.Length; i++) sigma[i] = SigmaOf(weight[i]);
    }
}
