using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// casacore's log goes through ours: the measures-data block that every frame conversion repeated (IERS tables
/// missing, leap-second table out of date) is one WARN line per process, with the rank as origin, and nothing of
/// casacore's own stderr format is left.
/// </summary>
public class LogTests
{
    private const string Said = "casacore's measures data are out of date";

    private static void AssertQuiet(ProcResult r, int ranks)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var lines = r.Stderr.Split('\n');
        Assert.That(lines.Where(l => l.Contains(Said)).ToList(), Has.Count.InRange(1, ranks), r.Stderr);
        Assert.That(lines.Where(l => l.Contains(Said)).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"MPI(Client|Server-\d+)").Value).Distinct().Count(),
            Is.EqualTo(lines.Count(l => l.Contains(Said))), "at most once per rank: " + r.Stderr);
        Assert.That(r.Stderr, Does.Not.Contain("TAI_UTC").And.Not.Contain("MeasIERS").And.Not.Contain("SEVERE"), r.Stderr);
    }

    [Test]
    public void AFrameConversionSaysTheMeasuresDataOnce()
    {
        using var tmp = new TempDir();
        AssertQuiet(Proc.MmsMpi("mstransform", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["lsrk.ms"], "--datacolumn", "data",
            "--regridms", "--outframe", "LSRK"), 1);
        var part = Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["in.mms"], "--numsubms", "3", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        AssertQuiet(Proc.MmsMpiUnderMpi(3, "mstransform", "--vis", tmp["in.mms"], "--outputvis", tmp["lsrk.mms"], "--datacolumn", "data",
            "--regridms", "--outframe", "LSRK"), 3);
    }
}
