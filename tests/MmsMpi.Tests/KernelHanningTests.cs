using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Hand-computed expectations for Hanning smoothing (fact sheet §5.3), through Scalar, Simd and Run.
public class KernelHanningTests
{
    private static readonly string[] Paths = ["Scalar", "Simd", "Run"];

    private static (ComplexF[] Vis, bool[] Flag, float[] Weight) Smooth(string path, ComplexF[] vis, bool[] flag, float[] weight,
                                                                        int nrow, int nchan, int ncorr, bool withWeight = true)
    {
        int n = nrow * nchan * ncorr;
        var (ov, of, ow) = (new ComplexF[n], new bool[n], new float[withWeight ? n : 0]);
        switch (path)
        {
            case "Scalar": Hanning.Scalar(vis, flag, weight, nrow, nchan, ncorr, ov, of, ow); break;
            case "Simd": Hanning.Simd(vis, flag, weight, nrow, nchan, ncorr, ov, of, ow); break;
            default: Hanning.Run(vis, flag, weight, nrow, nchan, ncorr, ov, of, ow); break;
        }
        return (ov, of, ow);
    }

    [TestCaseSource(nameof(Paths))]
    public void InteriorIsSmoothedEdgesCopiedAndFlagged(string path)
    {
        var vis = new ComplexF[] { new(0, 8), new(4, 0), new(8, 0), new(4, 0), new(0, 4) };
        var (ov, of, _) = Smooth(path, vis, [false, false, false, true, false], [], 1, 5, 1);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(0, 8), new(4, 2), new(6, 0), new(4, 1), new(0, 4) }));
        // chan 3 flagged -> outputs 2, 3 (and 4, an edge) flagged; edges always flagged
        Assert.That(of, Is.EqualTo(new[] { true, false, true, true, true }));
    }

    [TestCaseSource(nameof(Paths))]
    public void EqualWeightsBecomeEightThirds(string path)
    {
        var (_, of, ow) = Smooth(path, new ComplexF[6], new bool[6], [3, 3, 3, 3, 3, 3], 1, 6, 1);
        Assert.That(ow, Is.EqualTo(new[] { 3f, 8f, 8f, 8f, 8f, 3f }).Within(1e-5f));   // 3 / 0.375
        Assert.That(of, Is.EqualTo(new[] { true, false, false, false, false, true }));
    }

    [TestCaseSource(nameof(Paths))]
    public void ZeroWeightIsSkippedAndFlagsItsNeighbours(string path)
    {
        var (_, of, ow) = Smooth(path, new ComplexF[6], new bool[6], [1, 1, 0, 1, 1, 1], 1, 6, 1);
        // chan 1: 1/(1/16 + 1/4) = 3.2; chan 2: 1/(1/16 + 1/16) = 8; chan 3: 3.2; chan 4: 8/3
        Assert.That(ow, Is.EqualTo(new[] { 1f, 3.2f, 8f, 3.2f, 8f / 3, 1f }).Within(1e-5f));
        Assert.That(of, Is.EqualTo(new[] { true, true, true, true, false, true }));
    }

    [TestCaseSource(nameof(Paths))]
    public void CorrelationsAreSmoothedSeparately(string path)
    {
        // ncorr 2, two rows; corr 0 = channel index, corr 1 = 0,0,4,0 (a spike)
        var vis = new ComplexF[16];
        for (int row = 0; row < 2; row++)
        for (int chan = 0; chan < 4; chan++)
        {
            vis[(row * 4 + chan) * 2] = new ComplexF(chan + 10 * row, 0);
            vis[(row * 4 + chan) * 2 + 1] = new ComplexF(chan == 2 ? 4 : 0, 0);
        }
        var (ov, _, _) = Smooth(path, vis, new bool[16], [], 2, 4, 2, withWeight: false);
        Assert.That(ov.Select(v => v.Re), Is.EqualTo(new float[] { 0, 0, 1, 1, 2, 2, 3, 0, 10, 0, 11, 1, 12, 2, 13, 0 }));
    }

    [TestCaseSource(nameof(Paths))]
    public void TwoChannelsAreCopiedAndFlagged(string path)
    {
        var vis = new ComplexF[] { new(1, 2), new(3, 4) };
        var (ov, of, ow) = Smooth(path, vis, [false, false], [5, 6], 1, 2, 1);
        Assert.That(ov, Is.EqualTo(vis));
        Assert.That(of, Is.EqualTo(new[] { true, true }));
        Assert.That(ow, Is.EqualTo(new[] { 5f, 6f }));
    }

    [TestCaseSource(nameof(Paths))]
    public void UnitWeightsWhenNoWeightsAreGiven(string path)
    {
        var (_, _, ow) = Smooth(path, new ComplexF[4], new bool[4], [], 1, 4, 1);
        Assert.That(ow, Is.EqualTo(new[] { 1f, 8f / 3, 8f / 3, 1f }).Within(1e-6f));
    }
}
