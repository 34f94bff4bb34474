using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Hand-computed expectations for the regridding interpolation (fact sheet §5.4, casacore InterpolateArray1D rules).
public class KernelInterpolationTests
{
    private static readonly double[] InFreq = [1, 2, 3, 4];

    private static (ComplexF[] Vis, bool[] Flag) Interpolate(Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> method,
                                                             double[] inFreq, ComplexF[] vis, bool[] flag, int ncorr, double[] outFreq)
    {
        var (ov, of) = (new ComplexF[outFreq.Length * ncorr], new bool[outFreq.Length * ncorr]);
        method(inFreq, vis, flag, ncorr, outFreq, ov, of);
        return (ov, of);
    }

    private static Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> Via(InterpolationMethod method) =>
        (a, b, c, d, e, f, g) => Interpolation.Run(method, a, b, c, d, e, f, g);

    private static readonly Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]>[] LinearPaths =
    [
        (a, b, c, d, e, f, g) => Interpolation.LinearScalar(new LinearStencil(a, e), b, c, d, f, g),
        (a, b, c, d, e, f, g) => Interpolation.LinearSimd(new LinearStencil(a, e), b, c, d, f, g),
        Via(InterpolationMethod.Linear),
    ];

    private static IEnumerable<TestCaseData> Linears() =>
        LinearPaths.Select((p, i) => new TestCaseData(p).SetArgDisplayNames(new[] { "Scalar", "Simd", "Run" }[i]));

    [TestCaseSource(nameof(Linears))]
    public void LinearAtMidpointsAndFlagsOfBothNeighbours(Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> linear)
    {
        var vis = new ComplexF[] { new(0, 0), new(10, 0), new(20, 2), new(40, 0) };
        var (ov, of) = Interpolate(linear, InFreq, vis, [false, true, false, false], 1, [1.5, 2.5, 3.75]);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(5, 0), new(15, 1), new(35, 0.5f) }));
        Assert.That(of, Is.EqualTo(new[] { true, true, false }), "channel 2 (flagged) feeds the first two outputs");
    }

    [TestCaseSource(nameof(Linears))]
    public void ExactHitUsesOnlyThatChannel(Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> linear)
    {
        // x = 3 brackets (2, 3) with frac 1: casacore takes channel 3 alone, so flagged channel 2 does not matter
        var vis = new ComplexF[] { new(0, 0), new(float.NaN, 0), new(20, 2), new(40, 0) };
        var (ov, of) = Interpolate(linear, InFreq, vis, [false, true, false, false], 1, [3, 1]);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(20, 2), new(0, 0) }));
        Assert.That(of, Is.EqualTo(new[] { false, false }), "x = inFreq[0] is not an extrapolation");
    }

    [TestCaseSource(nameof(Linears))]
    public void ExtrapolationIsFlaggedWithTheEdgeValue(Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> linear)
    {
        var vis = new ComplexF[] { new(1, 0), new(2, 0), new(3, 0), new(4, 0), new(5, 0), new(6, 0), new(7, 0), new(8, 0) };
        var (ov, of) = Interpolate(linear, InFreq, vis, new bool[8], 2, [0.5, 4.5, 2.5]);   // ncorr 2
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(1, 0), new(2, 0), new(7, 0), new(8, 0), new(4, 0), new(5, 0) }));
        Assert.That(of, Is.EqualTo(new[] { true, true, true, true, false, false }));
    }

    [TestCaseSource(nameof(Linears))]
    public void OneInputChannelGivesConstantFlaggedOutput(Action<double[], ComplexF[], bool[], int, double[], ComplexF[], bool[]> linear)
    {
        var (ov, of) = Interpolate(linear, [5], [new(3, 4)], [false], 1, [4, 5, 6]);
        Assert.That(ov, Has.All.EqualTo(new ComplexF(3, 4)));
        Assert.That(of, Has.All.True);
    }

    [Test]
    public void NearestTakesTheCloserChannelAndTheLowerOneOnATie()
    {
        var vis = new ComplexF[] { new(10, 0), new(20, 0), new(30, 0), new(40, 0) };
        var (ov, of) = Interpolate(Via(InterpolationMethod.Nearest), InFreq, vis, [false, false, true, false], 1, [1.4, 1.5, 1.6, 2.6, 4.2]);
        Assert.That(ov.Select(v => v.Re), Is.EqualTo(new float[] { 10, 10, 20, 30, 40 }));
        Assert.That(of, Is.EqualTo(new[] { false, false, false, true, true }));
    }

    [Test]
    public void CubicReproducesACubicPolynomial()
    {
        // y = x^3 - 2x + 1 (Re) and y = -x^2 (Im) on x = 0..5: exact through any four points
        double[] x = [0, 1, 2, 3, 4, 5];
        var vis = x.Select(v => new ComplexF((float)(v * v * v - 2 * v + 1), (float)(-v * v))).ToArray();
        var flag = new bool[6];
        flag[4] = true;
        var (ov, of) = Interpolate(Via(InterpolationMethod.Cubic), x, vis, flag, 1, [0.3, 2.5, 4.75]);
        Assert.That(ov.Select(v => v.Re), Is.EqualTo(new[] { 0.427f, 11.625f, 98.671875f }).Within(1e-4f));
        Assert.That(ov.Select(v => v.Im), Is.EqualTo(new[] { -0.09f, -6.25f, -22.5625f }).Within(1e-4f));
        Assert.That(of, Is.EqualTo(new[] { false, false, true }), "flag of either bracketing channel (4, 5)");
    }

    [Test]
    public void SplineSolvesTheNaturalSplineSystem()
    {
        // knots (0,0) (1,1) (2,0) (3,1): second derivatives M1 = -4, M2 = 4 (4 M1 + M2 = -12, M1 + 4 M2 = 12).
        // At 0.5: 0.5 + (1/6)(1/8 - 1/2)(-4) = 0.75; at 1.5: 0.5 + (1/6)(-3/8)(-4 + 4) = 0.5.
        // casacore's back-substitution stops before channel 1 and would give 0.6875 at 0.5.
        var vis = new ComplexF[] { new(0, 1), new(1, 4), new(0, 7), new(1, 10) };   // Im linear: reproduced exactly
        var (ov, of) = Interpolate(Via(InterpolationMethod.Spline), [0, 1, 2, 3], vis, [false, false, false, true], 1, [0.5, 1.5, 2.5, 3]);
        Assert.That(ov.Select(v => v.Re), Is.EqualTo(new[] { 0.75f, 0.5f, 0.25f, 1f }).Within(1e-6f));
        Assert.That(ov.Select(v => v.Im), Is.EqualTo(new[] { 2.5f, 5.5f, 8.5f, 10f }).Within(1e-5f));
        Assert.That(of, Is.EqualTo(new[] { false, false, true, true }));
    }

    [TestCase(InterpolationMethod.Cubic)]
    [TestCase(InterpolationMethod.Spline)]
    [TestCase(InterpolationMethod.Nearest)]
    public void EveryMethodFlagsExtrapolation(InterpolationMethod method)
    {
        var vis = new ComplexF[] { new(1, 0), new(2, 0), new(3, 0), new(4, 0) };
        var (ov, of) = (new ComplexF[3], new bool[3]);
        Interpolation.Run(method, InFreq, vis, new bool[4], 1, [0.9, 2.2, 4.1], ov, of);
        Assert.That(of, Is.EqualTo(new[] { true, false, true }));
    }
}
