using MmsMpi.Heuristics;
using NUnit.Framework;

namespace MmsMpi.Tests;

// RegridGrid against hand-computed grids. Expected values are worked out by hand from CASA's
// MSTransformRegridder rules (/work/shared/reference/casa-mms-behaviour.md §5.4), never by calling the code under
// test. Input "A": 10 channels of 1 MHz centred at 1000, 1001, ..., 1009 MHz (edges 999.5 .. 1009.5 MHz).
public class RegridGridTests
{
    private const double MHz = 1e6;
    private const double Tol = 1e-3; // Hz

    private static double[] Freqs(int n, double firstMHz, double stepMHz) =>
        Enumerable.Range(0, n).Select(i => (firstMHz + i * stepMHz) * MHz).ToArray();

    private static readonly double[] AFreq = Freqs(10, 1000, 1);
    private static readonly double[] AWidth = Enumerable.Repeat(1 * MHz, 10).ToArray();

    private static RegridResult BuildA(RegridRequest r) => RegridGrid.Build(AFreq, AWidth, r);

    private static void AssertGrid(RegridResult g, double[] centresMHz, double widthMHz)
    {
        Assert.That(g.Freq.Length, Is.EqualTo(centresMHz.Length), $"centres: {string.Join(", ", g.Freq.Select(f => f / MHz))}");
        for (int i = 0; i < centresMHz.Length; i++)
        {
            Assert.That(g.Freq[i], Is.EqualTo(centresMHz[i] * MHz).Within(Tol), $"centre {i}");
            Assert.That(g.Width[i], Is.EqualTo(widthMHz * MHz).Within(Tol), $"width {i}");
        }
    }

    // start=2 → lower edge of channel 2 = 1001.5; width 2 ch = 2 MHz; bandwidth to the upper edge 1009.5 = 8 MHz
    // = 4 widths (even) → the centre 1005.5 is a channel edge: [1001.5,1003.5] .. [1007.5,1009.5].
    [Test]
    public void ChannelModeStartTwoWidthTwo() =>
        AssertGrid(BuildA(new("channel", -1, "2", "2")), [1002.5, 1004.5, 1006.5, 1008.5], 2);

    // start=0, width=3: 10 MHz floor'ed to 3 widths = 9 MHz, centre 1004 (odd → centred): last input channel dropped.
    [Test]
    public void ChannelModeWidthThreeKeepsWholeWidths() =>
        AssertGrid(BuildA(new("channel", -1, "0", "3")), [1001, 1004, 1007], 3);

    // nchan=3 from channel 1 (lower edge 1000.5), width 2 → 6 MHz, centre 1003.5, odd → centred channel.
    [Test]
    public void ChannelModeWithNChan() =>
        AssertGrid(BuildA(new("channel", 3, "1", "2")), [1001.5, 1003.5, 1005.5], 2);

    // width 20 channels exceeds the 10 MHz band: a single channel covering it.
    [Test]
    public void ChannelWidthLargerThanBandGivesOneChannel() =>
        AssertGrid(BuildA(new("channel", -1, "0", "20")), [1004.5], 10);

    // Defaults ('' start and width) keep the input grid.
    [Test]
    public void ChannelModeDefaultsKeepTheInputGrid()
    {
        var g = BuildA(new("channel"));
        AssertGrid(g, AFreq.Select(f => f / MHz).ToArray(), 1);
        Assert.That(g.WeightScale, Is.EqualTo(1).Within(1e-12));
    }

    // start 1002 MHz is the first channel's centre → lower edge 1001; bandwidth to 1009.5 = 8.5 → 4 widths = 8 MHz.
    [Test]
    public void FrequencyModeStartIsCentreOfFirstChannel()
    {
        var g = BuildA(new("frequency", -1, "1002MHz", "2MHz"));
        AssertGrid(g, [1002, 1004, 1006, 1008], 2);
        Assert.That(g.WeightScale, Is.EqualTo(2).Within(1e-12));
    }

    // Negative width: start is the centre of the highest-frequency channel → upper edge 1009; nchan 3 → 6 MHz
    // down to 1003, centre 1006; the output stays in ascending order like the input.
    [Test]
    public void FrequencyModeNegativeWidthCountsDownFromStart() =>
        AssertGrid(BuildA(new("frequency", 3, "1.008GHz", "-2000kHz")), [1004, 1006, 1008], 2);

    // No start, width 3 MHz: 10 MHz → 3 widths from the lower band edge.
    [Test]
    public void FrequencyModeNoStartStartsAtLowerEdge() =>
        AssertGrid(BuildA(new("frequency", -1, "", "3MHz")), [1001, 1004, 1007], 3);

