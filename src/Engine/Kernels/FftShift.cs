using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>
/// CASA's interpolation='fftshift' (fact sheet §5.4): the row is first interpolated linearly onto a uniform grid with
/// the output's channel width, centred on the input band, then moved onto the output grid by a Fourier phase ramp
/// (shift theorem: a shift of s channels multiplies bin k by exp(2πi·k·s/N)), i.e. a band-limited, sub-channel shift.
/// Flags follow the linear step at the shifted position (OR of the two channels it falls between); outputs beyond
/// the input band are flagged. The output grid must be uniform. No SIMD path: the FFT (MathNet) does the work.
/// </summary>
public static class FftShift
{
    public static void Run(ReadOnlySpan<double> inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag, int ncorr,
                           ReadOnlySpan<double> outFreq, Span<ComplexF> outVis, Span<bool> outFlag)
    {
        int n = outFreq.Length;
        if (n < 2 || inFreq.Length < 2)
        {
            Interpolation.Linear(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag);
            return;
        }
        double width = (outFreq[^1] - outFreq[0]) / (n - 1);
        double inCentre = (inFreq[0] + inFreq[^1]) / 2, outCentre = (outFreq[0] + outFreq[^1]) / 2;
        var uniform = new double[n];
        for (int j = 0; j < n; j++) uniform[j] = inCentre + (j - (n - 1) / 2.0) * width;
        var onGrid = new ComplexF[n * ncorr];
        var gridFlag = new bool[n * ncorr];
        Interpolation.Linear(inFreq, inVis, inFlag, ncorr, uniform, onGrid, gridFlag);
        // Flags: where each output frequency falls on the input, as linear interpolation decides them.
        Interpolation.Linear(inFreq, inVis, inFlag, ncorr, outFreq, outVis, outFlag);
        double shift = (outCentre - inCentre) / width;
        var spectrum = new Complex32[n];
        for (int c = 0; c < ncorr; c++)
        {
            for (int j = 0; j < n; j++) spectrum[j] = new Complex32(onGrid[j * ncorr + c].Re, onGrid[j * ncorr + c].Im);
            Fourier.Forward(spectrum, FourierOptions.NoScaling);
            for (int k = 0; k < n; k++)
            {
                int freq = k <= n / 2 ? k : k - n;
                double phase = 2 * Math.PI * freq * shift / n;
                spectrum[k] *= new Complex32((float)Math.Cos(phase), (float)Math.Sin(phase));
            }
            Fourier.Inverse(spectrum, FourierOptions.NoScaling);
            for (int j = 0; j < n; j++) outVis[j * ncorr + c] = new ComplexF(spectrum[j].Real / n, spectrum[j].Imaginary / n);
        }
    }
}
