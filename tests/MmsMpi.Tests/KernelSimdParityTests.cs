using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;
using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Tasks.Transform;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Simd against Scalar on random data and edge cases (all flagged, zero weights, NaN, no weights, odd shapes).
// Kernels documented as bit-identical are compared exactly; ChannelAverage with ncorr 1 or 2 reassociates its
// sums and is compared within 1e-5·(1 + |scalar|). NaN must appear in the same places in both.
public class KernelSimdParityTests
{
    public enum Fill { Random, AllFlagged, ZeroWeights, WithNaN, NoWeights }

    private static readonly Fill[] Fills = Enum.GetValues<Fill>();

    [OneTimeSetUp]
    public void RequireVectorHardware() =>
        Assume.That(Avx2.IsSupported && Vector256.IsHardwareAccelerated, "the Simd paths fall back to Scalar without AVX2");

    private sealed record Cube(ComplexF[] Vis, bool[] Flag, float[] Weight);

    private static Cube MakeCube(Random rng, int n, Fill fill)
    {
        var vis = new ComplexF[n];
        var flag = new bool[n];
        var weight = new float[fill == Fill.NoWeights ? 0 : n];
        for (int i = 0; i < n; i++)
        {
            vis[i] = new ComplexF(rng.NextSingle() * 2 - 1, rng.NextSingle() * 2 - 1);
            flag[i] = fill == Fill.AllFlagged || rng.NextDouble() < 0.3;
            if (weight.Length > 0) weight[i] = fill == Fill.ZeroWeights || rng.NextDouble() < 0.1 ? 0 : 0.1f + 2 * rng.NextSingle();
            if (fill == Fill.WithNaN && rng.NextDouble() < 0.05) vis[i] = new ComplexF(float.NaN, vis[i].Im);
            if (fill == Fill.WithNaN && weight.Length > 0 && rng.NextDouble() < 0.02) weight[i] = float.NaN;
        }
        return new Cube(vis, flag, weight);
    }

    private static void Same(ReadOnlySpan<float> simd, ReadOnlySpan<float> scalar, double tol, string what)
    {
        Assert.That(simd.Length, Is.EqualTo(scalar.Length), what);
        for (int i = 0; i < scalar.Length; i++)
        {
            float a = simd[i], b = scalar[i];
            bool ok = float.IsNaN(a) ? float.IsNaN(b) : !float.IsNaN(b) && (a == b || Math.Abs(a - b) <= tol * (1 + Math.Abs(b)));
            if (!ok) Assert.Fail($"{what}: float {i}: simd {a} scalar {b}");
        }
    }

    private static void Same(ComplexF[] simd, ComplexF[] scalar, double tol, string what) =>
        Same(MemoryMarshal.Cast<ComplexF, float>(simd),
             MemoryMarshal.Cast<ComplexF, float>(scalar), tol, what);

    private static void Same(bool[] simd, bool[] scalar, string what)
    {
        Assert.That(simd.Length, Is.EqualTo(scalar.Length), what);
        for (int i = 0; i < scalar.Length; i++)
            if (simd[i] != scalar[i]) Assert.Fail($"{what}: flag {i}: simd {simd[i]} scalar {scalar[i]}");
    }

    [TestCaseSource(nameof(Fills))]
    public void ChannelAverage(Fill fill)
    {
        var rng = new Random(1000 + (int)fill);
        int cases = 0;
        foreach (int ncorr in new[] { 1, 2, 3, 4 })
        foreach (int nrow in new[] { 1, 33 })
        foreach (int nchan in new[] { 1, 7, 16 })
        foreach (int chanbin in new[] { 1, 2, 3, 4, 7 })
        {
            var c = MakeCube(rng, nrow * nchan * ncorr, fill);
            int n = nrow * Kernels.ChannelAverage.OutputChannels(nchan, chanbin) * ncorr;
            var (v1, f1, w1) = (new ComplexF[n], new bool[n], new float[n]);
            var (v2, f2, w2) = (new ComplexF[n], new bool[n], new float[n]);
            Kernels.ChannelAverage.Scalar(c.Vis, c.Flag, c.Weight, nrow, nchan, ncorr, chanbin, v1, f1, w1);
            Kernels.ChannelAverage.Simd(c.Vis, c.Flag, c.Weight, nrow, nchan, ncorr, chanbin, v2, f2, w2);
            string what = $"ncorr {ncorr} nrow {nrow} nchan {nchan} chanbin {chanbin}";
            double tol = ncorr is 1 or 2 ? 1e-5 : 0;
            Same(v2, v1, tol, what);
            Same(f2, f1, what);
            Same(w2, w1, tol, what);
            cases += n > 0 ? 1 : 0;
        }
        Assert.That(cases, Is.GreaterThan(80));
    }

