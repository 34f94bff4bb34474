using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The log: casacore's messages go through ours, the measures-data block that every frame conversion repeated (IERS
/// tables missing, leap-second table out of date) is one WARN line per run said by rank 0, nothing of casacore's
/// own stderr format is left; and every run writes a log file (named on its first line and in its ERROR line) that
/// holds every rank's lines at debug level, outside the working directory.
/// </summary>
public class LogTests
{
    private const string Said = "casacore's measures data are out of date";

    private static void AssertQuiet(ProcResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var lines = r.Stderr.Split('\n');
        Assert.That(lines.Where(l => l.Contains(Said)).ToList(), Has.Count.EqualTo(1), r.Stderr);
        Assert.That(lines.Single(l => l.Contains(Said)), Does.Contain("WARN  MPIClient casacore: "), "rank 0 says it for the run");
        Assert.That(r.Stderr, Does.Not.Contain("TAI_UTC").And.Not.Contain("MeasIERS").And.Not.Contain("SEVERE"), r.Stderr);
    }

    [Test]
    public void AFrameConversionSaysTheMeasuresDataOncePerRun()
    {
        using var tmp = new TempDir();
        AssertQuiet(Proc.MmsMpi("mstransform", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["lsrk.ms"], "--datacolumn", "data",
            "--regridms", "--outframe", "LSRK"));
        var part = Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["in.mms"], "--numsubms", "3", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        var mpi = Proc.MmsMpiUnderMpi(3, "mstransform", "--vis", tmp["in.mms"], "--outputvis", tmp["lsrk.mms"], "--datacolumn", "data",
            "--regridms", "--outframe", "LSRK");
        AssertQuiet(mpi);
        Assert.That(mpi.Log, Does.Contain("MPIServer-1 casacore: " + Said).Or.Contain("MPIServer-2 casacore: " + Said),
            "a worker's notice is in the log file (it told rank 0)");
    }

    [Test]
    public void AnMpiRunsLogFileHoldsEveryRanksLinesAtDebugLevel()
    {
        using var tmp = new TempDir();
        var r = Proc.MmsMpiUnderMpi(3, "partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["p.mms"], "--numsubms", "4", "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var first = r.Stderr.Split('\n')[0];
        Assert.That(first, Does.EndWith("INFO  MPIClient Log: full log in " + r.LogPath), "the first line names the file");
        Assert.That(r.Log, Does.Contain("MPIClient Command: MmsMpi partition --vis " + GeneratedData.SmallMs), "the file has the command line");
        Assert.That(Path.GetDirectoryName(r.LogPath), Is.EqualTo(Environment.GetEnvironmentVariable("MMSMPI_LOG_DIR")));
        Assert.That(Path.GetFileName(r.LogPath), Does.Match(@"^mmsmpi-\d{8}-\d{6}-\d+\.log$"));
        var log = r.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var origin in new[] { "MPIClient", "MPIServer-1", "MPIServer-2" })
            Assert.That(log.Count(l => l.Contains($" {origin} ")), Is.GreaterThan(0), $"{origin}'s lines: {r.Log}");
        Assert.That(log.Any(l => l.Contains("DEBUG MPIServer-") && l.Contains("SubMsJob")), Is.True, "the workers' debug lines: " + r.Log);
        Assert.That(r.Stderr, Does.Not.Contain("DEBUG").And.Not.Contain("MPIServer-1 SubMsJob"), "the terminal gets rank 0's lines and the workers' warnings only");
        Assert.That(log, Has.All.Match(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) MPI(Client|Server-\d) "), "one format for every line");
    }

    [Test]
    public void AnErrorNamesTheLogFileWhichHoldsIt()
    {
        using var tmp = new TempDir();
        var r = Proc.Run("dotnet", [Repo.MmsMpiDll, "listpartition", "--vis", tmp["nothing.ms"]], cwd: tmp.Path);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        var error = r.Stderr.Split('\n').Single(l => l.StartsWith("ERROR:"));
        Assert.That(error, Does.EndWith($"(log: {r.LogPath})"), r.Stderr);
        Assert.That(r.Log, Does.Contain("ERROR MPIClient TaskHost: ").And.Contain("nothing.ms"), r.Log);
        Assert.That(Directory.GetFileSystemEntries(tmp.Path), Is.Empty, "no log file where the run was started");
    }

    [Test]
    public void HelpAndVersionWriteNoLog()
    {
        using var tmp = new TempDir();
        var env = new Dictionary<string, string> { ["MMSMPI_LOG_DIR"] = tmp["logs"] };
        foreach (string[] args in new[] { ["--help"], ["--version"], new[] { "partition", "--help" } })
        {
            var r = Proc.Run("dotnet", [Repo.MmsMpiDll, .. args], env);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.Stderr, Does.Not.Contain("full log in"), r.ToString());
        }
        Assert.That(Directory.Exists(tmp["logs"]), Is.False);
    }

    /// <summary>Under mpiexec too: the workers' lines, which only a log file would take, do not reach the terminal.</summary>
    [Test]
    public void VersionUnderMpiPrintsTheVersionAlone()
    {
        var r = Proc.MmsMpiUnderMpi(3, "--version");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.StartWith("MmsMpi "));
        Assert.That(r.Stderr.Trim(), Is.Empty, r.ToString());
    }
}
