using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// mode='rflag' against tests/tools/rflag_reference.py, a numpy implementation of CASA's formulas written apart from
/// the C# (docs/rflag-rules.md): the thresholds action='calculate' returns per (field, spw), and the cells
/// action='apply' flags; plus a hand-made RFI burst, and given thresholds that must be used as given.
/// </summary>
public class FlagRflagTests
{
    private const string NewFlags = """
        import json, sys
        import numpy as np
        from casacore import tables as pt
        before, after = (pt.table(p, ack=False) for p in sys.argv[1:3])
        ours = set()
        for r in range(before.nrows()):
            for ch, c in np.argwhere(np.logical_and(after.getcell("FLAG", r), ~before.getcell("FLAG", r))):
                ours.add((r, int(ch), int(c)))   # FLAG cells are [chan, corr]
        ref = {(r, ch, c) for r, c, ch in json.load(open(sys.argv[3]))["cells"]}   # the reference's are [row, corr, chan]
        print(json.dumps({"ours": len(ours), "reference": len(ref), "missing": len(ref - ours), "extra": len(ours - ref)}))
        """;

    private static IEnumerable<TestCaseData> Sets()
    {
        yield return new TestCaseData("sim", Array.Empty<string>()).SetName("Rflag_generated_defaults");
        yield return new TestCaseData(RealData.Sets["vla_day2_TDEM0003.ms.tgz"], new[] { "--winsize", "5", "--timedevscale", "2", "--freqdevscale", "2.5" })
            .SetName("Rflag_vla_tighter");
        yield return new TestCaseData(RealData.Sets["lofar_tNDPPP_generic.ms.tgz"], new[] { "--timedevscale", "3" }).SetName("Rflag_lofar");
    }

    private static string Copy(TempDir tmp, string set) =>
        set == "sim" ? FlagTesting.CopyOfSmallMs(tmp, "r.ms") : tmp.CopyOf(RealData.Path(set), "r.ms");

    /// <summary>One reference run gives both: the calculate dictionary (stdout) and the cells apply flags (--flags).</summary>
    [TestCaseSource(nameof(Sets))]
    public void ThresholdsAndFlaggedCellsEqualTheReference(string set, string[] args)
    {
        using var tmp = new TempDir();
        string ms = Copy(tmp, set);
        string before = tmp.CopyOf(ms, "before.ms");
        var reference = Proc.Run("/usr/bin/python3", [Repo.Tool("rflag_reference.py"), ms, "--flags", tmp["ref.json"], .. args]);
        Assert.That(reference.ExitCode, Is.EqualTo(0), reference.ToString());

        var calc = FlagTesting.FlagData(["--vis", ms, "--mode", "rflag", "--action", "calculate", "--summary-json", tmp["t.json"], .. args]);
        Assert.That(calc.ExitCode, Is.EqualTo(0), calc.ToString());
        Assert.That(calc.Stdout, Does.Contain("Rflag: timedev (field, spw, value)"));
        var expected = JsonDocument.Parse(reference.Stdout).RootElement.GetProperty("report0");
        var got = JsonDocument.Parse(File.ReadAllText(tmp["t.json"])).RootElement;
        Assert.That(got.GetProperty("name").GetString(), Is.EqualTo("Rflag"));
        foreach (var direction in new[] { "timedev", "freqdev" })
        {
            var e = Rows(expected.GetProperty(direction));
            var g = Rows(got.GetProperty(direction));
            Assert.That(g.Select(r => (r.Field, r.Spw)), Is.EqualTo(e.Select(r => (r.Field, r.Spw))), $"{direction}: the (field, spw)s");
            Assert.That(e.All(r => r.Value > 0), Is.True, "the data give thresholds");
            for (int i = 0; i < e.Count; i++)
                Assert.That(g[i].Value, Is.EqualTo(e[i].Value).Within(1e-9).Percent, $"{direction} field {e[i].Field} spw {e[i].Spw}");
        }

        var apply = FlagTesting.FlagData(["--vis", ms, "--mode", "rflag", "--flagbackup", "false", .. args]);
        Assert.That(apply.ExitCode, Is.EqualTo(0), apply.ToString());
        var compare = Proc.Python(NewFlags, before, ms, tmp["ref.json"]);
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        var c = JsonDocument.Parse(compare.Stdout).RootElement;
        Assert.That(c.GetProperty("reference").GetInt64(), Is.GreaterThan(0), "rflag flags something here: " + compare.Stdout);
        Assert.That((c.GetProperty("missing").GetInt64(), c.GetProperty("extra").GetInt64()), Is.EqualTo((0L, 0L)), compare.Stdout);
        if (set == "sim") FlagTesting.AssertFlagRowConsistent(ms);   // the real sets come with FLAG_ROW of their own
    }