    [TestCaseSource(nameof(Fills))]
    public void Hanning(Fill fill)
    {
        var rng = new Random(2000 + (int)fill);
        foreach (int ncorr in new[] { 1, 2, 3, 4 })
        foreach (int nrow in new[] { 1, 33 })
        foreach (int nchan in new[] { 1, 2, 3, 7, 16, 64 })
        foreach (bool withOutWeight in new[] { true, false })
        {
            var c = MakeCube(rng, nrow * nchan * ncorr, fill);
            int n = c.Vis.Length, nw = withOutWeight ? n : 0;
            var (v1, f1, w1) = (new ComplexF[n], new bool[n], new float[nw]);
            var (v2, f2, w2) = (new ComplexF[n], new bool[n], new float[nw]);
            Kernels.Hanning.Scalar(c.Vis, c.Flag, c.Weight, nrow, nchan, ncorr, v1, f1, w1);
            Kernels.Hanning.Simd(c.Vis, c.Flag, c.Weight, nrow, nchan, ncorr, v2, f2, w2);
            string what = $"ncorr {ncorr} nrow {nrow} nchan {nchan} outWeight {withOutWeight}";
            Same(v2, v1, 0, what);
            Same(f2, f1, what);
            Same(w2, w1, 0, what);
        }
    }

    [TestCaseSource(nameof(Fills))]
    public void TimeAverage(Fill fill)
    {
        var rng = new Random(3000 + (int)fill);
        foreach (int n in new[] { 1, 3, 4, 5, 7, 33, 256 })
        {
            var (s1, sw1, a1) = (new ComplexF[n], new float[n], new bool[n]);
            var (s2, sw2, a2) = (new ComplexF[n], new float[n], new bool[n]);
            for (int row = 0; row < 7; row++)
            {
                // rows 0 and 4 start a bin; row 1 is all flagged whatever the fill
                var c = MakeCube(rng, n, row == 1 ? Fill.AllFlagged : fill);
                bool first = row is 0 or 4;
                Kernels.TimeAverage.AccumulateScalar(c.Vis, c.Flag, c.Weight, s1, sw1, a1, first);
                Kernels.TimeAverage.AccumulateSimd(c.Vis, c.Flag, c.Weight, s2, sw2, a2, first);
                string what = $"n {n} row {row}";
                Same(s2, s1, 0, what);
                Same(sw2, sw1, 0, what);
                Same(a2, a1, what);
            }
        }
    }

    [TestCaseSource(nameof(Fills))]
    public void TimeAverageFinish(Fill fill)
    {
        var rng = new Random(3500 + (int)fill);
        foreach (int n in new[] { 1, 3, 4, 5, 7, 33, 256 })
        {
            // an accumulator as Accumulate leaves it: sums, weights (zero ones included), flags
            var (sum, sw, acc) = (new ComplexF[n], new float[n], new bool[n]);
            for (int row = 0; row < 3; row++)
            {
                var c = MakeCube(rng, n, fill);
                Kernels.TimeAverage.AccumulateScalar(c.Vis, c.Flag, c.Weight, sum, sw, acc, row == 0);
            }
            var (v1, f1, w1) = (new ComplexF[n], new bool[n], new float[n]);
            var (v2, f2, w2) = (new ComplexF[n], new bool[n], new float[n]);
            Kernels.TimeAverage.FinishScalar(sum, sw, acc, v1, f1, w1);
            Kernels.TimeAverage.FinishSimd(sum, sw, acc, v2, f2, w2);
            Same(v2, v1, 0, $"n {n}");
            Same(f2, f1, $"n {n}");
            Same(w2, w1, 0, $"n {n}");
        }
    }

