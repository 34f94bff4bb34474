using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// mode='antint' on hand-set flags: at one integration of spw 0, every cross baseline of the reference antenna is
/// flagged in some channels (one correlation); more than minchanfrac of the channels so flagged → every row of that
/// integration and spw is flagged (all baselines), else nothing (docs/flag-modes-rules.md §2, with CASA's
/// baseline-slot and cross-spw bugs fixed). Read back with python-casacore.
/// </summary>
public class FlagAntintTests
{
    private const string Script = """
        import json, sys
        import numpy as np
        from casacore import tables as pt
        ms, nchan, hole = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        t = pt.table(ms, readonly=False, ack=False)
        t0 = t.query("SCAN_NUMBER==1 && DATA_DESC_ID==0").getcol("TIME").min()
        ref = pt.taql(f"select ROWID() as R, ANTENNA1, ANTENNA2 from $t where (ANTENNA1==0 || ANTENNA2==0) && ANTENNA1!=ANTENNA2 && DATA_DESC_ID==0 && TIME=={t0!r}")
        rows = ref.getcol("R")
        for i, r in enumerate(rows):
            f = t.getcell("FLAG", int(r)); f[:nchan, 0] = True
            if hole >= 0 and i == 0: f[hole, 0] = False      # one baseline leaves a channel clean: not bad
            t.putcell("FLAG", int(r), f)
        t.flush()
        at = pt.taql(f"select ROWID() as R from $t where DATA_DESC_ID==0 && TIME=={t0!r}").getcol("R")
        print(json.dumps({"t0": t0, "ref_rows": len(rows), "rows": [int(x) for x in at], "set": int(t.getcol("FLAG").sum())}))
        """;

    private static (System.Text.Json.JsonElement Info, string Ms) Prepared(TempDir tmp, int nchan, int hole)
    {
        string ms = FlagTesting.CopyOfSmallMs(tmp, "a.ms");
        Assert.That(FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        var r = Proc.Python(Script, ms, nchan.ToString(), hole.ToString());
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return (System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement, ms);
    }

    private static long Flagged(string ms) => long.Parse(Checks.Py(ms, "int(t.getcol('FLAG').sum())"));

    [Test]
    public void MoreThanMinchanfracOfTheChannelsBadOnEveryReferenceBaselineFlagsTheIntegration()
    {
        using var tmp = new TempDir();
        var (info, ms) = Prepared(tmp, 10, -1);   // 10 of 16 channels = 0.625 > 0.6
        string reference = Checks.Py(Path.Combine(ms, "ANTENNA"), "t.getcell('NAME', 0)");
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "antint", "--antint_ref_antenna", reference, "--verbose", "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        int rows = info.GetProperty("rows").GetArrayLength();
        Assert.That(rows, Is.GreaterThan(info.GetProperty("ref_rows").GetInt32()), "the integration has other baselines too");
        Assert.That(Flagged(ms), Is.EqualTo(rows * 16L * 4), "every row of spw 0 at that time, wholly; nothing else (not spw 1 at that time)");
        Assert.That(r.Stderr, Does.Contain("Flagging integration at time: ").And.Contain("fraction of flagged channels found: 0.625"), r.Stderr);
    }

    [TestCase(9, -1, "9 of 16 = 0.5625 is not above 0.6")]
    [TestCase(10, 3, "one reference baseline leaves channel 3 clean: 9 channels bad")]
    public void OtherwiseNothingIsFlagged(int nchan, int hole, string why)
    {
        using var tmp = new TempDir();
        var (info, ms) = Prepared(tmp, nchan, hole);
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "antint", "--antint_ref_antenna", Checks.Py(Path.Combine(ms, "ANTENNA"), "t.getcell('NAME', 0)"),
            "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(Flagged(ms), Is.EqualTo(info.GetProperty("set").GetInt64()), why);
    }

    [Test]
    public void AnUnknownReferenceAntennaIsAnError()
    {
        using var tmp = new TempDir();
        string ms = FlagTesting.CopyOfSmallMs(tmp, "u.ms");
        var r = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "antint", "--antint_ref_antenna", "nosuch");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("ERROR: The antenna requested (nosuch) could not be found in the input dataset"));
    }
}
