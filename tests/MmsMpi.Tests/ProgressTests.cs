using MmsMpi.Runtime;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>Rank 0's progress line: jobs and rows done, rate, time left, each worker's job; and under mpiexec every few seconds.</summary>
public class ProgressTests
{
    [Test]
    public void TheLineSaysJobsRowsRateTimeLeftAndWorkers()
    {
        var p = new JobProgress(4, 2);
        p.Started(1, "a.0000.ms");
        p.Started(2, "a.0001.ms");
        p.Finished(1, 100);
        p.Started(1, "a.0002.ms");
        // 1 job in 2 s, 3 left on 2 workers: about 3 s.
        Assert.That(p.Describe(TimeSpan.FromSeconds(2)),
            Does.StartWith("progress: 1/4 jobs, 100 rows, 50 rows/s, about 3 s left; rank 1: a.0002.ms").And.Contain("rank 2: a.0001.ms (2 s)"));
        Assert.That(new JobProgress(2, 2).Describe(TimeSpan.FromSeconds(1)), Does.Contain("time left unknown").And.Contain("rank 1: idle, rank 2: idle"));
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
}