    [TestCaseSource(nameof(Fills))]
    public void RowWeightsFromSpectrum(Fill fill)
    {
        var rng = new Random(3700 + (int)fill);
        foreach (int ncorr in new[] { 1, 2, 4 })
        foreach (int nchan in new[] { 1, 3, 64 })
        {
            int nrow = 5, n = nrow * nchan * ncorr;
            var c = MakeCube(rng, n, fill);
            var spectrum = c.Weight.Length > 0 ? c.Weight : Enumerable.Repeat(1f, n).ToArray();
            var (w1, s1, w2, s2) = (new float[nrow * ncorr], new float[nrow * ncorr], new float[nrow * ncorr], new float[nrow * ncorr]);
            RowWeights.FromSpectrumScalar(spectrum, c.Flag, nrow, nchan, ncorr, w1, s1);
            RowWeights.FromSpectrum(spectrum, c.Flag, nrow, nchan, ncorr, w2, s2);
            Same(w2, w1, 0, $"weight ncorr {ncorr} nchan {nchan}");
            Same(s2, s1, 0, $"sigma ncorr {ncorr} nchan {nchan}");
            var (sig1, sig2) = (new float[n], new float[n]);
            for (int i = 0; i < n; i++) sig1[i] = RowWeights.SigmaOf(spectrum[i]);
            RowWeights.SigmaOf(spectrum, sig2);
            Same(sig2, sig1, 0, $"sigma spectrum ncorr {ncorr} nchan {nchan}");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LinearInterpolation(bool withNaN)
    {
        var rng = new Random(withNaN ? 4001 : 4000);
        foreach (int ncorr in new[] { 1, 2, 3, 4 })
        foreach (int nin in new[] { 1, 2, 3, 7, 64 })
        foreach (bool sorted in new[] { true, false })
        {
            var inFreq = new double[nin];
            for (int i = 0; i < nin; i++) inFreq[i] = (i == 0 ? 1e9 : inFreq[i - 1]) + 1e5 * (0.5 + rng.NextDouble());
            var c = MakeCube(rng, nin * ncorr, withNaN ? Fill.WithNaN : Fill.Random);
            // outputs spread over the band and 10% beyond it, plus every input frequency (exact hits)
            double lo = inFreq[0] - 1e5, hi = inFreq[^1] + 1e5;
            var outFreq = Enumerable.Range(0, 3 * nin + 5).Select(_ => lo + (hi - lo) * rng.NextDouble()).Concat(inFreq).ToArray();
            if (sorted) Array.Sort(outFreq);
            int n = outFreq.Length * ncorr;
            var (v1, f1) = (new ComplexF[n], new bool[n]);
            var (v2, f2) = (new ComplexF[n], new bool[n]);
            var stencil = new LinearStencil(inFreq, outFreq);
            Interpolation.LinearScalar(stencil, c.Vis, c.Flag, ncorr, v1, f1);
            Interpolation.LinearSimd(stencil, c.Vis, c.Flag, ncorr, v2, f2);
            string what = $"ncorr {ncorr} nin {nin} sorted {sorted}";
            Same(v2, v1, 0, what);
            Same(f2, f1, what);
            if (nin >= 7) Assert.That(f1.Any(f => !f) && f1.Any(f => f), Is.True, $"{what}: both flag states occur");
        }
    }

    [TestCaseSource(nameof(Fills))]
    public void SpwCombine(Fill fill)
    {
        var rng = new Random(5000 + (int)fill);
        foreach (int ncorr in new[] { 1, 2, 3, 4, 5 })
        foreach (int trial in Enumerable.Range(0, 4))
        {
            // three spws of 5..20 channels, widths 1 or 1.5, randomly placed so that some overlap partially
            var spws = Enumerable.Range(0, 3).Select(_ =>
            {
                int nchan = rng.Next(5, 21);
                double width = rng.Next(2) == 0 ? 1 : 1.5, start = 25 * rng.NextDouble();
                var freq = Enumerable.Range(0, nchan).Select(i => start + i * width).ToArray();
                if (rng.Next(2) == 0) Array.Reverse(freq);
                return (freq, freq.Select(_ => width).ToArray());
            }).ToList();
            var plan = Kernels.SpwCombine.Plan(spws);
            var c = MakeCube(rng, plan.InputChannels * ncorr, fill);
            int n = plan.ChanFreq.Length * ncorr;
            var (v1, f1, w1) = (new ComplexF[n], new bool[n], new float[n]);
            var (v2, f2, w2) = (new ComplexF[n], new bool[n], new float[n]);
            Kernels.SpwCombine.Scalar(plan, c.Vis, c.Flag, c.Weight, ncorr, v1, f1, w1);
            Kernels.SpwCombine.Simd(plan, c.Vis, c.Flag, c.Weight, ncorr, v2, f2, w2);
            string what = $"ncorr {ncorr} trial {trial}";
            Same(v2, v1, 0, what);
            Same(f2, f1, what);
            Same(w2, w1, 0, what);
        }
    }

    /// <summary>Calibration's complex multiply: bit-identical, for every length around the vector width, and against the exact product.</summary>
    [TestCaseSource(nameof(Fills))]
    public void ComplexMultiply(Fill fill)
    {
        var rng = new Random(6000 + (int)fill);
        foreach (int n in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 31, 64, 1027 })
        {
            var a = MakeCube(rng, n, fill).Vis;
            var b = MakeCube(rng, n, fill).Vis;
            var (scalar, simd) = (new ComplexF[n], new ComplexF[n]);
            Kernels.ComplexMultiply.Scalar(a, b, scalar);
            Kernels.ComplexMultiply.Simd(a, b, simd);
            Same(simd, scalar, 0, $"n {n}");
            for (int i = 0; i < n; i++)
            {
                if (float.IsNaN(a[i].Re) || float.IsNaN(b[i].Re)) continue;
                var exact = new System.Numerics.Complex(a[i].Re, a[i].Im) * new System.Numerics.Complex(b[i].Re, b[i].Im);
                Assert.That(scalar[i].Re, Is.EqualTo(exact.Real).Within(1e-6), $"n {n} element {i} real");
                Assert.That(scalar[i].Im, Is.EqualTo(exact.Imaginary).Within(1e-6), $"n {n} element {i} imaginary");
            }
        }
    }

    /// <summary>UVH5 ↔ MS conjugation: the sign bit of every imaginary part flipped, bit for bit in both paths (NaNs too).</summary>
    [TestCaseSource(nameof(Fills))]
    public void Conjugate(Fill fill)
    {
        var rng = new Random(7000 + (int)fill);
        foreach (int n in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 31, 64, 1027 })
        {
            var vis = MakeCube(rng, n, fill).Vis;
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<ComplexF, float>(vis).ToArray();
            var (scalar, simd) = ((float[])floats.Clone(), (float[])floats.Clone());
            Kernels.Conjugate.Scalar(scalar);
            Kernels.Conjugate.Simd(simd);
            Assert.That(simd.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(scalar.Select(BitConverter.SingleToInt32Bits)), $"n {n}");
            for (int i = 0; i < n; i++)
                Assert.That((BitConverter.SingleToInt32Bits(scalar[2 * i]), BitConverter.SingleToInt32Bits(scalar[2 * i + 1]) ^ int.MinValue),
                    Is.EqualTo((BitConverter.SingleToInt32Bits(vis[i].Re), BitConverter.SingleToInt32Bits(vis[i].Im))), $"n {n} element {i}");
        }
    }

