using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

public class KernelFftShiftTests
{
    /// <summary>A periodic tone moved by a fraction of a channel comes out as the same tone at the shifted frequencies.</summary>
    [TestCase(0.3)]
    [TestCase(-0.45)]
    public void ShiftsAPeriodicToneBySubChannels(double shiftChannels)
    {
        const int n = 32, cycles = 3;
        var inFreq = Enumerable.Range(0, n).Select(j => 1e9 + j * 1e6).ToArray();
        var outFreq = inFreq.Select(f => f + shiftChannels * 1e6).ToArray();
        ComplexF Tone(double j) => new((float)Math.Cos(2 * Math.PI * cycles * j / n), (float)Math.Sin(2 * Math.PI * cycles * j / n));
        var vis = Enumerable.Range(0, n).Select(j => Tone(j)).ToArray();
        var outVis = new ComplexF[n];
        var outFlag = new bool[n];
        FftShift.Run(inFreq, vis, new bool[n], 1, outFreq, outVis, outFlag);
        for (int j = 2; j < n - 2; j++)
        {
            var expect = Tone(j + shiftChannels);
            Assert.That(outVis[j].Re, Is.EqualTo(expect.Re).Within(2e-4), $"channel {j}");
            Assert.That(outVis[j].Im, Is.EqualTo(expect.Im).Within(2e-4), $"channel {j}");
        }
        // Beyond the input band the output is extrapolated: flagged.
        Assert.That(shiftChannels > 0 ? outFlag[^1] : outFlag[0], Is.True);
        Assert.That(outFlag[n / 2], Is.False);
    }

    [Test]
    public void ZeroShiftGivesTheInputBack()
    {
        var freq = Enumerable.Range(0, 16).Select(j => 2e9 + j * 5e5).ToArray();
        var rnd = new Random(3);
        var vis = Enumerable.Range(0, 32).Select(_ => new ComplexF((float)rnd.NextDouble(), (float)rnd.NextDouble())).ToArray();
        var outVis = new ComplexF[32];
        FftShift.Run(freq, vis, new bool[32], 2, freq, outVis, new bool[32]);
        for (int i = 0; i < 32; i++) Assert.That(outVis[i].Re, Is.EqualTo(vis[i].Re).Within(1e-5));
    }
}
