using MmsMpi.Runtime;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The coordinator's progress: jobs and rows done (running jobs' rows included), rate, time left, each worker's job;
/// as a log line every few seconds, or on a terminal as a bar with a line per worker; for one-process runs too.
/// </summary>
public class ProgressTests
{
    [Test]
    public void TheLineSaysJobsRowsRateTimeLeftAndWorkers()
    {
        var p = new JobProgress(4, 2, ProgressStyle.Lines);
        p.Started(1, "a.0000.ms");
        p.Started(2, "a.0001.ms");
        p.Finished(1, 100);
        p.Started(1, "a.0002.ms");
        p.RowsSoFar(2, 60);
        p.RowsSoFar(1, 40);
        // 1 job in 2 s, 3 left on 2 workers: about 3 s; 100 rows done plus 100 in the running jobs.
        Assert.That(p.Describe(TimeSpan.FromSeconds(2)),
            Does.StartWith("progress: 1/4 jobs, 200 rows, 100 rows/s, about 3 s left; rank 1: a.0002.ms").And.Contain("rank 2: a.0001.ms (2 s, 60 rows)"));
        p.RowsSoFar(3, 1000);   // no such worker: ignored
        p.Finished(2, 70);      // the job's final count replaces its rows so far
        Assert.That(p.Describe(TimeSpan.FromSeconds(2)), Does.StartWith("progress: 2/4 jobs, 210 rows,").And.Contain("rank 2: idle"));
        Assert.That(new JobProgress(2, 2).Describe(TimeSpan.FromSeconds(1)), Does.Contain("time left unknown").And.Contain("rank 1: idle, rank 2: idle"));
        Assert.That(new JobProgress(1, 0).Describe(TimeSpan.FromSeconds(1)), Does.EndWith("; this process: idle"));
    }

    [Test]
    public void TheBarShowsJobsDoneAndALinePerWorker()
    {
        var p = new JobProgress(4, 10, ProgressStyle.Bar);
        p.Started(3, "a.0000.ms");
        p.Finished(3, 5);
        p.Started(1, "a.0001.ms");
        p.Started(10, "a.0002.ms");
        var lines = p.Draw(TimeSpan.FromSeconds(1));
        Assert.That(lines, Has.Count.EqualTo(1 + 8 + 1), "the bar, 8 workers, a line for the other 2");
        Assert.That(lines[0], Does.StartWith("[" + new string('#', 8) + new string('.', 22) + "] 1/4 jobs, 5 rows"));
        Assert.That(lines[1], Does.Contain("rank 1").And.Contain("a.0001.ms"));
        Assert.That(lines[3], Does.Contain("rank 3").And.Contain("idle"));
        Assert.That(lines[^1], Is.EqualTo("  and 2 more workers, 1 busy"));
    }

    [Test]
    public void AnMpiRunSaysWhereItIsEveryInterval()
    {
        using var tmp = new TempDir();
        var r = Proc.Run(Repo.Script("run-mpi.sh"), ["-n", "3", "partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["p.mms"],
                "--separationaxis", "scan", "--numsubms", "4", "--flagbackup", "false"],
            new Dictionary<string, string> { ["MMSMPI_DLL"] = Repo.MmsMpiDll, ["MMSMPI_PROGRESS_SECONDS"] = "0.05" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var lines = r.Stderr.Split('\n').Where(l => l.Contains("JobProgress: progress: ")).ToList();
        Assert.That(lines, Is.Not.Empty, r.Stderr);
        Assert.That(lines, Has.All.Match(@"progress: \d/4 jobs, \d+ rows, \d+ rows/s, .*; rank 1: .*, rank 2: "), r.Stderr);
    }

    [Test]
    public void AOneProcessRunCountsTheRowsOfItsRunningJob()
    {
        using var tmp = new TempDir();
        tmp.CopyOf(GeneratedData.SmallMs, "f.ms");
        var r = Proc.Run("dotnet", [Repo.MmsMpiDll, "flagdata", "--vis", tmp["f.ms"], "--mode", "tfcrop", "--flagbackup", "false"],
            new Dictionary<string, string> { ["MMSMPI_PROGRESS_SECONDS"] = "0.01" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var rows = r.Stderr.Split('\n').Where(l => l.Contains("JobProgress: progress: 0/1 jobs"))
            .Select(l => long.Parse(System.Text.RegularExpressions.Regex.Match(l, @"this process: f\.ms \(\d+ s, (\d+) rows\)").Groups[1].Value)).ToList();
        Assert.That(rows, Is.Not.Empty, r.Stderr);
        Assert.That(rows, Is.Ordered, "rows only grow");
        Assert.That(rows[^1], Is.GreaterThan(0).And.LessThanOrEqualTo(Checks.TaqlRows(tmp["f.ms"])), r.Stderr);
    }

    [Test]
    public void OffSaysNothing()
    {
        using var tmp = new TempDir();
        tmp.CopyOf(GeneratedData.SmallMs, "f.ms");
        var r = Proc.Run("dotnet", [Repo.MmsMpiDll, "flagdata", "--vis", tmp["f.ms"], "--mode", "tfcrop", "--flagbackup", "false"],
            new Dictionary<string, string> { ["MMSMPI_PROGRESS_SECONDS"] = "0.01", ["MMSMPI_PROGRESS"] = "off" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Not.Contain("progress:"), r.Stderr);
    }
}