    /// <summary>
    /// flagdata summary's count per correlation: the same counts in both paths, and the true ones, for cells shorter
    /// than a vector, with a tail, and longer than 255 vectors (the byte counters are emptied before they overflow).
    /// </summary>
    [TestCaseSource(nameof(Fills))]
    public void CellFlagCount(Fill fill)
    {
        var rng = new Random(8000 + (int)fill);
        foreach (int ncorr in new[] { 1, 2, 3, 4 })
        foreach (int nchan in new[] { 1, 7, 8, 64, 2049, 4100 })
        {
            var flag = MakeCube(rng, nchan * ncorr, fill).Flag;
            var expected = new long[ncorr];
            for (int i = 0; i < flag.Length; i++) if (flag[i]) expected[i % ncorr]++;
            var (scalar, simd) = (new long[ncorr], new long[ncorr]);
            Kernels.CellFlagCount.PerCorrelationScalar(flag, ncorr, scalar);
            Kernels.CellFlagCount.PerCorrelationSimd(flag, ncorr, simd);
            Assert.That(scalar, Is.EqualTo(expected), $"scalar, ncorr {ncorr} nchan {nchan}");
            Assert.That(simd, Is.EqualTo(expected), $"simd, ncorr {ncorr} nchan {nchan}");
        }
    }

