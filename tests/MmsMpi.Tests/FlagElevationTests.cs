using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>flagdata elevation against elevations computed independently with python-casacore's measures.</summary>
public class FlagElevationTests
{
    /// <summary>python-casacore: per row, is antenna 1 or 2 below the limit (the field's PHASE_DIR in AZEL at the antenna)?</summary>
    private const string Expected = """
        import sys, json
        import numpy as np
        from casacore import tables as pt, measures, quanta as qa
        ms, limit, original = sys.argv[1], float(sys.argv[2]), pt.table(sys.argv[3], ack=False)
        t = pt.table(ms, ack=False)
        pos = pt.table(ms + '/ANTENNA', ack=False).getcol('POSITION')
        dirs = pt.table(ms + '/FIELD', ack=False).getcol('PHASE_DIR')[:, 0, :]
        time, field, a1, a2 = t.getcol('TIME'), t.getcol('FIELD_ID'), t.getcol('ANTENNA1'), t.getcol('ANTENNA2')
        me = measures.measures(); cache = {}
        def el(tm, f, a):
            k = (tm, f, a)
            if k not in cache:
                me.doframe(me.position('ITRF', *[qa.quantity(x, 'm') for x in pos[a]])); me.doframe(me.epoch('UTC', qa.quantity(tm, 's')))
                d = me.direction('J2000', qa.quantity(dirs[f][0], 'rad'), qa.quantity(dirs[f][1], 'rad'))
                cache[k] = me.measure(d, 'AZEL')['m1']['value'] * 180 / np.pi
            return cache[k]
        low = [bool(el(time[r], field[r], a1[r]) < limit or el(time[r], field[r], a2[r]) < limit) for r in range(t.nrows())]
        # FLAG cells differ in shape between spws: read them per row (getcol would not line them up).
        flagged = [bool(t.getcell('FLAG', r).all()) for r in range(t.nrows())]
        changed = sum(1 for r in range(t.nrows()) if not low[r] and not np.array_equal(t.getcell('FLAG', r), original.getcell('FLAG', r)))
        print(json.dumps({'rows_low': int(sum(low)), 'ok': all(flagged[r] for r in range(t.nrows()) if low[r]), 'high_changed': changed}))
        """;

    [Test]
    public void FlagsTheRowsWhereAnAntennaSeesTheFieldBelowTheLimitAndTheMmsAgrees()
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, "scan");
        // A limit between the lowest and highest elevations of the observation, so some rows go and some stay.
        var range = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt, measures, quanta as qa
            t = pt.table(sys.argv[1], ack=False); me = measures.measures()
            pos = pt.table(sys.argv[1] + '/ANTENNA', ack=False).getcol('POSITION')[0]
            d = pt.table(sys.argv[1] + '/FIELD', ack=False).getcol('PHASE_DIR')[:, 0, :]
            me.doframe(me.position('ITRF', *[qa.quantity(x, 'm') for x in pos]))
            els = []
            for tm, f in sorted(set(zip(t.getcol('TIME')[::50], t.getcol('FIELD_ID')[::50]))):
                me.doframe(me.epoch('UTC', qa.quantity(tm, 's')))
                els.append(me.measure(me.direction('J2000', qa.quantity(d[f][0], 'rad'), qa.quantity(d[f][1], 'rad')), 'AZEL')['m1']['value'] * 180 / np.pi)
            print(round((min(els) + max(els)) / 2, 3))
            """.Replace("            ", ""), ms);
        Assert.That(range.ExitCode, Is.EqualTo(0), range.ToString());
        var limit = range.Stdout.Trim();

        FlagTesting.FlagData("--vis", ms, "--mode", "elevation", "--lowerlimit", limit, "--flagbackup", "false");
        var check = Proc.Python(Expected, ms, limit, GeneratedData.SmallMs);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        var result = System.Text.Json.JsonDocument.Parse(check.Stdout).RootElement;
        Assert.That(result.GetProperty("rows_low").GetInt32(), Is.GreaterThan(0));
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, "every row with an antenna below the limit is flagged");
        Assert.That(result.GetProperty("high_changed").GetInt32(), Is.EqualTo(0), "rows where both antennas are above the limit keep their flags");
        FlagTesting.AssertFlagRowConsistent(ms);

        var r = Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "elevation", "--lowerlimit", limit, "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        FlagTesting.AssertSameFlags(ms, mms);
    }

    [Test]
    public void RefusesALowerLimitAboveTheUpperLimit()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var r = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "elevation", "--lowerlimit", "60", "--upperlimit", "30");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("ERROR: elevation: lowerlimit 60 is above upperlimit 30"));
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.False, "nothing is backed up or written");
    }
}
