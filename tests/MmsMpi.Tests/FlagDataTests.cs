using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>What the flag tests share: copies of the generated MS, the CLI, and tests/tools/flag_tool.py (python-casacore).</summary>
public static class FlagTesting
{
    /// <summary>A private copy of the generated MS (3 spws of 16/8/32 channels, RR RL LR LL, 5 scans of 4 × 10 s, autocorrelations).</summary>
    public static string CopyOfSmallMs(TempDir tmp, string name = "sim.ms")
    {
        return tmp.CopyOf(GeneratedData.SmallMs, name);
    }

    public static ProcResult FlagData(params string[] args)
    {
        var r = Proc.MmsMpi(["flagdata", .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r;
    }

    public static JsonElement Tool(string command, params string[] args)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("flag_tool.py"), command, .. args]);
        Assert.That(r.ExitCode, Is.AnyOf(0, 1), r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    public static long Count(this JsonElement e, string name) => e.GetProperty(name).GetInt64();

    /// <summary>FLAG and FLAG_ROW equal after sorting rows (an MS against an MMS read as one MS).</summary>
    public static void AssertSameFlags(string a, string b)
    {
        var r = Tool("equal", a, b);
        Assert.That(r.GetProperty("equal").GetBoolean(), Is.True, $"{a} and {b} differ: {r}");
    }

    /// <summary>FLAG and FLAG_ROW equal row by row (an MS and one of its flag versions).</summary>
    public static void AssertSameRows(string a, string b)
    {
        var r = Tool("rows", a, b);
        Assert.That(r.GetProperty("equal").GetBoolean(), Is.True, $"{a} and {b} differ row by row");
    }

    /// <summary>FLAG_ROW is true exactly when every cell of the row is flagged.</summary>
    public static void AssertFlagRowConsistent(string ms) =>
        Assert.That(Tool("state", ms).Count("inconsistent_flag_row"), Is.EqualTo(0));
}

/// <summary>flagdata on a plain MS in one process, against expectations computed independently with python-casacore.</summary>
public class FlagDataTests
{
    private const string Ea05Cross = "((ANTENNA1==4)|(ANTENNA2==4))&(ANTENNA1!=ANTENNA2)";

    [Test]
    public void ManualFlagsExactlyTheSelectedCells()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var r = FlagTesting.FlagData("--vis", ms, "--antenna", "ea05", "--scan", "2", "--spw", "0:2~5", "--correlation", "RR");
        var region = FlagTesting.Tool("region", before, ms, $"{Ea05Cross}&(SCAN_NUMBER==2)&(SPW==0)", "2:6", "0");
        Assert.That(region.Count("inside"), Is.EqualTo(26 * 4 * 4), "26 baselines × 4 integrations × 4 channels × RR (no autocorrelation)");
        Assert.That(region.Count("inside_flagged"), Is.EqualTo(region.Count("inside")));
        Assert.That(region.Count("outside_changed"), Is.EqualTo(0));
        Assert.That(r.Stdout, Does.Contain($"{region.Count("inside_changed")} cells flagged"));
        FlagTesting.AssertFlagRowConsistent(ms);
        Assert.That(File.ReadAllText(ms + ".flagversions/FLAG_VERSION_LIST"), Does.StartWith("flagdata_1 : Flags autosave on "));
        FlagTesting.AssertSameRows(before, ms + ".flagversions/flags.flagdata_1");
    }

