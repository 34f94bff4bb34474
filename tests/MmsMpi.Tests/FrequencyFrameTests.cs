using System.Globalization;
using System.Text.Json;
using MmsMpi.Casacore;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

// FrequencyFrames (casacore Measures through the shim) against python-casacore's measures as an independent
// reference: the same conversions done with me.doframe(observatory/position, epoch, direction) + me.measure.
[NonParallelizable]
public class FrequencyFrameTests
{
    private const double Epoch = 59000.25 * 86400; // MJD seconds (UTC), 2020-05-31 06:00
    private const double Ra = 1.2, Dec = 0.5;       // J2000, radians
    private static readonly double[] Topo = [1.0e9, 1.4e9, 1.42040575e9, 8.4e9];
    private static readonly ItrfPosition Site = new(5109360.133, 2006852.586, -3238948.127); // a MeerKAT-like position

    private JsonElement _ref;

    // me.measure for every (observatory-or-position, target frame) pair the tests use; prints JSON.
    private const string Script = """
        import json, sys
        from casacore.measures import measures
        from casacore import quanta as qa
        epoch, ra, dec = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
        freqs = [float(x) for x in sys.argv[4].split(',')]
        x, y, z = (float(v) for v in sys.argv[5].split(','))
        out = {}
        for site in ['VLA', 'ALMA', 'ITRF']:
            me = measures()
            me.doframe(me.observatory(site) if site != 'ITRF' else
                       me.position('ITRF', qa.quantity(x, 'm'), qa.quantity(y, 'm'), qa.quantity(z, 'm')))
            me.doframe(me.epoch('UTC', qa.quantity(epoch, 's')))
            me.doframe(me.direction('J2000', qa.quantity(ra, 'rad'), qa.quantity(dec, 'rad')))
            for frame in ['LSRK', 'BARY', 'GEO', 'CMB']:
                out[site + '/' + frame] = [me.measure(me.frequency('TOPO', qa.quantity(f, 'Hz')), frame)['m0']['value'] for f in freqs]
            out[site + '/LSRK->TOPO'] = [me.measure(me.frequency('LSRK', qa.quantity(f, 'Hz')), 'TOPO')['m0']['value'] for f in freqs]
        print(json.dumps(out))
        """;

    [OneTimeSetUp]
    public void Reference()
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var r = Proc.Python(Script, F(Epoch), F(Ra), F(Dec), string.Join(",", Topo.Select(F)), $"{F(Site.X)},{F(Site.Y)},{F(Site.Z)}");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        _ref = JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    private double[] Ref(string key) => _ref.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [TestCase("VLA", FreqFrame.Lsrk)]
    [TestCase("VLA", FreqFrame.Bary)]
    [TestCase("VLA", FreqFrame.Geo)]
    [TestCase("VLA", FreqFrame.Cmb)]
    [TestCase("ALMA", FreqFrame.Lsrk)]
    [TestCase("ALMA", FreqFrame.Bary)]
    public void TopoToFrameMatchesPythonCasacore(string observatory, FreqFrame to)
    {
        var got = FrequencyFrames.Convert(Topo, FreqFrame.Topo, to, Epoch, observatory, Ra, Dec);
        var want = Ref($"{observatory}/{to.Name()}");
        for (int i = 0; i < Topo.Length; i++)
            Assert.That(got[i], Is.EqualTo(want[i]).Within(1.0), $"{observatory} TOPO→{to.Name()} at {Topo[i]} Hz");
        // A real Doppler shift happened (tens of kHz at 1.4 GHz), so the comparison is not trivially equal.
        Assert.That(Math.Abs(got[1] - Topo[1]), Is.GreaterThan(100.0));
    }

