using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>Bad input to flagdata and flagmanager: one `ERROR:` line, exit code 1, not one file of the data set changed, no backup.</summary>
public class FlagErrorTests
{
    private static IEnumerable<TestCaseData> FlagDataCases()
    {
        yield return Case("unknown mode", ["--mode", "fancy"], "unknown mode 'fancy'");
        yield return Case("unsupported mode", ["--mode", "display"], "not supported");
        yield return Case("malformed spw", ["--spw", "1:5~"], "data selection failed");
        yield return Case("unknown antenna", ["--antenna", "ea99"], "data selection failed");
        yield return Case("scan that does not exist", ["--scan", "99"], "selects no rows");
        yield return Case("quackinterval 0", ["--mode", "quack", "--quackinterval", "0"], "Parameter 'quackinterval' must be greater than zero.");
        yield return Case("bad quackmode", ["--mode", "quack", "--quackmode", "middle"], "Unsupported quack mode: middle");
        yield return Case("bad clipminmax", ["--mode", "clip", "--clipminmax", "[5]"], "clipminmax must be [] or [min,max]");
        yield return Case("missing datacolumn", ["--mode", "clip", "--datacolumn", "float_data"], "Desired column (FLOAT_DATA) not found");
        yield return Case("unavailable correlation", ["--mode", "clip", "--correlation", "ABS_XX"], "Requested polarization parameter (XX) not available");
        yield return Case("parameter of another mode", ["--mode", "manual", "--quackinterval", "2"], "does not apply to mode 'manual'");
        yield return Case("malformed list command", ["--mode", "list", "--inpfile", "mode='manual' antenna='ea01"], "malformed flag command");
        yield return Case("bad selection in a list", ["--mode", "list", "--inpfile", "mode='manual' scan='1'", "--inpfile", "mode='manual' spw='9:0~3'"],
            "data selection failed (in: mode='manual' spw='9:0~3')");
        yield return Case("missing list file", ["--mode", "list", "--inpfile", "/no/such/flags.txt"], "neither a file nor a flag command");
        yield return Case("list with a command-line selection", ["--mode", "list", "--inpfile", "mode='manual'", "--scan", "2"],
            "mode 'list' takes its selections and parameters from inpfile");
        yield return Case("inpfile outside list", ["--mode", "manual", "--inpfile", "mode='manual'"], "inpfile applies to mode 'list' only");
        yield return Case("bad action", ["--action", "maybe"], "unknown action 'maybe'");
        yield return Case("summary json without summary", ["--summary-json", "/tmp/never.json"], "--summary-json needs a summary command");
        yield return Case("bad boolean", ["--autocorr", "maybe"], "must be True or False");

        static TestCaseData Case(string name, string[] args, string message) =>
            new TestCaseData(args, message).SetName($"FlagDataError_{name.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(FlagDataCases))]
    public void FlagDataFailsWithOneLineAndChangesNothing(string[] args, string message)
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        AssertFailsAndChangesNothing(ms, () => Proc.MmsMpi(["flagdata", "--vis", ms, .. args]), message);
    }

    [Test]
    public void FlagDataOnAnMmsUnderMpiChangesNothingOnBadInput()
    {
        using var tmp = new TempDir();
        var (_, mms) = FlagMmsTests.Pair(tmp, "scan");
        AssertFailsAndChangesNothing(mms, () => Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "list", "--inpfile", "mode='manual' scan='2'",
            "--inpfile", "mode='clip' clipminmax=[0,1] correlation='ABS_YY'"), "Requested polarization parameter (YY) not available");
    }

    [Test]
    public void MissingVisIsAnError()
    {
        var r = Proc.MmsMpi("flagdata", "--vis", "/no/such.ms");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("ERROR: Visibility data set not found"));
    }

    private static IEnumerable<TestCaseData> FlagManagerCases()
    {
        yield return Case("restore missing version", ["--mode", "restore", "--versionname", "nope"], "Flag version nope does not exist");
        yield return Case("delete missing version", ["--mode", "delete", "--versionname", "nope"], "Flag version nope does not exist");
        yield return Case("empty versionname", ["--mode", "save"], "Illegal empty versionname");
        yield return Case("unknown mode", ["--mode", "explode", "--versionname", "x"], "unknown mode 'explode'");
        yield return Case("unknown merge", ["--mode", "restore", "--versionname", "kept", "--merge", "xor"], "unknown merge 'xor'");
        yield return Case("rename onto existing", ["--mode", "rename", "--oldname", "kept", "--versionname", "kept"], "Flagversions kept already exists!");
        yield return Case("rename without oldname", ["--mode", "rename", "--versionname", "x"], "Illegal oldname");

        static TestCaseData Case(string name, string[] args, string message) =>
            new TestCaseData(args, message).SetName($"FlagManagerError_{name.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(FlagManagerCases))]
    public void FlagManagerFailsWithOneLineAndChangesNothing(string[] args, string message)
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var save = Proc.MmsMpi("flagmanager", "--vis", ms, "--mode", "save", "--versionname", "kept");
        Assert.That(save.ExitCode, Is.EqualTo(0), save.ToString());
        AssertFailsAndChangesNothing(ms, () => Proc.MmsMpi(["flagmanager", "--vis", ms, .. args]), message);
    }

    /// <summary>One ERROR line with the message, exit 1, and every file beside and inside the data set as it was (no backup either).</summary>
    private static void AssertFailsAndChangesNothing(string vis, Func<ProcResult> run, string message)
    {
        var dir = Path.GetDirectoryName(vis)!;
        string before = Snapshot(dir);
        var r = run();
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("ERROR:")).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), r.ToString());
        Assert.That(errors[0], Does.Contain(message));
        Assert.That(Snapshot(dir), Is.EqualTo(before), "nothing may change");
    }

    private static string Snapshot(string dir) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order()
            .Select(f => $"{f} {(File.Exists(f) ? new FileInfo(f).Length : 0)} {File.GetLastWriteTimeUtc(f).Ticks}"));
}