    // nchan=-1 floors the bandwidth with a 1% tolerance: (10 + 0.0334)/3.34 = 3.004 → 3 channels (10.02 MHz);
    // (10 + 0.0335)/3.35 = 2.995 → 2 channels (6.7 MHz, even → the centre 1002.85 is an edge).
    [Test]
    public void NChanMinusOneKeepsBandwidthWithOnePercentTolerance()
    {
        AssertGrid(BuildA(new("frequency", -1, "", "3.34MHz")), [1001.17, 1004.51, 1007.85], 3.34);
        AssertGrid(BuildA(new("frequency", -1, "", "3.35MHz")), [1001.175, 1004.525], 3.35);
    }

    [Test]
    public void FrequencyModeDefaultsMapZeroAndOneToDefaults() =>
        AssertGrid(BuildA(new("frequency", -1, "0", "1")), AFreq.Select(f => f / MHz).ToArray(), 1);

    [Test]
    public void WidthLargerThanBandwidthGivesOneChannel() =>
        AssertGrid(BuildA(new("frequency", -1, "", "50MHz")), [1004.5], 10);

    // With nchan given, CASA keeps nchan·width even beyond the input band (those channels are extrapolated).
    [Test]
    public void NChanBeyondTheBandIsKept() =>
        AssertGrid(BuildA(new("frequency", 2, "", "50MHz")), [1024.5, 1074.5], 50);

    // Radio velocity, restfreq 1 GHz: 2 MHz = c·0.002 = 599.584916 km/s; start vrad(1008 MHz) = −c·0.008.
    // Positive velocity width → start is the highest frequency: upper edge 1009, 8 MHz down to 1001.
    [Test]
    public void RadioVelocityMode()
    {
        var g = BuildA(new("velocity", -1, "-2398.339664km/s", "599.584916km/s", "1GHz", "radio"));
        AssertGrid(g, [1002, 1004, 1006, 1008], 2);
        for (int i = 0; i < g.Freq.Length; i++)
        {
            double dv = Doppler.RadioVelocity(g.Freq[i] - g.Width[i] / 2, 1e9) - Doppler.RadioVelocity(g.Freq[i] + g.Width[i] / 2, 1e9);
            Assert.That(dv, Is.EqualTo(599584.916).Within(1e-3));
        }
    }

    // Same grid with the negative velocity width and the start at the lowest frequency (vrad(1002 MHz)).
    [Test]
    public void RadioVelocityNegativeWidthStartsAtLowestFrequency() =>
        AssertGrid(BuildA(new("velocity", 4, "-599.584916km/s", "-599584.916m/s", "1000MHz")), [1002, 1004, 1006, 1008], 2);

    // Optical velocity: channels are equidistant in c(f0/f − 1) and contiguous. As in CASA the velocity step is
    // re-derived from the central channel, whose Hz width is twice its upper half (exactly 300 km/s); the lower
    // half is 300·(1 + 2δf/f) km/s with δf ≈ 1 MHz, f ≈ 1006 MHz, so the step is ≈ 600.6 km/s, not 600.
    [Test]
    public void OpticalVelocityChannelsAreEquidistantInOpticalVelocity()
    {
        double f0 = 1e9, start = Doppler.OpticalVelocity(1008 * MHz, f0);
        var g = BuildA(new("velocity", 3, $"{start}m/s", "600km/s", "1GHz", "optical"));
        Assert.That(g.Freq.Length, Is.EqualTo(3));
        var dv = new double[3];
        for (int i = 0; i < 3; i++)
        {
            dv[i] = Doppler.OpticalVelocity(g.Freq[i] - g.Width[i] / 2, f0) - Doppler.OpticalVelocity(g.Freq[i] + g.Width[i] / 2, f0);
            Assert.That(dv[i], Is.EqualTo(600.6e3).Within(0.1e3), $"channel {i} optical width");
            if (i > 0) Assert.That(g.Freq[i] - g.Width[i] / 2, Is.EqualTo(g.Freq[i - 1] + g.Width[i - 1] / 2).Within(Tol), "contiguous");
        }
        Assert.That(dv[0], Is.EqualTo(dv[2]).Within(1e-6));
        Assert.That(g.Freq[1], Is.LessThan(g.Freq[2]));
        // The highest-frequency channel starts (in velocity) at start − width/2 (its upper frequency edge).
        double upper = g.Freq[2] + g.Width[2] / 2;
        Assert.That(Doppler.OpticalVelocity(upper, f0), Is.EqualTo(start - 300e3).Within(1e3));
        // Equal steps in c(f0/f − 1) are wider in Hz at higher frequency (df = dv·f²/(c·f0)).
        Assert.That(g.Width[2], Is.GreaterThan(g.Width[0]));
    }