    [Test]
    public void AnRfiBurstIsFlaggedAndTheCleanDataAroundItAreNot()
    {
        using var tmp = new TempDir();
        string ms = FlagTesting.CopyOfSmallMs(tmp, "burst.ms");
        Assert.That(FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        // A burst: baseline 0-1, spw 0, scan 2, channels 6-7, its second integration, 50x the data in every correlation.
        var burst = Proc.Python("""
            import sys
            from casacore import tables as pt
            t = pt.table(sys.argv[1], readonly=False, ack=False)
            rows = pt.taql("select ROWID() as R from $t where ANTENNA1==0 && ANTENNA2==1 && SCAN_NUMBER==2 && DATA_DESC_ID==0 orderby TIME").getcol("R")
            r = int(rows[1]); d = t.getcell("DATA", r); d[6:8, :] *= 50; t.putcell("DATA", r, d)
            print(r)
            """, ms);
        Assert.That(burst.ExitCode, Is.EqualTo(0), burst.ToString());
        int row = int.Parse(burst.Stdout.Trim());
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "rflag", "--flagbackup", "false", "--extendflags", "false", "--spw", "0");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var flags = Checks.Py(ms, $"[[bool(x) for x in ch] for ch in t.getcell('FLAG', {row})]");
        Assert.That(flags, Does.StartWith("[[False"), "channel 0 of the burst row is clean");
        var cells = JsonSerializer.Deserialize<bool[][]>(flags.Replace("True", "true").Replace("False", "false"))!;
        Assert.That(cells[6].All(f => f) && cells[7].All(f => f), Is.True, "the burst's channels, in every correlation: " + flags);
        Assert.That(cells.Where((_, ch) => ch is not (6 or 7)).Count(ch => ch.Any(f => f)), Is.LessThanOrEqualTo(1), "little else in the row: " + flags);
    }

    [Test]
    public void GivenThresholdsAreUsedAsGivenAndReturnedByCalculate()
    {
        using var tmp = new TempDir();
        string ms = FlagTesting.CopyOfSmallMs(tmp, "g.ms");
        var calc = FlagTesting.FlagData("--vis", ms, "--mode", "rflag", "--action", "calculate", "--timedev", "[[0,1,0.123]]", "--freqdev", "0.5",
            "--summary-json", tmp["g.json"]);
        Assert.That(calc.ExitCode, Is.EqualTo(0), calc.ToString());
        var got = JsonDocument.Parse(File.ReadAllText(tmp["g.json"])).RootElement;
        var time = Rows(got.GetProperty("timedev"));
        Assert.That(time.Single(r => (r.Field, r.Spw) == (0, 1)).Value, Is.EqualTo(0.123), "a listed value comes back as given");
        Assert.That(time, Has.Count.GreaterThan(1), "the other (field, spw)s are computed");
        Assert.That(got.GetProperty("freqdev").GetArrayLength(), Is.Zero, "a scalar adds no rows (CASA)");
        // A huge given threshold flags nothing in that direction: with both huge, nothing at all.
        var none = FlagTesting.FlagData("--vis", ms, "--mode", "rflag", "--timedev", "1e9", "--freqdev", "1e9", "--flagbackup", "false", "--extendflags", "false");
        Assert.That(none.ExitCode, Is.EqualTo(0), none.ToString());
        Assert.That(none.Stdout, Does.Contain(": 0 cells flagged"), none.Stdout);
    }

    private static List<(int Field, int Spw, double Value)> Rows(JsonElement rows) =>
        rows.EnumerateArray().Select(r => ((int)r[0].GetDouble(), (int)r[1].GetDouble(), r[2].GetDouble())).ToList();
}
