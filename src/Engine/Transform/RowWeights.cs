using System.Runtime.Intrinsics;

namespace MmsMpi.Transform;

/// <summary>
/// Row WEIGHT and SIGMA from a weight spectrum (CASA's AveragingTvi2::average and weightToSigma): the mean over
/// unflagged channels (over all channels when every one is flagged), and SIGMA = 1/√WEIGHT, −1 when WEIGHT ≤ FLT_MIN.
/// </summary>
public static class RowWeights
{
    public const float FltMin = 1.17549435e-38f;

    public static void FromSpectrum(ReadOnlySpan<float> spectrum, ReadOnlySpan<bool> flag, int nrow, int nchan, int ncorr,
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
            for (int c = 0; c < ncorr; c++)
            {
                float w = (float)(nGood[c] > 0 ? sumGood[c] / nGood[c] : sumAll[c] / nchan);
                weight[r * ncorr + c] = w;
                sigma[r * ncorr + c] = SigmaOf(w);
            }
        }
    }

    public static float SigmaOf(float weight) => weight > FltMin ? 1f / MathF.Sqrt(weight) : -1f;

    /// <summary>
    /// SIGMA_SPECTRUM from WEIGHT_SPECTRUM, element by element as <see cref="SigmaOf(float)"/>, eight at a time where
    /// the hardware allows (IEEE square root and division: the same values as the scalar rule).
    /// </summary>
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