    /// <summary>clip's ABS: bit for bit the same amplitudes in both paths (NaN in the same places), and |v| itself.</summary>
    [TestCaseSource(nameof(Fills))]
    public void Amplitude(Fill fill)
    {
        var rng = new Random(9000 + (int)fill);
        foreach (int n in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 31, 64, 1027 })
        {
            var vis = MakeCube(rng, n, fill).Vis;
            if (n > 2) vis[2] = new ComplexF(3e38f, 3e38f);   // |v| overflows float only after the root: finite in double
            var (scalar, simd) = (new float[n], new float[n]);
            Kernels.Amplitude.Scalar(vis, scalar);
            Kernels.Amplitude.Simd(vis, simd);
            Assert.That(simd.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(scalar.Select(BitConverter.SingleToInt32Bits)), $"n {n}");
            for (int i = 0; i < n; i++)
                if (!float.IsNaN(vis[i].Re))
                    Assert.That(scalar[i], Is.EqualTo((float)System.Numerics.Complex.Abs(new System.Numerics.Complex(vis[i].Re, vis[i].Im))).Within(1e-6).Percent, $"n {n} element {i}");
        }
    }

    /// <summary>
    /// clip's rule over a row: the same flags and count of new flags in both paths, for every mode, on values at the
    /// range's ends (a double end such as 0.1 that no float equals), NaN, ±Inf, ±0, subnormals and FLT_EPSILON.
    /// </summary>
    [TestCase(false, false)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void ClipRuleFlagAll(bool outside, bool zeros)
    {
        var rng = new Random(10_000 + (outside ? 2 : 0) + (zeros ? 1 : 0));
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -1e-39f,
            ClipRule.FltEpsilon, -ClipRule.FltEpsilon, 2 * ClipRule.FltEpsilon, 0.1f, 0.5f, 2f, -0.5f];
        foreach (var minMax in new double[]?[] { null, [0.1, 2], [-0.5, 0.5] })
        foreach (int n in new[] { 0, 1, 3, 4, 5, 9, 64, 1027 })
        {
            var values = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? special[rng.Next(special.Length)] : 3 * rng.NextSingle() - 1).ToArray();
            var before = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.2).ToArray();
            var rule = new ClipRule(minMax, outside, zeros);
            var (scalar, simd) = ((bool[])before.Clone(), (bool[])before.Clone());
            int addedScalar = rule.FlagAllScalar(values, scalar), addedSimd = rule.FlagAllSimd(values, simd);
            string what = $"range {(minMax is null ? "none" : string.Join(",", minMax))} n {n}";
            Same(simd, scalar, what);
            Assert.That(addedSimd, Is.EqualTo(addedScalar), what);
            Assert.That(addedScalar, Is.EqualTo(Enumerable.Range(0, n).Count(i => scalar[i] && !before[i])), what);
            for (int i = 0; i < n; i++)
                Assert.That(scalar[i], Is.EqualTo(before[i] || rule.Flags(values[i])), $"{what} value {values[i]}");
        }
    }
}
