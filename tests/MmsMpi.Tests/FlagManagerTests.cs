using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>flagmanager with the versions flagdata saves: save → flag → restore is exact (python-casacore compares), on MS and MMS.</summary>
[Parallelizable(ParallelScope.None)]
public class FlagManagerTests
{
    [Test]
    public void SaveFlagRestoreGivesBackTheFlagsBitForBitOnAnMs()
    {
        using var tmp = new TempDir();
        var original = FlagTesting.CopyOfSmallMs(tmp, "original.ms");
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        Manager("--vis", ms, "--mode", "save", "--versionname", "mine", "--comment", "as simulated");
        FlagTesting.FlagData("--vis", ms, "--mode", "clip", "--clipminmax", "[0,1]");
        FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--antenna", "ea10");
        Assert.That(FlagTesting.Tool("equal", original, ms).GetProperty("equal").GetBoolean(), Is.False);
        Manager("--vis", ms, "--mode", "restore", "--versionname", "mine");
        FlagTesting.AssertSameFlags(original, ms);

        var list = Manager("--vis", ms, "--mode", "list").Stdout;
        Assert.That(list, Does.Contain("mine : as simulated").And.Contain("flagdata_1 : Flags autosave on").And.Contain("flagdata_2"));
        Manager("--vis", ms, "--mode", "restore", "--versionname", "flagdata_2");
        var clipped = tmp["clipped.ms"];
        Proc.Run("cp", ["-r", original, clipped]);
        FlagTesting.FlagData("--vis", clipped, "--mode", "clip", "--clipminmax", "[0,1]");
        FlagTesting.AssertSameFlags(clipped, ms);
    }

    [Test]
    public void RestoreOnAnMmsRunsPerSubMsAndIsExact()
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, "baseline");
        var save = Proc.MmsMpiUnderMpi(3, "flagmanager", "--vis", mms, "--mode", "save", "--versionname", "start");
        Assert.That(save.ExitCode, Is.EqualTo(0), save.ToString());
        foreach (var args in new[] { new[] { "--mode", "quack", "--quackinterval", "5" }, ["--mode", "unflag", "--scan", "1"] })
            Assert.That(Proc.MmsMpiUnderMpi(3, ["flagdata", "--vis", mms, .. args]).ExitCode, Is.EqualTo(0));
        var restore = Proc.MmsMpiUnderMpi(3, "flagmanager", "--vis", mms, "--mode", "restore", "--versionname", "start");
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
        FlagTesting.AssertSameFlags(ms, mms);
        FlagTesting.AssertSameRows(mms, mms + ".flagversions/flags.start");
    }

    [Test]
    public void MergeAndOrCombineWithTheCurrentFlags()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        var a = FlagTesting.CopyOfSmallMs(tmp, "a.ms");
        var b = FlagTesting.CopyOfSmallMs(tmp, "b.ms");
        FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false");
        FlagTesting.FlagData("--vis", ms, "--antenna", "ea01", "--flagbackup", "false");
        Manager("--vis", ms, "--mode", "save", "--versionname", "ea01");
        FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false");
        FlagTesting.FlagData("--vis", ms, "--scan", "2", "--flagbackup", "false");
        Manager("--vis", ms, "--mode", "restore", "--versionname", "ea01", "--merge", "or");
        foreach (var c in new[] { a, b }) FlagTesting.FlagData("--vis", c, "--mode", "unflag", "--flagbackup", "false");
        FlagTesting.FlagData("--vis", a, "--mode", "list", "--inpfile", "mode='manual' antenna='ea01'", "--inpfile", "mode='manual' scan='2'");
        FlagTesting.AssertSameFlags(a, ms);
        Manager("--vis", ms, "--mode", "restore", "--versionname", "ea01", "--merge", "and");
        FlagTesting.FlagData("--vis", b, "--antenna", "ea01");
        FlagTesting.AssertSameFlags(b, ms);
    }

    [Test]
    public void SaveOverAnExistingNameRenamesTheOldOneAndDeleteRemoves()
    {
        using var tmp = new TempDir();
        var ms = FlagTesting.CopyOfSmallMs(tmp);
        Manager("--vis", ms, "--mode", "save", "--versionname", "v", "--comment", "first");
        Manager("--vis", ms, "--mode", "save", "--versionname", "v", "--comment", "second");
        var names = File.ReadAllLines(ms + ".flagversions/FLAG_VERSION_LIST");
        Assert.That(names, Has.Length.EqualTo(2));
        Assert.That(names[0], Does.Match(@"^v\.old\.\d+ : first$"));
        Assert.That(names[1], Is.EqualTo("v : second"));
        Manager("--vis", ms, "--mode", "rename", "--oldname", "v", "--versionname", "w", "--comment", "renamed");
        Manager("--vis", ms, "--mode", "delete", "--versionname", names[0].Split(" : ")[0]);
        Assert.That(File.ReadAllLines(ms + ".flagversions/FLAG_VERSION_LIST"), Is.EqualTo(new[] { "w : renamed" }));
        Assert.That(Directory.GetDirectories(ms + ".flagversions").Select(Path.GetFileName), Is.EqualTo(new[] { "flags.w" }));
    }

    private static ProcResult Manager(params string[] args)
    {
        var r = Proc.MmsMpi(["flagmanager", .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r;
    }
}
