using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Hand-computed expectations for spw combination (fact sheet §5.5): the grid builder and the data kernel.
public class KernelSpwCombineTests
{
    private static readonly string[] Paths = ["Scalar", "Simd", "Run"];

    private static (ComplexF[] Vis, bool[] Flag, float[] Weight) Combine(string path, CombinePlan plan, ComplexF[] vis, bool[] flag,
                                                                         float[] weight, int ncorr)
    {
        int n = plan.ChanFreq.Length * ncorr;
        var (ov, of, ow) = (new ComplexF[n], new bool[n], new float[n]);
        switch (path)
        {
            case "Scalar": SpwCombine.Scalar(plan, vis, flag, weight, ncorr, ov, of, ow); break;
            case "Simd": SpwCombine.Simd(plan, vis, flag, weight, ncorr, ov, of, ow); break;
            default: SpwCombine.Run(plan, vis, flag, weight, ncorr, ov, of, ow); break;
        }
        return (ov, of, ow);
    }

    private static (double[], double[]) Spw(double width, params double[] freq) => (freq, freq.Select(_ => width).ToArray());

    [Test]
    public void AdjacentSpwsAreAppendedInFrequencyOrder()
    {
        // slot 0 is the upper spw: the grid starts with slot 1
        var plan = SpwCombine.Plan([Spw(1, 3, 4), Spw(1, 1, 2)]);
        Assert.That(plan.ChanFreq, Is.EqualTo(new double[] { 1, 2, 3, 4 }));
        Assert.That(plan.ChanWidth, Is.EqualTo(new double[] { 1, 1, 1, 1 }));
        Assert.That(plan.Contributions.Select(c => c.Single()),
                    Is.EqualTo(new Contribution[] { new(1, 0, 1), new(1, 1, 1), new(0, 0, 1), new(0, 1, 1) }));
        Assert.That(plan.SlotChannels, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(plan.SlotOffset(1), Is.EqualTo(2));
    }

    [Test]
    public void DescendingSpwIsTakenInAscendingOrder()
    {
        var plan = SpwCombine.Plan([Spw(-1, 4, 3)]);
        Assert.That(plan.ChanFreq, Is.EqualTo(new double[] { 3, 4 }));
        Assert.That(plan.Contributions.Select(c => c.Single().Chan), Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void ChannelAlignedOverlapContributesWholeChannels()
    {
        // A: 0.5..3.5, B: 2.5..5.5 (width 1): combined 0.5..5.5; channels 2.5 and 3.5 have both spws
        var plan = SpwCombine.Plan([Spw(1, 0.5, 1.5, 2.5, 3.5), Spw(1, 2.5, 3.5, 4.5, 5.5)]);
        Assert.That(plan.ChanFreq, Is.EqualTo(new[] { 0.5, 1.5, 2.5, 3.5, 4.5, 5.5 }));
        Assert.That(plan.Contributions[2], Is.EqualTo(new Contribution[] { new(0, 2, 1), new(1, 0, 1) }));
        Assert.That(plan.Contributions[3], Is.EqualTo(new Contribution[] { new(0, 3, 1), new(1, 1, 1) }));
        Assert.That(plan.Contributions[4], Is.EqualTo(new Contribution[] { new(1, 2, 1) }));
    }

    [Test]
    public void HalfChannelOverlapSplitsFractionsAndAddsANarrowEdgeChannel()
    {
        // A: edges 0..4, B: edges 2.5..6.5. B0 covers halves of [2,3] and [3,4]; B1 half of [3,4] and the new [4,4.5]
        var plan = SpwCombine.Plan([Spw(1, 0.5, 1.5, 2.5, 3.5), Spw(1, 3, 4, 5, 6)]);
        Assert.That(plan.ChanFreq, Is.EqualTo(new[] { 0.5, 1.5, 2.5, 3.5, 4.25, 5, 6 }));
        Assert.That(plan.ChanWidth, Is.EqualTo(new[] { 1, 1, 1, 1, 0.5, 1, 1 }));
        Assert.That(plan.Contributions[2], Is.EqualTo(new Contribution[] { new(0, 2, 1), new(1, 0, 0.5) }));
        Assert.That(plan.Contributions[3], Is.EqualTo(new Contribution[] { new(0, 3, 1), new(1, 0, 0.5), new(1, 1, 0.5) }));
        Assert.That(plan.Contributions[4], Is.EqualTo(new Contribution[] { new(1, 1, 0.5) }));
        Assert.That(plan.Contributions[5], Is.EqualTo(new Contribution[] { new(1, 2, 1) }));
    }

    [TestCaseSource(nameof(Paths))]
    public void OverlapIsTheFractionAndWeightWeightedMean(string path)
    {
        var plan = SpwCombine.Plan([Spw(1, 0.5, 1.5, 2.5, 3.5), Spw(1, 3, 4, 5, 6)]);
        // input row: slot 0 channels 0..3 then slot 1 channels 0..3; ncorr 1
        var vis = new ComplexF[] { new(1, 0), new(1, 0), new(2, 0), new(8, 0), new(4, 0), new(6, 2), new(9, 0), new(9, 0) };
        float[] weight = [1, 1, 1, 2, 3, 1, 1, 1];
        var (ov, of, ow) = Combine(path, plan, vis, new bool[8], weight, 1);
        // out 2: (1*1*2 + 0.5*3*4) / (1 + 1.5) = 8 / 2.5 = 3.2, weight 2.5 / 1.5
        Assert.That(ov[2].Re, Is.EqualTo(3.2f).Within(1e-6f));
        Assert.That(ow[2], Is.EqualTo(2.5f / 1.5f).Within(1e-6f));
        // out 3: (2*8 + 0.5*1*6 + 0.5*3*4) / (2 + 0.5 + 1.5) = 25 / 4, Im 0.5*2 / 4
        Assert.That(ov[3], Is.EqualTo(new ComplexF(6.25f, 0.25f)));
        Assert.That(ow[3], Is.EqualTo(2f));
        // out 4: only half of B1: value kept, flagged
        Assert.That(ov[4], Is.EqualTo(new ComplexF(6, 2)));
        Assert.That(of, Is.EqualTo(new[] { false, false, false, false, true, false, false }));
    }

    [TestCaseSource(nameof(Paths))]
    public void FlaggedContributionsAreLeftOut(string path)
    {
        var plan = SpwCombine.Plan([Spw(1, 0.5, 1.5, 2.5, 3.5), Spw(1, 3, 4, 5, 6)]);
        var vis = Enumerable.Range(1, 8).Select(i => new ComplexF(i, 0)).ToArray();
        //            A0     A1    A2     A3    B0     B1    B2    B3
        bool[] flag = [true, false, true, false, false, true, true, false];
        var (ov, of, ow) = Combine(path, plan, vis, flag, [], 1);
        Assert.That(ov[0], Is.EqualTo(default(ComplexF)), "no unflagged contribution");
        Assert.That(of[0], Is.True);
        Assert.That(ow[0], Is.EqualTo(0f));
        Assert.That(ov[2], Is.EqualTo(new ComplexF(5, 0)), "only B0 (half) is left");
        Assert.That(of[2], Is.True, "a half channel is not a whole one");
        Assert.That(ow[2], Is.EqualTo(1f));
        Assert.That(ov[3].Re, Is.EqualTo((4 + 0.5f * 5) / 1.5f).Within(1e-6f), "A3 and half of B0; B1 flagged");
        Assert.That(of[3], Is.False);
        Assert.That(of[5], Is.True, "B2 flagged");
    }

    [TestCaseSource(nameof(Paths))]
    public void CorrelationsAreCombinedSeparately(string path)
    {
        // ncorr 3 (a partial vector): two adjacent spws of one channel each, one correlation flagged in the first
        var plan = SpwCombine.Plan([Spw(1, 1), Spw(1, 2)]);
        var vis = new ComplexF[] { new(1, 0), new(2, 0), new(3, 0), new(4, 0), new(5, 0), new(6, 0) };
        var (ov, of, ow) = Combine(path, plan, vis, [false, true, false, false, false, false], [1, 2, 3, 4, 5, 6], 3);
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(1, 0), default, new(3, 0), new(4, 0), new(5, 0), new(6, 0) }));
        Assert.That(of, Is.EqualTo(new[] { false, true, false, false, false, false }));
        Assert.That(ow, Is.EqualTo(new[] { 1f, 0f, 3f, 4f, 5f, 6f }));
    }

    [Test]
    public void PlanWithABadContributionIsRejected() =>
        Assert.Throws<ArgumentException>(() => new CombinePlan([1], [1], [[new Contribution(0, 2, 1)]], [2]));
}
