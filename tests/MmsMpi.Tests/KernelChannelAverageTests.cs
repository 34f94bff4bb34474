using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Hand-computed expectations for ChannelAverage (fact sheet §5.1). Every case runs through Scalar, Simd and Run.
public class KernelChannelAverageTests
{
    private static readonly string[] Paths = ["Scalar", "Simd", "Run"];

    private static (ComplexF[] Vis, bool[] Flag, float[] Weight) Average(string path, ComplexF[] vis, bool[] flag, float[] weight,
                                                                         int nrow, int nchan, int ncorr, int chanbin, bool withWeight = true)
    {
        int n = nrow * ChannelAverage.OutputChannels(nchan, chanbin) * ncorr;
        var (ov, of, ow) = (new ComplexF[n], new bool[n], new float[withWeight ? n : 0]);
        switch (path)
        {
            case "Scalar": ChannelAverage.Scalar(vis, flag, weight, nrow, nchan, ncorr, chanbin, ov, of, ow); break;
            case "Simd": ChannelAverage.Simd(vis, flag, weight, nrow, nchan, ncorr, chanbin, ov, of, ow); break;
            default: ChannelAverage.Run(vis, flag, weight, nrow, nchan, ncorr, chanbin, ov, of, ow); break;
        }
        return (ov, of, ow);
    }

    private static ComplexF[] Real(params float[] re) => re.Select(r => new ComplexF(r, 0)).ToArray();

    [TestCaseSource(nameof(Paths))]
    public void BinWithOneFlaggedChannelAveragesOnlyTheUnflaggedOnes(string path)
    {
        // bin 0 = (1+1i, w1) and (3, w2, flagged) -> 1+1i, weight 1; bin 1 = (5, w3), (7, w1) -> 22/4
        var vis = new ComplexF[] { new(1, 1), new(3, 0), new(5, 0), new(7, 0) };
        var (ov, of, ow) = Average(path, vis, [false, true, false, false], [1, 2, 3, 1], 1, 4, 1, 2);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(1, 1), new(5.5f, 0) }));
        Assert.That(of, Is.EqualTo(new[] { false, false }));
        Assert.That(ow, Is.EqualTo(new[] { 1f, 4f }));
    }

    [TestCaseSource(nameof(Paths))]
    public void AllFlaggedBinAveragesEverythingAndStaysFlagged(string path)
    {
        var (ov, of, ow) = Average(path, Real(2, 6), [true, true], [1, 3], 1, 2, 1, 2);
        Assert.That(ov[0], Is.EqualTo(new ComplexF(5, 0)));   // (1*2 + 3*6) / 4
        Assert.That(of[0], Is.True);
        Assert.That(ow[0], Is.EqualTo(4f));
    }

    [TestCaseSource(nameof(Paths))]
    public void ZeroWeightSumGivesZeroFlaggedOutput(string path)
    {
        // bin 0: all weights 0; bin 1: the only unflagged input has weight 0 (the flagged one's weight 2 is ignored)
        var (ov, of, ow) = Average(path, Real(2, 6, 3, 9), [false, false, false, true], [0, 0, 0, 2], 1, 4, 1, 2);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { default, default }));
        Assert.That(of, Is.EqualTo(new[] { true, true }));
        Assert.That(ow, Is.EqualTo(new[] { 0f, 0f }));
    }

    [TestCaseSource(nameof(Paths))]
    public void CorrelationsAreAveragedSeparatelyAndThePartialBinIsDropped(string path)
    {
        // nchan 5, chanbin 2, ncorr 2, two rows: element (row, chan, corr) = 100 row + 10 chan + corr
        var vis = new ComplexF[2 * 5 * 2];
        for (int row = 0; row < 2; row++)
        for (int chan = 0; chan < 5; chan++)
        for (int corr = 0; corr < 2; corr++)
            vis[(row * 5 + chan) * 2 + corr] = new ComplexF(100 * row + 10 * chan + corr, -corr);
        var (ov, of, ow) = Average(path, vis, new bool[20], [], 2, 5, 2, 2);
        Assert.That(ov, Is.EqualTo(new ComplexF[]
        {
            new(5, 0), new(6, -1), new(25, 0), new(26, -1),
            new(105, 0), new(106, -1), new(125, 0), new(126, -1),
        }));
        Assert.That(of, Has.All.False);
        Assert.That(ow, Has.All.EqualTo(2f), "unit weights sum to chanbin");
    }

    [TestCaseSource(nameof(Paths))]
    public void EmptyOutputWeightSpanWritesNoWeights(string path)
    {
        var (ov, of, ow) = Average(path, Real(1, 3, 5), [false, false, false], [], 1, 3, 1, 3, withWeight: false);
        Assert.That(ov[0], Is.EqualTo(new ComplexF(3, 0)));
        Assert.That(of[0], Is.False);
        Assert.That(ow, Is.Empty);
    }

    [Test]
    public void OutputChannelsDropThePartialBin()
    {
        Assert.That(ChannelAverage.OutputChannels(5, 2), Is.EqualTo(2));
        Assert.That(ChannelAverage.OutputChannels(8, 4), Is.EqualTo(2));
        Assert.That(ChannelAverage.OutputChannels(3, 4), Is.EqualTo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelAverage.OutputChannels(8, 0));
    }

    [Test]
    public void ShortOutputSpanIsRejected() =>
        Assert.Throws<ArgumentException>(() =>
            ChannelAverage.Simd(new ComplexF[8], new bool[8], [], 1, 8, 1, 2, new ComplexF[3], new bool[4], []));

    [Test]
    public void FrequenciesOfAscendingSpw()
    {
        var spw = ChannelAverage.Frequencies([100, 101, 102, 103, 104], [1, 1, 1, 1, 1], [1.5, 1.5, 1.5, 1.5, 1.5], 2);
        Assert.That(spw.ChanFreq, Is.EqualTo(new[] { 100.5, 102.5 }));
        Assert.That(spw.ChanWidth, Is.EqualTo(new[] { 2.0, 2.0 }));        // |101-100| + |1+1|/2
        Assert.That(spw.Resolution, Is.EqualTo(new[] { 2.5, 2.5 }));       // 1.5 + |101-100|
        Assert.That(spw.EffectiveBw, Is.EqualTo(spw.Resolution));          // CASA quirk
        Assert.That(spw.TotalBandwidth, Is.EqualTo(4.0), "the dropped fifth channel does not count");
        Assert.That(spw.RefFrequency, Is.EqualTo(100.5));
    }

    [Test]
    public void FrequenciesOfDescendingSpwHaveNegativeWidthsAndTheLowestRefFrequency()
    {
        var spw = ChannelAverage.Frequencies([104, 103, 102, 101], [-1, -1, -1, -1], [1, 1, 1, 1], 2);
        Assert.That(spw.ChanFreq, Is.EqualTo(new[] { 103.5, 101.5 }));
        Assert.That(spw.ChanWidth, Is.EqualTo(new[] { -2.0, -2.0 }));
        Assert.That(spw.TotalBandwidth, Is.EqualTo(4.0));
        Assert.That(spw.RefFrequency, Is.EqualTo(101.5));
    }

    [Test]
    public void FrequenciesWithoutAWholeBinFail()
    {
        var ex = Assert.Throws<ArgumentException>(() => ChannelAverage.Frequencies([1, 2, 3], [1, 1, 1], [1, 1, 1], 4));
        Assert.That(ex!.Message, Does.StartWith("Channel selection does not allow to produce any output channel"));
    }
}