    [Test]
    public void ChannelSelectionsWithSeveralRangesAndSteps()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        FlagTesting.FlagData("--vis", ms, "--spw", "2:0~9^3", "--scan", "3", "--flagbackup", "false");
        var region = FlagTesting.Tool("region", before, ms, "(SCAN_NUMBER==3)&(SPW==2)", "0:10:3", ":");
        Assert.That(region.Count("inside_flagged"), Is.EqualTo(region.Count("inside")));
        Assert.That(region.Count("outside_changed"), Is.EqualTo(0));
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.False, "flagbackup=false saves nothing");
    }

    [Test]
    public void AutocorrFlagsOnlyAutoCorrelationsAndUnflagUndoesIt()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        FlagTesting.FlagData("--vis", ms, "--mode", "manual", "--autocorr", "true");
        var region = FlagTesting.Tool("region", before, ms, "ANTENNA1==ANTENNA2", ":", ":");
        Assert.That(region.Count("inside_flagged"), Is.EqualTo(region.Count("inside")));
        Assert.That(region.Count("outside_changed"), Is.EqualTo(0));
        FlagTesting.AssertFlagRowConsistent(ms);

        FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--antenna", "ea10&&*");
        var unflagged = FlagTesting.Tool("region", before, ms, "(ANTENNA1==9)|(ANTENNA2==9)", ":", ":");
        Assert.That(unflagged.Count("inside_flagged"), Is.EqualTo(0), "every cell of ea10 (auto-correlation included) unflagged");
        FlagTesting.AssertFlagRowConsistent(ms);
    }

    [Test]
    public void ClipFlagsAKnownThresholdNaNsAndZeros()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        FlagTesting.Tool("setvis", ms, "DATA", "5", "3", "1", "100", "0");
        FlagTesting.Tool("setvis", ms, "DATA", "6", "2", "2", "nan", "0");
        FlagTesting.Tool("setvis", ms, "DATA", "7", "1", "0", "0", "0");
        var before = tmp["before.ms"];
        Proc.Run("cp", ["-r", ms, before]);
        FlagTesting.FlagData("--vis", ms, "--mode", "clip", "--clipminmax", "[0,50]", "--clipzeros");
        var clip = FlagTesting.Tool("clip", before, ms, "DATA", "0", "50");
        // The zero of row 7 is the only cell clipzeros adds to the [0,50] range test.
        Assert.That(clip.Count("mismatches"), Is.EqualTo(1), clip.ToString());
        Assert.That(Cell(ms, 5, 3, 1) && Cell(ms, 6, 2, 2) && Cell(ms, 7, 1, 0), Is.True, "100, NaN and 0 are flagged");
        FlagTesting.AssertFlagRowConsistent(ms);
    }

    [Test]
    public void ClipOfOneCorrelationOnTheCorrectedColumn()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        FlagTesting.FlagData("--vis", ms, "--mode", "clip", "--datacolumn", "corrected", "--correlation", "ABS_LL", "--clipminmax", "[0.9,1.1]");
        var clip = FlagTesting.Tool("clip", before, ms, "CORRECTED_DATA", "0.9", "1.1", "3");
        Assert.That(clip.Count("mismatches"), Is.EqualTo(0), "LL cells outside [0.9,1.1] flagged, nothing else changed");
        Assert.That(clip.Count("expected_new"), Is.GreaterThan(0));
    }

    [TestCase("beg", "TIME<=scan_start+5")]
    [TestCase("endb", "TIME>=scan_stop-15")]
    [TestCase("tail", "TIME>scan_start+15")]
    [TestCase("end", "TIME<scan_stop-5")]
    public void QuackFlagsTheIntegrationsNearScanBoundaries(string mode, string rows)
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        string interval = mode is "beg" or "end" ? "5" : "15";
        FlagTesting.FlagData("--vis", ms, "--mode", "quack", "--quackinterval", interval, "--quackmode", mode);
        var region = FlagTesting.Tool("region", before, ms, rows, ":", ":");
        Assert.That(region.Count("inside"), Is.GreaterThan(0));
        Assert.That(region.Count("inside_flagged"), Is.EqualTo(region.Count("inside")));
        Assert.That(region.Count("outside_changed"), Is.EqualTo(0));
    }

    [Test]
    public void QuackIncrementCountsFromTheFirstUnflaggedIntegration()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        // Scan 2 starts at its first integration; flag it entirely, then quack 5 s with increment: the second goes too.
        var first = Checks.Py(ms, "t.query('SCAN_NUMBER==2').getcol('TIME').min()");
        FlagTesting.FlagData("--vis", ms, "--scan", "2", "--timerange", TimeRange(double.Parse(first, System.Globalization.CultureInfo.InvariantCulture)),
            "--flagbackup", "false");
        var before = tmp["before.ms"];
        Proc.Run("cp", ["-r", ms, before]);
        FlagTesting.FlagData("--vis", ms, "--mode", "quack", "--quackinterval", "5", "--quackincrement", "true", "--scan", "2");
        var second = FlagTesting.Tool("region", before, ms, "(SCAN_NUMBER==2)&(TIME>scan_start+5)&(TIME<=scan_start+15)", ":", ":");
        Assert.That(second.Count("inside_flagged"), Is.EqualTo(second.Count("inside")));
        Assert.That(second.Count("outside_changed"), Is.EqualTo(0));
    }

    [Test]
    public void ListAppliesCommandsInOrderFromFilesAndStrings()
    {
        using var tmp = new TempDir();
        var sequential = FlagTesting.CopyOfSmallMs(tmp, "sequential.ms");
        var listed = FlagTesting.CopyOfSmallMs(tmp);
        File.WriteAllLines(tmp["cmds.txt"], ["# online flags", "mode='manual' antenna='ea01' scan='2'", "", "mode='unflag' antenna='ea01' spw='1' reason='KEEP'"]);
        FlagTesting.FlagData("--vis", listed, "--mode", "list", "--inpfile", tmp["cmds.txt"], "--inpfile", "mode='clip' clipminmax=[0,3] correlation='ABS_RR'");
        FlagTesting.FlagData("--vis", sequential, "--antenna", "ea01", "--scan", "2");
        FlagTesting.FlagData("--vis", sequential, "--mode", "unflag", "--antenna", "ea01", "--spw", "1");
        FlagTesting.FlagData("--vis", sequential, "--mode", "clip", "--clipminmax", "[0,3]", "--correlation", "ABS_RR");
        FlagTesting.AssertSameFlags(sequential, listed);
        Assert.That(File.ReadAllLines(listed + ".flagversions/FLAG_VERSION_LIST"), Has.Length.EqualTo(1), "one backup for the whole list");
    }

    private static IEnumerable<TestCaseData> SummaryInputs() =>
        new[] { "generated" }.Concat(RealData.Names).Select(n => new TestCaseData(n).SetName($"FlagSummaryAgrees_{n.Replace('.', '_')}"));

    [TestCaseSource(nameof(SummaryInputs))]
    public void SummaryCountsAgreeWithAnIndependentCount(string input)
    {
        using var tmp = new TempDir();
        var ms = input == "generated" ? FlagTesting.CopyOfSmallMs(tmp) : tmp[input];
        if (input != "generated") Proc.Run("cp", ["-r", RealData.Path(input), ms]);
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "summary", "--summary-json", tmp["s.json"]);
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.False, "summary saves no flag version");
        var ours = JsonDocument.Parse(File.ReadAllText(tmp["s.json"])).RootElement;
        var theirs = FlagTesting.Tool("summary", ms);
        Assert.That(ours.GetProperty("type").GetString(), Is.EqualTo("summary"));
        Assert.That(ours.GetProperty("total").GetDouble(), Is.EqualTo(theirs.GetProperty("total").GetDouble()));
        Assert.That(ours.GetProperty("flagged").GetDouble(), Is.EqualTo(theirs.GetProperty("flagged").GetDouble()));
        foreach (var category in new[] { "antenna", "field", "scan", "spw", "correlation" })
        {
            Assert.That(ours.GetProperty(category).EnumerateObject().Select(p => p.Name).Order(),
                Is.EqualTo(theirs.GetProperty(category).EnumerateObject().Select(p => p.Name).Order()), category);
            foreach (var entry in theirs.GetProperty(category).EnumerateObject())
            {
                var mine = ours.GetProperty(category).GetProperty(entry.Name);
                Assert.That((mine.GetProperty("flagged").GetDouble(), mine.GetProperty("total").GetDouble()),
                    Is.EqualTo((entry.Value.GetProperty("flagged").GetDouble(), entry.Value.GetProperty("total").GetDouble())), $"{category} {entry.Name}");
            }
        }
        Assert.That(r.Stdout, Does.Contain("correlation").And.Contain("total"));
    }

    [Test]
    public void SummaryOptionsAndFiltersOnASelection()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        FlagTesting.FlagData("--vis", ms, "--mode", "summary", "--spw", "1", "--correlation", "RR", "--spwchan", "true", "--spwcorr", "true",
            "--basecnt", "true", "--minrel", "0.02", "--summary-json", tmp["s.json"]);
        var s = JsonDocument.Parse(File.ReadAllText(tmp["s.json"])).RootElement;
        Assert.That(s.GetProperty("spw").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "1" }).Or.Empty);
        Assert.That(s.GetProperty("correlation").EnumerateObject().Select(p => p.Name), Is.SubsetOf(new[] { "RR" }));
        Assert.That(s.GetProperty("spw:channel").EnumerateObject().Select(p => p.Name), Is.SubsetOf(Enumerable.Range(0, 8).Select(c => $"1:{c}")));
        Assert.That(s.TryGetProperty("spw:correlation", out _) && s.TryGetProperty("baseline", out _) && s.TryGetProperty("antenna:scan", out _), Is.True);
        foreach (var category in s.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            foreach (var e in category.Value.EnumerateObject())
                Assert.That(e.Value.GetProperty("flagged").GetDouble() / e.Value.GetProperty("total").GetDouble(), Is.GreaterThanOrEqualTo(0.02),
                    $"minrel drops {category.Name} {e.Name}");
        Assert.That(s.GetProperty("total").GetDouble(), Is.EqualTo(22680 / 3 * 8), "spw 1: 7560 rows × 8 channels × RR");
    }

    [Test]
    public void CalculateCountsWithoutChangingAnything()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "clip", "--clipminmax", "[0,1]", "--action", "calculate");
        Assert.That(r.Stdout, Does.Match(@"[1-9]\d* cells would be flagged"));
        FlagTesting.AssertSameFlags(before, ms);
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.False);
    }

    [Test]
    public void ShadowFlagsTheRowsOfShadowedAntennas()
    {
        using var tmp = new TempDir();
        var before = FlagTesting.CopyOfSmallMs(tmp, "before.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var none = FlagTesting.FlagData("--vis", ms, "--mode", "shadow", "--flagbackup", "false");
        Assert.That(none.Stdout, Does.Contain(": 0 cells flagged"), "the shortest projected baseline (31 m) exceeds a 25 m dish");
        // A tolerance of -20 m makes 45 m the shadowing distance; only spws 0 and 1 are flagged, from all baselines' geometry.
        FlagTesting.FlagData("--vis", ms, "--mode", "shadow", "--tolerance=-20", "--spw", "0,1");
        var region = FlagTesting.Tool("region", before, ms, "shadowed(-20)&(SPW<2)", ":", ":");
        Assert.That(region.Count("inside"), Is.GreaterThan(0));
        Assert.That(region.Count("inside_flagged"), Is.EqualTo(region.Count("inside")));
        Assert.That(region.Count("outside_changed"), Is.EqualTo(0));
    }

    [Test]
    public void TfcropFindsAnRfiBurstAndLeavesTheCleanDataAroundIt()
    {
        using var tmp = new TempDir();
        var ms = tmp["long.ms"];
        var sim = Proc.MmsMpi("simulate", "--outputvis", ms, "--nchan", "64", "--ncorr", "2", "--nscan", "2", "--nfield", "1",
            "--scan-length", "300", "--integration", "10", "--seed", "3");
        Assert.That(sim.ExitCode, Is.EqualTo(0), sim.ToString());
        FlagTesting.Tool("burst", ms, "1", "10", "12", "20", "23", "5");
        var before = tmp["before.ms"];
        Proc.Run("cp", ["-r", ms, before]);
        FlagTesting.FlagData("--vis", ms, "--mode", "tfcrop");
        var check = FlagTesting.Tool("burstcheck", before, ms, "1", "10", "12", "20", "23");
        Assert.That(check.GetProperty("burst_flagged").GetDouble(), Is.EqualTo(1.0), "every cell of the burst (3 integrations × 4 channels, all baselines)");
        Assert.That(check.GetProperty("around_new").GetDouble(), Is.LessThan(0.01), "the 2 channels and integrations around it stay clean");
        Assert.That(check.GetProperty("elsewhere_new").GetDouble(), Is.LessThan(0.01), "noise outliers only (4 and 3 sigma cutoffs)");
        Assert.That(check.Count("unflagged_after"), Is.EqualTo(0));
        FlagTesting.AssertFlagRowConsistent(ms);
    }

    private static bool Cell(string ms, int row, int chan, int corr) =>
        Checks.Py(ms, $"bool(t.getcell('FLAG', {row})[{chan}, {corr}])") == "True";

    /// <summary>A CASA timerange of ±1 s around a TIME value (MJD seconds).</summary>
    private static string TimeRange(double time)
    {
        static string At(double t) => DateTime.UnixEpoch.AddSeconds(t - 3506716800.0).ToString("yyyy/MM/dd/HH:mm:ss.f", System.Globalization.CultureInfo.InvariantCulture);
        return $"{At(time - 1)}~{At(time + 1)}";
    }
}