    [Test]
    public void LsrkToTopoMatchesPythonCasacore()
    {
        var got = FrequencyFrames.Convert(Topo, FreqFrame.Lsrk, FreqFrame.Topo, Epoch, "VLA", Ra, Dec);
        var want = Ref("VLA/LSRK->TOPO");
        for (int i = 0; i < Topo.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]).Within(1.0));
    }

    [Test]
    public void ItrfPositionOverloadMatchesPythonCasacore()
    {
        foreach (var to in new[] { FreqFrame.Lsrk, FreqFrame.Bary })
        {
            var got = FrequencyFrames.Convert(Topo, FreqFrame.Topo, to, Epoch, Site, Ra, Dec);
            var want = Ref($"ITRF/{to.Name()}");
            for (int i = 0; i < Topo.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]).Within(1.0), to.Name());
        }
    }

    [Test]
    public void NamedObservatoryAndItsItrfPositionAgree()
    {
        var vla = FrequencyFrames.ObservatoryPosition("VLA");
        // The VLA is at about 34°N, 107.6°W: |r| ≈ 6374 km.
        double r = Math.Sqrt(vla.X * vla.X + vla.Y * vla.Y + vla.Z * vla.Z);
        Assert.That(r, Is.EqualTo(6.374e6).Within(5e3));
        Assert.That(Math.Atan2(vla.Y, vla.X) * 180 / Math.PI, Is.EqualTo(-107.6).Within(0.1));
        var byName = FrequencyFrames.Convert(Topo, FreqFrame.Topo, FreqFrame.Lsrk, Epoch, "VLA", Ra, Dec);
        var byPos = FrequencyFrames.Convert(Topo, FreqFrame.Topo, FreqFrame.Lsrk, Epoch, vla, Ra, Dec);
        Assert.That(byPos, Is.EqualTo(byName).Within(1e-3));
    }

    [Test]
    public void RoundTripRestoresTheInput()
    {
        var at = FrameContext.AtObservatory("MeerKAT", Epoch, Ra, Dec);
        foreach (var frame in new[] { FreqFrame.Lsrk, FreqFrame.Lsrd, FreqFrame.Bary, FreqFrame.Geo, FreqFrame.Galacto, FreqFrame.LGroup, FreqFrame.Cmb })
        {
            var there = FrequencyFrames.Convert(Topo, FreqFrame.Topo, frame, at);
            var back = FrequencyFrames.Convert(there, frame, FreqFrame.Topo, at);
            Assert.That(back, Is.EqualTo(Topo).Within(1e-4), frame.Name());
            Assert.That(there, Is.Not.EqualTo(Topo).Within(1.0), $"{frame.Name()} should shift the frequencies");
        }
    }

    [Test]
    public void SameFrameIsIdentityAndEmptyInputIsEmpty()
    {
        Assert.That(FrequencyFrames.Convert(Topo, FreqFrame.Lsrk, FreqFrame.Lsrk, Epoch, "LOFAR", Ra, Dec), Is.EqualTo(Topo));
        Assert.That(FrequencyFrames.Convert([], FreqFrame.Topo, FreqFrame.Lsrk, Epoch, "VLA", Ra, Dec), Is.Empty);
    }

    [Test]
    public void ConvertChannelsConvertsEdgesForTheWidth()
    {
        double[] f = [1.4e9, 1.401e9], w = [1e6, -1e6];
        var at = FrameContext.AtObservatory("VLA", Epoch, Ra, Dec);
        var (cf, cw) = FrequencyFrames.ConvertChannels(f, w, FreqFrame.Topo, FreqFrame.Lsrk, at);
        var edges = FrequencyFrames.Convert([1.4005e9, 1.3995e9, 1.4015e9, 1.4005e9], FreqFrame.Topo, FreqFrame.Lsrk, at);
        Assert.That(cf, Is.EqualTo(FrequencyFrames.Convert(f, FreqFrame.Topo, FreqFrame.Lsrk, at)));
        Assert.That(cw[0], Is.EqualTo(edges[0] - edges[1]).Within(1e-6));
        Assert.That(cw[1], Is.EqualTo(edges[2] - edges[3]).Within(1e-6)); // positive although the input width is negative
        // The width scales with the Doppler factor F(f)/f (LSRK shifts by ~1e-4 here).
        Assert.That(cw[0], Is.EqualTo(1e6 * cf[0] / f[0]).Within(1e-3));
        Assert.That(cw[0], Is.Not.EqualTo(1e6).Within(1.0));
    }

    [Test]
    public void UnknownObservatoryGivesAClearError()
    {
        var ex = Assert.Throws<CasacoreException>(() => FrequencyFrames.Convert(Topo, FreqFrame.Topo, FreqFrame.Lsrk, Epoch, "NoSuchTelescope", Ra, Dec));
        Assert.That(ex!.Message, Does.Contain("NoSuchTelescope").And.Contain("not known"));
        Assert.That(FrequencyFrames.IsKnownObservatory("NoSuchTelescope"), Is.False);
        Assert.That(FrequencyFrames.IsKnownObservatory("meerkat"), Is.True);
        Assert.Throws<CasacoreException>(() => FrequencyFrames.ObservatoryPosition("NoSuchTelescope"));
    }

    [Test]
    public void RestFrameAndBadDirectionReferenceAreErrors()
    {
        var rest = Assert.Throws<CasacoreException>(() => FrequencyFrames.Convert(Topo, FreqFrame.Topo, FreqFrame.Rest, Epoch, "VLA", Ra, Dec));
        Assert.That(rest!.Message, Does.Contain("REST"));
        var dir = Assert.Throws<CasacoreException>(() =>
            FrequencyFrames.Convert(Topo, FreqFrame.Topo, FreqFrame.Lsrk, FrameContext.AtObservatory("VLA", Epoch, Ra, Dec) with { DirectionRef = "NOPE" }));
        Assert.That(dir!.Message, Does.Contain("NOPE"));
    }

    [TestCase("lsrk", FreqFrame.Lsrk)]
    [TestCase("LSRK", FreqFrame.Lsrk)]
    [TestCase("bary", FreqFrame.Bary)]
    [TestCase(" Topo ", FreqFrame.Topo)]
    [TestCase("geo", FreqFrame.Geo)]
    [TestCase("lsrd", FreqFrame.Lsrd)]
    [TestCase("galacto", FreqFrame.Galacto)]
    [TestCase("LGROUP", FreqFrame.LGroup)]
    [TestCase("cmb", FreqFrame.Cmb)]
    [TestCase("REST", FreqFrame.Rest)]
    public void OutframeStringsParse(string text, FreqFrame expected)
    {
        Assert.That(FrequencyFrames.ParseOutFrame(text), Is.EqualTo(expected));
        Assert.That((int)expected, Is.EqualTo(Array.IndexOf(["REST", "LSRK", "LSRD", "BARY", "GEO", "TOPO", "GALACTO", "LGROUP", "CMB"], expected.Name())));
    }

    [Test]
    public void EmptyOutframeKeepsTheInputFrameAndBadOnesThrow()
    {
        Assert.That(FrequencyFrames.ParseOutFrame(""), Is.Null);
        Assert.That(FrequencyFrames.ParseOutFrame("  "), Is.Null);
        var bad = Assert.Throws<ArgumentException>(() => FrequencyFrames.ParseOutFrame("lsr"));
        Assert.That(bad!.Message, Does.Contain("Parameter \"outframe\" value lsr is invalid."));
        var src = Assert.Throws<ArgumentException>(() => FrequencyFrames.ParseOutFrame("source"));
        Assert.That(src!.Message, Does.Contain("not supported"));
    }
}
