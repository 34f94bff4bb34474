using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// flagdata mode='aoflagger' against Debian's aoflagger tool (3.1) on the same data, flag for flag, and a Multi-MS
/// under mpiexec against the plain MS for every axis (each job is given the plain MS's sequences and time grids).
/// The tool replaces FLAG (its strategies clear the old flags first); our mode ORs into it: on unflagged data the two
/// are equal, on flagged data ours is the tool's flags OR the old ones.
/// </summary>
public class FlagAoflaggerTests
{
    private const string Compare = """
        import json, sys
        from casacore import tables as pt
        a, b = (pt.table(p, ack=False).getcol("FLAG") for p in sys.argv[1:3])
        old = pt.table(sys.argv[3], ack=False).getcol("FLAG") if len(sys.argv) > 3 else None
        expected = a if old is None else (a | old)
        print(json.dumps({"tool": int(a.sum()), "ours": int(b.sum()), "differ": int((expected != b).sum())}))
        """;

    private static JsonElement Run(params string[] args)
    {
        var r = Proc.Python(Compare, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [TestCase("vla_day2_TDEM0003.ms.tgz", "jvla-default.lua")]
    [TestCase("lofar_tNDPPP_generic.ms.tgz", "lofar-default.lua")]
    public void EqualsTheAoflaggerToolOnTheSameData(string archive, string strategy)
    {
        using var tmp = new TempDir();
        string tool = tmp.CopyOf(RealData.Path(RealData.Sets[archive]), "tool.ms");
        Assert.That(FlagTesting.FlagData("--vis", tool, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        string ours = tmp.CopyOf(tool, "ours.ms");
        var t = Proc.Run("aoflagger", [tool]);
        Assert.That(t.ExitCode, Is.EqualTo(0), t.ToString());
        var r = FlagTesting.FlagData("--vis", ours, "--mode", "aoflagger", "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Log, Does.Contain($"/{strategy}"), "the telescope's strategy, as the tool picks it");
        var c = Run(tool, ours);
        Assert.That(c.GetProperty("tool").GetInt64(), Is.GreaterThan(0), c.ToString());
        Assert.That(c.GetProperty("differ").GetInt64(), Is.Zero, c.ToString());
    }

    [Test]
    public void OnFlaggedDataTheOldFlagsStayAndTheToolsAreAdded()
    {
        using var tmp = new TempDir();
        string before = tmp.CopyOf(RealData.Path(RealData.Sets["lofar_tNDPPP_generic.ms.tgz"]), "before.ms");
        string tool = tmp.CopyOf(before, "tool.ms"), ours = tmp.CopyOf(before, "ours.ms");
        Assert.That(Proc.Run("aoflagger", [tool]).ExitCode, Is.EqualTo(0));
        Assert.That(FlagTesting.FlagData("--vis", ours, "--mode", "aoflagger", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        var c = Run(tool, ours, before);
        Assert.That(c.GetProperty("differ").GetInt64(), Is.Zero, c.ToString());
        Assert.That(c.GetProperty("ours").GetInt64(), Is.GreaterThan(c.GetProperty("tool").GetInt64()), "the tool cleared old flags; we keep them");
    }

    [TestCase("scan")]
    [TestCase("spw")]
    [TestCase("baseline")]
    public void AnMmsUnderMpiFlagsAsThePlainMs(string axis)
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, axis);
        var parallel = Proc.MmsMpiUnderMpi(3, "flagdata", "--vis", mms, "--mode", "aoflagger", "--flagbackup", "false");
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        var single = FlagTesting.FlagData("--vis", ms, "--mode", "aoflagger", "--flagbackup", "false");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.ToString());
        Assert.That(single.Stdout, Does.Not.Contain(": 0 cells flagged"), "the strategy flags something here");
        FlagTesting.AssertSameFlags(ms, mms);
    }

    [Test]
    public void AGivenStrategyFileIsUsed()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(RealData.Path(RealData.Sets["vla_day2_TDEM0003.ms.tgz"]), "s.ms");
        Assert.That(FlagTesting.FlagData("--vis", ms, "--mode", "unflag", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        string tool = tmp.CopyOf(ms, "tool.ms");
        const string lofar = "/usr/share/aoflagger/strategies/lofar-default.lua";
        Assert.That(Proc.Run("aoflagger", ["-strategy", lofar, tool]).ExitCode, Is.EqualTo(0));
        var r = FlagTesting.FlagData("--vis", ms, "--mode", "aoflagger", "--strategy", lofar, "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(Run(tool, ms).GetProperty("differ").GetInt64(), Is.Zero);
    }
}
