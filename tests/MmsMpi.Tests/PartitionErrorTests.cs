using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>Bad input: one clear line on stderr, exit code 1, no output (not even a half-built one), input untouched.</summary>
public class PartitionErrorTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        var ms = RealData.Path("mssel_test_small.ms");
        yield return Case("missing vis", ["--vis", "/nonexistent/x.ms"], "Visibility data set not found");
        yield return Case("vis not an MS", ["--vis", Path.Combine(ms, "ANTENNA")], "is not a MeasurementSet");
        yield return Case("unknown axis", ["--vis", ms, "--separationaxis", "field"], "unknown separationaxis 'field'");
        yield return Case("numsubms 0", ["--vis", ms, "--numsubms", "0"], "numsubms must be >= 1");
        yield return Case("numsubms not a number", ["--vis", ms, "--numsubms", "many"], "numsubms must be 'auto' or an integer");
        yield return Case("scan that does not exist", ["--vis", ms, "--scan", "99"], "selects no rows");
        yield return Case("malformed spw", ["--vis", ms, "--spw", "1:5~"], "data selection failed");
        yield return Case("taql that selects nothing", ["--vis", ms, "--taql", "SCAN_NUMBER > 1000"], "selects no rows");
        yield return Case("bad datacolumn", ["--vis", ms, "--datacolumn", "fancy"], "unknown datacolumn 'fancy'");
        yield return Case("missing corrected column", ["--vis", ms, "--datacolumn", "corrected", "--createmms", "false"], "Desired column (CORRECTED_DATA) not found");

        static TestCaseData Case(string name, string[] args, string message) => new TestCaseData(args, message).SetName($"PartitionError_{name.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(Cases))]
    public void FailsWithOneClearLineAndNoOutput(string[] args, string message)
    {
        using var tmp = new TempDir();
        var before = Snapshot(RealData.Path("mssel_test_small.ms"));
        var r = Proc.MmsMpi(["partition", .. args, "--outputvis", tmp["out.mms"]]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("ERROR:")).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.Contain(message));
        Assert.That(Directory.GetFileSystemEntries(tmp.Path), Is.Empty, "nothing may be left behind");
        Assert.That(Snapshot(RealData.Path("mssel_test_small.ms")), Is.EqualTo(before), "the input must not change");
    }

    [Test]
    public void RefusesAnExistingOutputAndLeavesItAlone()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["out.mms"]);
        File.WriteAllText(tmp["out.mms/keep"], "mine");
        var r = Proc.MmsMpi("partition", "--vis", RealData.Path("mssel_test_small.ms"), "--outputvis", tmp["out.mms"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("already exists - will not overwrite it"));
        Assert.That(File.ReadAllText(tmp["out.mms/keep"]), Is.EqualTo("mine"));
    }

    [Test]
    public void RefusesAnExistingFlagVersionsDirectory()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["out.mms.flagversions"]);
        var r = Proc.MmsMpi("partition", "--vis", RealData.Path("mssel_test_small.ms"), "--outputvis", tmp["out.mms"]);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("flagversions"));
        Assert.That(Directory.Exists(tmp["out.mms"]), Is.False);
    }

    private static string Snapshot(string dir) => string.Join("\n",
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order()
            .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks}"));
}