    // Descending input (1009 .. 1000 MHz): reversed, processed, reversed back. start=2 is input channel 2
    // (1007 MHz); the first output channel merges input channels 2 and 3 (1007, 1006).
    [Test]
    public void DescendingChannelMode()
    {
        var freq = Freqs(10, 1009, -1);
        var width = Enumerable.Repeat(-1 * MHz, 10).ToArray(); // negative widths as some MSs store them
        var g = RegridGrid.Build(freq, width, new("channel", -1, "2", "2"));
        AssertGrid(g, [1006.5, 1004.5, 1002.5, 1000.5], 2);
    }

    [Test]
    public void DescendingFrequencyModeNegativeWidth()
    {
        var g = RegridGrid.Build(Freqs(10, 1009, -1), AWidth, new("frequency", -1, "1008MHz", "-2MHz"));
        AssertGrid(g, [1008, 1006, 1004, 1002], 2);
    }

    // channel_b start=2 width=2 nchan=-1: centre channel 2+10/2 = 7, clipped to 6 channels (4..9) around it,
    // 3 widths (odd) → [4,5], [6,7], [8,9] (CASA keeps the centre of the requested SPW, not the start).
    [Test]
    public void ChannelBModeKeepsTheRequestedCentre() =>
        AssertGrid(BuildA(new("channel_b", -1, "2", "2")), [1004.5, 1006.5, 1008.5], 2);

    // channel_b nchan=2: bandwidth 4 channels, centre 2+2 = 4, even → [2,3], [4,5].
    [Test]
    public void ChannelBModeWithNChan() =>
        AssertGrid(BuildA(new("channel_b", 2, "2", "2")), [1002.5, 1004.5], 2);

    // channel_b follows the input channels even when they are not equidistant.
    [Test]
    public void ChannelBModeFollowsUnevenInputChannels()
    {
        double[] f = [1000, 1001, 1002.5, 1004.5, 1007]; // widths 1, 1, 2, 2, 3 → contiguous edges
        double[] w = [1, 1, 2, 2, 3];
        var g = RegridGrid.Build(f.Select(x => x * MHz).ToArray(), w.Select(x => x * MHz).ToArray(), new("channel_b", 2, "0", "2"));
        // bandwidth 4 channels; centre 0 + 2 = 2; even → [0,1] and [2,3]: edges 999.5..1001.5 and 1001.5..1005.5.
        Assert.That(g.Freq, Is.EqualTo(new[] { 1000.5 * MHz, 1003.5 * MHz }).Within(Tol));
        Assert.That(g.Width, Is.EqualTo(new[] { 2 * MHz, 4 * MHz }).Within(Tol));
    }

