using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>shadow with addantenna: an antenna that is not in the MS shadows the MS antenna it stands in front of.</summary>
public class FlagAddAntennaTests
{
    /// <summary>Writes an addantenna file with one 25 m antenna `offset` metres from antenna `ant` along the direction of
    /// field 0 at the first time (python-casacore: J2000 → ITRF), and prints the file path.</summary>
    private const string Place = """
        import sys, numpy as np
        from casacore import tables as pt, measures, quanta as qa
        ms, ant, offset, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
        t = pt.table(ms, ack=False); me = measures.measures()
        pos = pt.table(ms + '/ANTENNA', ack=False).getcol('POSITION')
        d = pt.table(ms + '/FIELD', ack=False).getcol('PHASE_DIR')[0, 0]
        me.doframe(me.position('ITRF', *[qa.quantity(x, 'm') for x in pos[0]])); me.doframe(me.epoch('UTC', qa.quantity(t.getcol('TIME').min(), 's')))
        itrf = me.measure(me.direction('J2000', qa.quantity(d[0], 'rad'), qa.quantity(d[1], 'rad')), 'ITRF')
        lon, lat = itrf['m0']['value'], itrf['m1']['value']
        s = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        p = pos[ant] + offset * s
        open(out, 'w').write(f"# one extra antenna\nname=EXTRA1\ndiameter=25.0\nposition=[{p[0]!r}, {p[1]!r}, {p[2]!r}]\n")
        """;

    /// <summary>Rows of antenna `ant` in field 0 and how many are fully flagged now; rows without that antenna whose flags changed.</summary>
    private const string Changes = """
        import sys, json, numpy as np
        from casacore import tables as pt
        a, b, ant = pt.table(sys.argv[1], ack=False), pt.table(sys.argv[2], ack=False), int(sys.argv[3])
        mine = newly = others = 0
        for r in range(b.nrows()):
            mine_row = ant in (b.getcell('ANTENNA1', r), b.getcell('ANTENNA2', r))
            if mine_row and b.getcell('FIELD_ID', r) == 0:
                mine += 1; newly += bool(b.getcell('FLAG', r).all())
            elif not mine_row and not np.array_equal(a.getcell('FLAG', r), b.getcell('FLAG', r)):
                others += 1
        print(json.dumps({'mine': mine, 'flagged': newly, 'others_changed': others}))
        """;

    [TestCase(30.0, true)]
    [TestCase(-30.0, false)]
    public void AnAddedAntennaInFrontShadowsAndOneBehindDoesNot(double offset, bool shadows)
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var place = Proc.Python(Place, ms, "5", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), tmp["extra.txt"]);
        Assert.That(place.ExitCode, Is.EqualTo(0), place.ToString());

        FlagTesting.FlagData("--vis", ms, "--mode", "shadow", "--addantenna", tmp["extra.txt"], "--flagbackup", "false");
        var r = Proc.Python(Changes, GeneratedData.SmallMs, ms, "5");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var c = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
        Assert.That(c.GetProperty("mine").GetInt32(), Is.GreaterThan(0));
        if (shadows)
            Assert.That(c.GetProperty("flagged").GetInt32(), Is.EqualTo(c.GetProperty("mine").GetInt32()), "every field-0 row of antenna 5 is shadowed");
        else
            Assert.That(c.GetProperty("flagged").GetInt32(), Is.LessThan(c.GetProperty("mine").GetInt32()), "an antenna behind shadows nothing");
        Assert.That(c.GetProperty("others_changed").GetInt32(), Is.EqualTo(0), "no other antenna is near the added one");
    }

    [Test]
    public void TheMmsUnderMpiFlagsLikeTheMs()
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, "baseline");
        var place = Proc.Python(Place, ms, "5", "30", tmp["extra.txt"]);
        Assert.That(place.ExitCode, Is.EqualTo(0), place.ToString());
        FlagTesting.FlagData("--vis", ms, "--mode", "shadow", "--addantenna", tmp["extra.txt"], "--flagbackup", "false");
        var r = Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "shadow", "--addantenna", tmp["extra.txt"], "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        FlagTesting.AssertSameFlags(ms, mms);
    }

    [Test]
    public void AMalformedFileIsOneErrorAndChangesNothing()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        File.WriteAllText(tmp["bad.txt"], "name=X\ndiameter=25\nposition=[1, 2]\n");
        var r = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "shadow", "--addantenna", tmp["bad.txt"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("ERROR: shadow: position needs 3 values"));
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.False);
    }
}
