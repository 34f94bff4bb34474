using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// flagdata on a Multi-MS under mpiexec (rank 0 + 2 workers, one job per sub-MS) flags exactly the cells that the same
/// command flags on the plain MS in one process, for every mode and partition axis; the summaries are equal.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class FlagMmsTests
{
    private static IEnumerable<TestCaseData> Modes()
    {
        yield return Case("manual", "scan", ["--antenna", "ea05,ea07", "--spw", "0:2~5,2", "--correlation", "RR,LL", "--scan", "2~4"]);
        yield return Case("unflag", "baseline", ["--mode", "unflag", "--field", "3C286", "--spw", "0"]);
        yield return Case("autocorr", "spw", ["--mode", "manual", "--autocorr", "true", "--scan", "1,5"]);
        yield return Case("clip", "auto", ["--mode", "clip", "--clipminmax", "[0.5,2.5]", "--clipzeros", "true", "--intent", "*TARGET*"]);
        yield return Case("clip_residual", "spw", ["--mode", "clip", "--datacolumn", "residual_data", "--correlation", "ABS_I", "--clipminmax", "[0,1]"]);
        yield return Case("quack", "spw", ["--mode", "quack", "--quackinterval", "12", "--quackmode", "endb"]);
        yield return Case("shadow", "baseline", ["--mode", "shadow", "--tolerance=-20", "--antenna", "ea01,ea02,ea10"]);
        yield return Case("tfcrop", "baseline", ["--mode", "tfcrop", "--spw", "2", "--freqcutoff", "2.5"]);
        yield return Case("rflag", "scan", ["--mode", "rflag"]);
        yield return Case("rflag", "baseline", ["--mode", "rflag", "--freqdevscale", "3"]);
        yield return Case("rflag_given", "baseline", ["--mode", "rflag", "--timedev", "[[0,0,0.05],[1,2,0.08]]", "--freqdev", "0.1", "--datacolumn", "corrected"]);
        yield return Case("rflag_stokes", "auto", ["--mode", "rflag", "--correlation", "I,RR", "--extendflags", "false"]);
        yield return Case("extend", "scan", ["--mode", "extend", "--growtime", "20", "--growfreq", "30", "--growaround", "--flagneartime",
            "--flagnearfreq", "--correlation", "RR,LL"]);
        yield return Case("extend", "baseline", ["--mode", "extend", "--growtime", "10", "--growfreq", "10"]);
        yield return Case("antint", "spw", ["--mode", "antint", "--antint_ref_antenna", "ea03", "--minchanfrac", "0.02", "--spw", "0,2"]);
        yield return Case("antint", "baseline", ["--mode", "antint", "--antint_ref_antenna", "ea01", "--minchanfrac", "0.02"]);
        yield return Case("clip_averaged", "scan", ["--mode", "clip", "--clipminmax", "[0,1.2]", "--channelavg", "--chanbin", "4", "--timeavg", "--timebin", "20s"]);
        yield return Case("clip_averaged", "baseline", ["--mode", "clip", "--clipminmax", "[0,1.1]", "--datacolumn", "corrected", "--timeavg", "--timebin", "30s"]);
        // the new modes on the axes their own cases above leave out, as one list per axis
        string[] newModes = ["--mode", "list", "--inpfile", "mode='rflag' spw='0,2' timedevscale=3", "--inpfile", "mode='extend' flagnearfreq=True",
            "--inpfile", "mode='antint' antint_ref_antenna='ea02' minchanfrac=0.02", "--inpfile", "mode='clip' clipminmax=[0,1.2] channelavg=True chanbin=4"];
        yield return Case("newmodes_list", "spw", newModes);
        yield return Case("newmodes_list", "scan", newModes);
        yield return Case("tfcrop_timefreq", "scan", ["--mode", "tfcrop", "--flagdimension", "timefreq", "--usewindowstats", "both", "--correlation", "ABS_RR"]);
        yield return Case("quackincrement", "baseline", ["--mode", "quack", "--quackinterval", "5", "--quackincrement", "true"]);

        static TestCaseData Case(string name, string axis, string[] args) => new TestCaseData(axis, args).SetName($"FlagMms_{name}_{axis}");
    }

    [TestCaseSource(nameof(Modes))]
    public void MmsInParallelFlagsTheSameCellsAsThePlainMs(string axis, string[] args)
    {
        using var tmp = new TempDir();
        var (ms, mms) = Pair(tmp, axis);
        var parallel = Proc.MmsMpiUnderMpi(3, ["flagdata", "--vis", mms, .. args]);
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        Assert.That(parallel.Stderr, Does.Contain("on 2 worker(s)"));
        Assert.That(parallel.Log, Does.Not.Contain("restoring the flags"), "a fresh run does not restore its own backup (it did, a pass over every FLAG)");
        FlagTesting.FlagData(["--vis", ms, .. args]);
        FlagTesting.AssertSameFlags(ms, mms);
        FlagTesting.AssertFlagRowConsistent(mms);
        Assert.That(File.ReadAllLines(mms + ".flagversions/FLAG_VERSION_LIST").Select(l => l.Split(" : ")[0]),
            Is.EqualTo(new[] { "partition_1", "flagdata_1" }), "one backup, at MMS level");
        Assert.That(Directory.GetDirectories(Path.Combine(mms, "SUBMSS")).Where(d => Directory.Exists(d + ".flagversions")), Is.Empty);
    }

    [Test]
    public void ListOnAnMmsEqualsListOnTheMs()
    {
        using var tmp = new TempDir();
        var (ms, mms) = Pair(tmp, "auto");
        File.WriteAllLines(tmp["cmds.txt"],
        [
            "mode='quack' quackinterval=5",
            "mode='manual' antenna='ea03&ea04' timerange='<2030/01/01'",
            "mode='clip' clipminmax=[0,2] correlation='REAL_RR' spw='1'",
            "mode='unflag' scan='3' correlation='LL'",
        ]);
        var parallel = Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "list", "--inpfile", tmp["cmds.txt"]);
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        FlagTesting.FlagData("--vis", ms, "--mode", "list", "--inpfile", tmp["cmds.txt"]);
        FlagTesting.AssertSameFlags(ms, mms);
    }

    [TestCase("scan")]
    [TestCase("baseline")]
    public void SummaryOfAnMmsEqualsSummaryOfThePlainMs(string axis)
    {
        using var tmp = new TempDir();
        var (ms, mms) = Pair(tmp, axis);
        string[] args = ["--mode", "summary", "--spwchan", "true", "--spwcorr", "true", "--basecnt", "true", "--minabs", "10"];
        var parallel = Proc.MmsMpiUnderMpi(3, ["flagdata", "--vis", mms, .. args, "--summary-json", tmp["mms.json"]]);
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        var single = FlagTesting.FlagData(["--vis", ms, .. args, "--summary-json", tmp["ms.json"]]);
        Assert.That(File.ReadAllText(tmp["mms.json"]), Is.EqualTo(File.ReadAllText(tmp["ms.json"])));
        Assert.That(parallel.Stdout, Is.EqualTo(single.Stdout));
        var fields = Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "summary", "--fieldcnt", "true", "--summary-json", tmp["f-mms.json"]);
        Assert.That(fields.ExitCode, Is.EqualTo(0), fields.ToString());
        FlagTesting.FlagData("--vis", ms, "--mode", "summary", "--fieldcnt", "true", "--summary-json", tmp["f-ms.json"]);
        Assert.That(File.ReadAllText(tmp["f-mms.json"]), Is.EqualTo(File.ReadAllText(tmp["f-ms.json"])));
        Assert.That(JsonDocument.Parse(File.ReadAllText(tmp["f-ms.json"])).RootElement.GetProperty("3C286").GetProperty("scan").EnumerateObject()
            .Select(p => p.Name), Is.EqualTo(new[] { "1" }), "field breakdown: 3C286 is observed in scan 1");
    }

    /// <summary>A copy of the generated MS and an MMS partitioned from it (3 sub-MSs on the axis).</summary>
    public static (string Ms, string Mms) Pair(TempDir tmp, string axis)
    {
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var p = Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["sim.mms"], "--separationaxis", axis, "--numsubms", "3");
        Assert.That(p.ExitCode, Is.EqualTo(0), p.ToString());
        return (ms, tmp["sim.mms"]);
    }
}
