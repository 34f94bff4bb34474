using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// A real SLURM (Debian's slurm-wlm 22.05, munge) on this machine, started by scripts/slurm/local-cluster.sh: the
/// sbatch template runs partition and flagdata under both MPIs (srun --mpi=pmix for Open MPI, --mpi=pmi2 for MPICH,
/// and mpiexec inside the allocation), with results equal to one process; a failing task fails the job with its
/// ERROR line in the job's output.
/// </summary>
[NonParallelizable]
public class SlurmTests
{
    private TempDir _dir = null!;
    private string _conf = "";

    private static string Script(string name) => Path.Combine(Repo.Root, "scripts", "slurm", name);

    [OneTimeSetUp]
    public void StartSlurm()
    {
        Assume.That(Environment.UserName == "root", "slurmd runs jobs as their users: needs root");
        Assume.That(File.Exists("/usr/sbin/slurmctld"), "slurm-wlm is not installed (scripts/test.sh installs it)");
        _dir = new TempDir();
        var start = Proc.Run(Script("local-cluster.sh"), ["start", _dir["slurm"]]);
        Assert.That(start.ExitCode, Is.EqualTo(0), start.ToString());
        _conf = _dir["slurm/slurm.conf"];
    }

    [OneTimeTearDown]
    public void StopSlurm()
    {
        if (_dir is null) return;
        Proc.Run(Script("local-cluster.sh"), ["stop", _dir["slurm"]]);
        _dir.Dispose();
    }

    /// <summary>sbatch --wait of the template from dir: the job's exit code and its output file.</summary>
    private (int ExitCode, string Output, string Dir) Submit(string dir, Dictionary<string, string> env, params string[] task)
    {
        Directory.CreateDirectory(dir);
        var e = new Dictionary<string, string>(env) { ["SLURM_CONF"] = _conf, ["MMSMPI_DLL"] = Repo.MmsMpiDll };
        // --overcommit: 3 ranks on this machine's 2 cores (rank 0 mostly waits).
        var r = Proc.Run("sbatch", ["--overcommit", "--wait", "--ntasks=3", Script("mmsmpi.sbatch"), .. task], e, timeoutSeconds: 300, cwd: dir);
        var id = r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        Assert.That(id, Is.Not.Null.And.Not.Empty, r.ToString());
        var output = Path.Combine(dir, $"mmsmpi-{id}.out");
        Assert.That(File.Exists(output), Is.True, $"the job's output {output}: {r}");
        return (r.ExitCode, File.ReadAllText(output), dir);
    }

    /// <summary>A partition job (and under srun with Open MPI a flagdata job on its MMS; flagdata on MPICH is covered by
    /// MpiFamilyTests) equals the same in one process.</summary>
    [TestCase("openmpi", "srun")]
    [TestCase("mpich", "srun")]
    [TestCase("openmpi", "mpiexec")]
    public void PartitionAndFlagdataJobsEqualOneProcess(string family, string launch)
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        var env = new Dictionary<string, string> { ["MMSMPI_MPI"] = family, ["MMSMPI_LAUNCH"] = launch };
        if (launch == "mpiexec") env["MMSMPI_RUN"] = Repo.Script("run-mpi.sh");
        var job = Submit(tmp["job"], env, "partition", "--vis", ms, "--outputvis", tmp["slurm.mms"], "--numsubms", "3", "--flagbackup", "false");
        Assert.That(job.ExitCode, Is.EqualTo(0), job.Output);
        Assert.That(job.Output, Does.Contain($"Created {tmp["slurm.mms"]} with 3 sub-MSs").And.Contain("MPIClient PartitionTask"),
            "rank 0's result and progress are in the job's output");
        var workerLogs = Directory.GetFiles(tmp["job"], "mmsmpi-*.rank*.log");
        if (launch == "srun")
        {
            Assert.That(workerLogs.Select(Path.GetFileName).Select(n => n![n!.IndexOf(".rank")..]).Order(), Is.EqualTo(new[] { ".rank1.log", ".rank2.log" }));
            string runLog = new ProcResult(0, "", job.Output).Log;
            foreach (int rank in new[] { 1, 2 })
                Assert.That(runLog, Does.Contain($"MPIServer-{rank} MpiCluster: worker rank {rank} of 3").And.Contain(family == "mpich" ? "MPI.NET" : "shim"),
                    "each worker's lines, naming its binding, reach rank 0's log file");
        }
        var one = Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["one.mms"], "--numsubms", "3", "--flagbackup", "false");
        Assert.That(one.ExitCode, Is.EqualTo(0), one.ToString());
        PartitionMpiTests.AssertIdenticalMms(tmp["slurm.mms"], "slurm", tmp["one.mms"], "one");
        if (launch == "mpiexec" || family == "mpich") return;

        var flag = Submit(tmp["job2"], env, "flagdata", "--vis", tmp["slurm.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        Assert.That(flag.ExitCode, Is.EqualTo(0), flag.Output);
        var local = Proc.MmsMpi("flagdata", "--vis", tmp["one.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        Assert.That(local.ExitCode, Is.EqualTo(0), local.ToString());
        CalTesting.AssertSameMs(tmp["one.mms"], tmp["slurm.mms"]);
    }

    [Test]
    public void AFailingTaskFailsTheJobWithItsErrorLine()
    {
        using var tmp = new TempDir();
        var job = Submit(tmp["job"], new Dictionary<string, string>(), "partition", "--vis", tmp["none.ms"], "--outputvis", tmp["out.mms"]);
        Assert.That(job.ExitCode, Is.EqualTo(1), job.Output);
        Assert.That(job.Output.Split('\n').Count(l => l.StartsWith("ERROR:")), Is.EqualTo(1), job.Output);
        Assert.That(job.Output, Does.Contain("Visibility data set not found"));
        Assert.That(Directory.Exists(tmp["out.mms"]), Is.False);
    }

    /// <summary>Several nodes need several slurmd daemons; this machine runs one.</summary>
    [Test]
    public void SeveralNodes() =>
        Assert.Ignore("not run here: a job over several nodes needs a slurmd per node, and Debian's slurm-wlm is built without " +
                      "--enable-multiple-slurmd, so one machine runs one slurmd (one node). The template is the same with --nodes=N; " +
                      "ranks across hosts are tested with mpiexec on the emulated two-host cluster (ClusterTests).");
}
