using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// clip with channelavg / timeavg on hand-set data of one baseline (0-1, scan 1, spw 0, RR), against CASA's rules
/// (docs/flag-modes-rules.md §3.7): the clip sees the weighted mean of each bin, and a clipped bin flags every cell it
/// averaged; read back with python-casacore.
/// </summary>
public class FlagClipAverageTests
{
    private const string Where = "ANTENNA1==0 && ANTENNA2==1 && SCAN_NUMBER==1 && DATA_DESC_ID==0";

    /// <summary>Sets RR of the baseline's rows (in time order) to the given values per [time][channel]; returns the MS.</summary>
    private static string Prepared(TempDir tmp, double[][] values)
    {
        string ms = FlagTesting.CopyOfSmallMs(tmp, "c.ms");
        Assert.That(FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        var r = Proc.Python($$"""
            import json, sys
            from casacore import tables as pt
            t = pt.table(sys.argv[1], readonly=False, ack=False)
            rows = pt.taql("select ROWID() as R from $t where {{Where}} orderby TIME").getcol("R")
            for r, v in zip(rows, json.loads(sys.argv[2])):
                d = t.getcell("DATA", int(r)); d[:len(v), 0] = v; t.putcell("DATA", int(r), d)
                s = t.getcell("SIGMA", int(r)); s[:] = 1; t.putcell("SIGMA", int(r), s)
            """, ms, System.Text.Json.JsonSerializer.Serialize(values));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return ms;
    }

    /// <summary>RR flags of the baseline's rows [time][channel].</summary>
    private static bool[][] Flags(string ms)
    {
        var text = Checks.Py(ms, $"[[bool(x) for x in t.getcell('FLAG', int(r))[:, 0]] for r in pt.taql('select ROWID() as R from $t where {Where} orderby TIME').getcol('R')]");
        return System.Text.Json.JsonSerializer.Deserialize<bool[][]>(text.Replace("True", "true").Replace("False", "false"))!;
    }

    private static string[] Clip(string ms, params string[] more) =>
        ["--vis", ms, "--mode", "clip", "--clipminmax", "[0,5]", "--correlation", "ABS_RR", "--antenna", "0&1", "--scan", "1", "--flagbackup", "false", .. more];

    [Test]
    public void ChannelBinsAreClippedOnTheirMean()
    {
        using var tmp = new TempDir();
        // channels 0-3 of every time: 1, 3, 10, 10 → bins of 2: means 2 and 10 → channels 2 and 3 flagged
        string ms = Prepared(tmp, Enumerable.Repeat(new double[] { 1, 3, 10, 10 }, 4).ToArray());
        var r = FlagTesting.FlagData(Clip(ms, "--spw", "0:0~3", "--channelavg", "--chanbin", "2"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        foreach (var row in Flags(ms))
            Assert.That(row.Take(4), Is.EqualTo(new[] { false, false, true, true }));
    }

    [Test]
    public void TheMeanIsOverTheUnflaggedCellsAndOfTheComplexValues()
    {
        using var tmp = new TempDir();
        // channel 1 = 100 but flagged before: bin 0's mean is 1 (channel 0 alone) → kept, channel 1 stays flagged;
        // channels 2,3 = +3, -3: |mean| = 0 → kept (mean |V| would be 3, also kept); with clipminmax [0.5,5] flagged.
        string ms = Prepared(tmp, Enumerable.Repeat(new double[] { 1, 100, 3, -3 }, 4).ToArray());
        var pre = FlagTesting.FlagData("--vis", ms, "--mode", "manual", "--antenna", "0&1", "--scan", "1", "--spw", "0:1", "--correlation", "RR", "--flagbackup", "false");
        Assert.That(pre.ExitCode, Is.EqualTo(0), pre.ToString());
        var r = FlagTesting.FlagData(["--vis", ms, "--mode", "clip", "--clipminmax", "[0.5,5]", "--correlation", "ABS_RR", "--antenna", "0&1", "--scan", "1",
            "--spw", "0:0~3", "--channelavg", "--chanbin", "2", "--flagbackup", "false"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        foreach (var row in Flags(ms))
            Assert.That(row.Take(4), Is.EqualTo(new[] { false, true, true, true }), "|mean(3, -3)| = 0 is below 0.5");
    }

    [Test]
    public void TimeBinsAreClippedOnTheirMean()
    {
        using var tmp = new TempDir();
        // channel 5 at the four 10 s integrations: 1, 1, 9, 9; timebin 20s → bins {t0,t1} and {t2,t3}: means 1 and 9
        string ms = Prepared(tmp, [[0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 9], [0, 0, 0, 0, 0, 9]]);
        var r = FlagTesting.FlagData(Clip(ms, "--spw", "0:5", "--timeavg", "--timebin", "20s"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(Flags(ms).Select(row => row[5]), Is.EqualTo(new[] { false, false, true, true }));
        // 30s: bins {t0,t1,t2} (mean 11/3, kept) and {t3} (9, flagged)
        using var tmp2 = new TempDir();
        string again = Prepared(tmp2, [[0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 9], [0, 0, 0, 0, 0, 9]]);
        Assert.That(FlagTesting.FlagData(Clip(again, "--spw", "0:5", "--timeavg", "--timebin", "30s")).ExitCode, Is.EqualTo(0));
        Assert.That(Flags(again).Select(row => row[5]), Is.EqualTo(new[] { false, false, false, true }));
    }

    [Test]
    public void ChanbinOneAveragesTheWholeSelection()
    {
        using var tmp = new TempDir();
        string ms = Prepared(tmp, Enumerable.Repeat(new double[] { 1, 1, 1, 30 }, 4).ToArray());   // mean 8.25 > 5
        var r = FlagTesting.FlagData(Clip(ms, "--spw", "0:0~3", "--channelavg"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        foreach (var row in Flags(ms)) Assert.That(row.Take(4), Has.All.True, "one bin of the 4 selected channels");
        foreach (var row in Flags(ms)) Assert.That(row.Skip(4), Has.All.False, "channels outside the selection are left alone");
    }
}