    [Test]
    public void WidthSmallerThanInputIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuildA(new("frequency", -1, "", "500kHz")));
        Assert.That(ex!.Message, Does.Contain("smaller than smallest original channel width which is 1000000 Hz"));
        var ev = Assert.Throws<ArgumentException>(() => BuildA(new("velocity", -1, "", "10km/s", "1GHz")));
        Assert.That(ev!.Message, Does.Contain("smaller than smallest original channel width").And.Contain("m/s"));
    }

    // 999999.5 Hz is below the input width but within CASA's 1 Hz tolerance: 10 MHz floor'ed to 10 widths,
    // starting at the lower band edge 999.5 MHz.
    [Test]
    public void WidthWithinOneHertzOfInputIsAccepted()
    {
        var g = BuildA(new("frequency", -1, "", "999999.5Hz"));
        Assert.That(g.Freq.Length, Is.EqualTo(10));
        for (int i = 0; i < 10; i++)
        {
            Assert.That(g.Freq[i], Is.EqualTo(999.5 * MHz + (i + 0.5) * 999999.5).Within(Tol));
            Assert.That(g.Width[i], Is.EqualTo(999999.5).Within(Tol));
        }
    }

    [TestCase("velocity", "", "", "", "Parameter restfreq must be set when mode='velocity'")]
    [TestCase("velocity", "1.4GHz", "", "1GHz", "Parameter start does not have valid velocity units")]
    [TestCase("velocity", "", "5", "1GHz", "Parameter width does not have valid velocity units")]
    [TestCase("frequency", "-20km/s", "", "", "Parameter start does not have valid frequency units")]
    [TestCase("frequency", "", "100kHz/s", "", "Parameter width does not have valid frequency units")]
    [TestCase("frequency", "1.4e9", "", "", "Parameter start does not have valid frequency units")]
    [TestCase("channel", "two", "", "", "Parameter start must be an integer")]
    [TestCase("fft", "", "", "", "Invalid mode fft")]
    public void InvalidParametersGiveCasaMessages(string mode, string start, string width, string restfreq, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => RegridGrid.Validate(new(mode, -1, start, width, restfreq)));
        Assert.That(ex!.Message, Does.StartWith(message));
    }

    [Test]
    public void NonMonotonicInputIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => RegridGrid.Build([1e9, 1.002e9, 1.001e9], [1e6, 1e6, 1e6], new("channel")));
        Assert.That(ex!.Message, Does.Contain("neither in ascending nor in descending order"));
    }

    [Test]
    public void ChannelBStartOutsideTheInputIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuildA(new("channel_b", -1, "12", "1")));
        Assert.That(ex!.Message, Does.Contain("SPW start 12 outside valid range which is 0 - 9."));
    }

    [Test]
    public void ModeAndVelTypeAreCaseInsensitive() =>
        AssertGrid(BuildA(new("VELOCITY", -1, "-2398.339664km/s", "599.584916km/s", "1GHz", "Radio")), [1002, 1004, 1006, 1008], 2);
}

public class RegridDopplerTests
{
    [Test]
    public void RadioAndOpticalVelocityFormulas()
    {
        const double c = 299792458.0, f0 = 1420.405752e6;
        Assert.That(Doppler.RadioVelocity(f0 * 0.999, f0), Is.EqualTo(c * 0.001).Within(1e-6));
        Assert.That(Doppler.OpticalVelocity(f0 / 1.002, f0), Is.EqualTo(c * 0.002).Within(1e-6));
        Assert.That(Doppler.FrequencyFromRadio(-c * 0.01, f0), Is.EqualTo(f0 * 1.01).Within(1e-3));
        Assert.That(Doppler.FrequencyFromOptical(c * 0.25, f0), Is.EqualTo(f0 / 1.25).Within(1e-3));
        foreach (var t in new[] { VelocityType.Radio, VelocityType.Optical })
            Assert.That(Doppler.Frequency(Doppler.Velocity(1.4e9, f0, t), f0, t), Is.EqualTo(1.4e9).Within(1e-4));
        Assert.That(Doppler.ParseVelocityType("OPTICAL"), Is.EqualTo(VelocityType.Optical));
        Assert.That(Doppler.ParseVelocityType(""), Is.EqualTo(VelocityType.Radio));
        Assert.That(Doppler.ParseVelocityType("relativistic"), Is.Null);
    }

    [TestCase("1.4GHz", 1.4e9)]
    [TestCase("100 kHz", 1e5)]
    [TestCase("1e9Hz", 1e9)]
    [TestCase("-2.5MHz", -2.5e6)]
    [TestCase(".5THz", 5e11)]
    public void QuantitiesInHz(string text, double hz) =>
        Assert.That(RegridQuantity.TryParse(text)!.Value.InHz(), Is.EqualTo(hz).Within(Math.Abs(hz) * 1e-15 + 1e-9));

    [TestCase("-20km/s", -20e3)]
    [TestCase("5m/s", 5.0)]
    [TestCase("30 cm/s", 0.3)]
    public void QuantitiesInMetresPerSecond(string text, double ms) =>
        Assert.That(RegridQuantity.TryParse(text)!.Value.InMetresPerSecond(), Is.EqualTo(ms).Within(1e-9));

    [TestCase("GHz")]
    [TestCase("1.4 G Hz")]
    [TestCase("")]
    public void NotAQuantity(string text) => Assert.That(RegridQuantity.TryParse(text), Is.Null);

    [Test]
    public void WrongUnitsAreNull()
    {
        Assert.That(RegridQuantity.TryParse("1.4GHz")!.Value.InMetresPerSecond(), Is.Null);
        Assert.That(RegridQuantity.TryParse("5km/s")!.Value.InHz(), Is.Null);
        Assert.That(RegridQuantity.TryParse("1.4")!.Value.InHz(), Is.Null);
        Assert.That(RegridQuantity.TryParse("1.4")!.Value.InHz(bareNumberIsHz: true), Is.EqualTo(1.4));
    }
}
