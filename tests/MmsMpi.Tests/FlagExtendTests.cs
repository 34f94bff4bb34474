using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// mode='extend' on hand-set flags of one baseline's time × channel × correlation plane (baseline 0-1, scan 1, spw 0:
/// 4 times, 16 channels, 4 correlations; everything else unflagged), against the answers of CASA's rules
/// (docs/flag-modes-rules.md §1.3, §1.7), read back with python-casacore.
/// </summary>
public class FlagExtendTests
{
    private const string Plane = "ANTENNA1==0 && ANTENNA2==1 && SCAN_NUMBER==1 && DATA_DESC_ID==0";
    private const int T = 4, C = 16, P = 4;

    private const string Script = """
        import json, sys
        import numpy as np
        from casacore import tables as pt
        ms, where, cells = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        t = pt.table(ms, readonly=cells is None, ack=False)
        rows = pt.taql(f"select ROWID() as R, TIME from $t where {where} orderby TIME").getcol("R")
        if cells is not None:
            for ti, c, p in cells:
                f = t.getcell("FLAG", int(rows[ti])); f[c, p] = True; t.putcell("FLAG", int(rows[ti]), f)
        else:
            plane = [t.getcell("FLAG", int(r)).tolist() for r in rows]
            print(json.dumps({"plane": plane, "total": int(t.getcol("FLAG").sum()), "rows": len(rows)}))
        t.close()
        """;

    private static string Prepared(TempDir tmp, IEnumerable<(int T, int C, int P)> cells)
    {
        string ms = FlagTesting.CopyOfSmallMs(tmp, "e.ms");
        Assert.That(FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        var set = Proc.Python(Script, ms, Plane, JsonSerializer.Serialize(cells.Select(c => new[] { c.T, c.C, c.P })));
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString());
        return ms;
    }

    /// <summary>The plane's flags [t, c, p] and the MS's total of flagged cells.</summary>
    private static (bool[,,] Plane, long Total) Read(string ms)
    {
        var r = Proc.Python(Script, ms, Plane, "null");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.That(doc.GetProperty("rows").GetInt32(), Is.EqualTo(T), "the plane's times");
        var plane = new bool[T, C, P];
        int t = 0;
        foreach (var row in doc.GetProperty("plane").EnumerateArray())
        {
            int c = 0;
            foreach (var chan in row.EnumerateArray())
            {
                int p = 0;
                foreach (var corr in chan.EnumerateArray()) plane[t, c, p++] = corr.GetBoolean();
                c++;
            }
            t++;
        }
        return (plane, doc.GetProperty("total").GetInt64());
    }

    private static void AssertExtended(IEnumerable<(int T, int C, int P)> given, string[] args, Func<int, int, int, bool> expected)
    {
        using var tmp = new TempDir();
        string ms = Prepared(tmp, given);
        var r = FlagTesting.FlagData(["--vis", ms, "--mode", "extend", "--flagbackup", "false", .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var (plane, total) = Read(ms);
        long count = 0;
        for (int t = 0; t < T; t++)
            for (int c = 0; c < C; c++)
                for (int p = 0; p < P; p++)
                {
                    Assert.That(plane[t, c, p], Is.EqualTo(expected(t, c, p)), $"t{t} c{c} p{p}");
                    if (plane[t, c, p]) count++;
                }
        Assert.That(total, Is.EqualTo(count), "no other baseline, scan or spw changes");
    }

    private static IEnumerable<(int, int, int)> Cells(IEnumerable<int> ts, IEnumerable<int> cs, int p = 0) =>
        ts.SelectMany(t => cs.Select(c => (t, c, p)));

    [Test]
    public void GrowfreqFlagsATimeInEveryChannelAndExtendpolsEveryCorrelation() =>
        // 8 of 16 channels at t0 in XX: 50 % ≥ growfreq 50 → all channels at t0; growtime sees 1 of 4 times; then all correlations.
        AssertExtended(Cells([0], Enumerable.Range(0, 8)), [], (t, _, _) => t == 0);

    [Test]
    public void GrowtimeFlagsAChannelAtEveryTime() =>
        // channel 5 at t0 and t1: 2 of 4 times = 50 % → all times; each time has 1 of 16 channels.
        AssertExtended(Cells([0, 1], [5]), [], (_, c, _) => c == 5);

    [Test]
    public void GrowtimeCountsBeforeGrowfreqAddsFlags() =>
        // growfreq flags t0 (8 of 16); growtime 25 uses the counts from before: channels 0-7 (1 of 4) grow, 8-15 do not
        // (a sequential rule would grow them too after growfreq).
        AssertExtended(Cells([0], Enumerable.Range(0, 8)), ["--growtime", "25", "--extendpols", "false"],
            (t, c, p) => p == 0 && (t == 0 || c < 8));

    [Test]
    public void FlagNearTimeAndFreqDoNotCascade() =>
        AssertExtended([(1, 3, 0)], ["--flagneartime", "--flagnearfreq", "--growtime", "0", "--growfreq", "0", "--extendpols", "false"],
            (t, c, p) => p == 0 && ((t == 1 && c is 2 or 3 or 4) || (c == 3 && t is 0 or 2)));

    [Test]
    public void GrowaroundNeedsFiveOfTheEightNeighbours()
    {
        // Around (t1, c5): 5 neighbours flagged → flagged. Around (t2, c12): 4 → not.
        (int, int, int)[] five = [(0, 4, 0), (0, 5, 0), (0, 6, 0), (1, 4, 0), (2, 4, 0)];
        (int, int, int)[] four = [(1, 11, 0), (1, 12, 0), (1, 13, 0), (2, 11, 0)];
        var given = five.Concat(four).ToHashSet();
        AssertExtended(given, ["--growaround", "--growtime", "0", "--growfreq", "0", "--extendpols", "false"],
            (t, c, p) => given.Contains((t, c, p)) || (t, c, p) == (1, 5, 0));
    }

    [Test]
    public void ExtendpolsStaysInTheSelectedCorrelations() =>
        AssertExtended([(2, 9, 0)], ["--correlation", "RR,LL", "--growtime", "0", "--growfreq", "0"],
            (t, c, p) => t == 2 && c == 9 && p is 0 or 3);

    [Test]
    public void ExtendInAListSeesTheFlagsOfTheCommandsBeforeIt()
    {
        using var tmp = new TempDir();
        string ms = Prepared(tmp, []);
        File.WriteAllLines(tmp["cmds.txt"], [
            "mode='manual' antenna='0&1' scan='1' spw='0:0~7' correlation='RR' timerange='" + FirstTime(ms) + "'",
            "mode='extend' growtime=0",
        ]);
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "list", "--inpfile", tmp["cmds.txt"], "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var (plane, total) = Read(ms);
        for (int c = 0; c < C; c++)
            for (int p = 0; p < P; p++) Assert.That(plane[0, c, p], Is.True, $"t0 c{c} p{p}: growfreq then extendpols on the manual flags");
        Assert.That(total, Is.EqualTo(C * P), "nothing else");
    }

    /// <summary>The plane's first integration as a CASA timerange.</summary>
    private static string FirstTime(string ms)
    {
        double t0 = double.Parse(Checks.Py(ms, $"repr(float(t.query('{Plane}').getcol('TIME').min()))"), System.Globalization.CultureInfo.InvariantCulture);
        static string At(double t) => DateTime.UnixEpoch.AddSeconds(t - 3506716800.0).ToString("yyyy/MM/dd/HH:mm:ss.f", System.Globalization.CultureInfo.InvariantCulture);
        return $"{At(t0 - 1)}~{At(t0 + 1)}";
    }
}
