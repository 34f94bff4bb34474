using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>The same partition under mpiexec (rank 0 + 2 workers) and in one process gives identical MMSs.</summary>
[Parallelizable(ParallelScope.None)]
public class PartitionMpiTests
{
    [TestCase("auto")]
    [TestCase("spw")]
    public void MpiAndSingleProcessGiveIdenticalMms(string axis)
    {
        using var tmp = new TempDir();
        var input = GeneratedData.SmallMs;
        string[] args = ["partition", "--vis", input, "--separationaxis", axis, "--numsubms", "3"];
        var mpi = Proc.MmsMpiUnderMpi(3, [.. args, "--outputvis", tmp["mpi.mms"]]);
        Assert.That(mpi.ExitCode, Is.EqualTo(0), mpi.ToString());
        Assert.That(mpi.Log, Does.Contain("MPIServer-1").And.Contain("MPIServer-2"), "both workers' lines are in the run's log");
        var local = Proc.MmsMpi([.. args, "--outputvis", tmp["local.mms"]]);
        Assert.That(local.ExitCode, Is.EqualTo(0), local.ToString());

        AssertIdenticalMms(tmp["mpi.mms"], "mpi", tmp["local.mms"], "local");
        Checks.SameRows(input, tmp["mpi.mms"]);
    }

    /// <summary>Same sub-MSs (by index), each with the same rows and values, and the same table.info apart from the names.</summary>
    public static void AssertIdenticalMms(string a, string aBase, string b, string bBase)
    {
        var subsA = Directory.GetDirectories(Path.Combine(a, "SUBMSS")).Select(Path.GetFileName).Order().ToList();
        var subsB = Directory.GetDirectories(Path.Combine(b, "SUBMSS")).Select(Path.GetFileName).Order().ToList();
        Assert.That(subsA.Select(n => n!.Replace(aBase, "")), Is.EqualTo(subsB.Select(n => n!.Replace(bBase, ""))));
        for (int i = 0; i < subsA.Count; i++)
            Checks.SameRows(Path.Combine(a, "SUBMSS", subsA[i]!), Path.Combine(b, "SUBMSS", subsB[i]!));
        Assert.That(File.ReadAllText(Path.Combine(a, "table.info")).Replace(aBase, ""),
            Is.EqualTo(File.ReadAllText(Path.Combine(b, "table.info")).Replace(bBase, "")));
    }

    [Test]
    public void AKilledWorkerRankFailsTheRunAndLeavesNoMms()
    {
        using var tmp = new TempDir();
        var psi = new System.Diagnostics.ProcessStartInfo(Repo.Script("run-mpi.sh")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "3", "partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["dead.mms"], "--numsubms", "12" })
            psi.ArgumentList.Add(a);
        psi.Environment["MMSMPI_DLL"] = Repo.MmsMpiDll;
        using var run = System.Diagnostics.Process.Start(psi)!;
        var stderr = run.StandardError.ReadToEndAsync();
        _ = run.StandardOutput.ReadToEndAsync();
        int? victim = null;
        for (int i = 0; i < 600 && victim is null && !run.HasExited; i++)
        {
            victim = WorkerRank1Pid();
            if (victim is null) Thread.Sleep(50);
        }
        if (victim is not int pid) throw new AssertionException("worker rank 1 never appeared");
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        Assert.That(run.WaitForExit(60_000), Is.True, "mpiexec must tear the job down");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), stderr.Result);
        Assert.That(Directory.Exists(tmp["dead.mms"]), Is.False, "no MMS may appear");
    }

    /// <summary>The process of MPI rank 1 running our CLI (Open MPI puts the rank in its environment).</summary>
    private static int? WorkerRank1Pid()
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("MmsMpi.dll")) continue;
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains("OMPI_COMM_WORLD_RANK=1")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
