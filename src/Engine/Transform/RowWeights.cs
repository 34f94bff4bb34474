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
        for (int r = 0; r < nrow; r++)
            for (int c = 0; c < ncorr; c++)
            {
                double sumAll = 0, sumGood = 0;
                int nGood = 0;
                for (int ch = 0; ch < nchan; ch++)
                {
                    int i = (r * nchan + ch) * ncorr + c;
                    sumAll += spectrum[i];
                    if (!flag[i]) { sumGood += spectrum[i]; nGood++; }
                }
                float w = (float)(nGood > 0 ? sumGood / nGood : sumAll / nchan);
                weight[r * ncorr + c] = w;
                sigma[r * ncorr + c] = SigmaOf(w);
            }
    }

    public static float SigmaOf(float weight) => weight > FltMin ? 1f / MathF.Sqrt(weight) : -1f;
}
