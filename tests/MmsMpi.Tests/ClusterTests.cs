using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Partition across the emulated two-host cluster of ../shared/tools/netns-cluster (network namespaces h1, h2 with
/// their own hostnames, launched from h0 through a fake ssh) via scripts/run-mpi.sh --hostfile. Needs root.
/// </summary>
[NonParallelizable]
public class ClusterTests
{
    private static string Tool(string name) => Path.Combine(Repo.Shared, "tools", "netns-cluster", name);

    [Test]
    public void PartitionAcrossTwoHostsEqualsTheSingleProcessOne()
    {
        Assume.That(Environment.UserName == "root" && File.Exists(Tool("setup.sh")), "needs root and ../shared/tools/netns-cluster");
        Proc.Run(Tool("teardown.sh"), []);
        var setup = Proc.Run(Tool("setup.sh"), []);
        Assert.That(setup.ExitCode, Is.EqualTo(0), setup.ToString());
        try
        {
            using var tmp = new TempDir();
            string[] args = ["partition", "--vis", GeneratedData.SmallMs, "--separationaxis", "scan", "--numsubms", "4"];
            var cluster = Proc.Run("ip", ["netns", "exec", "h0", Repo.Script("run-mpi.sh"), "-n", "3", "--hostfile",
                    Path.Combine(Repo.Root, "hostfiles", "netns-cluster"), .. args, "--outputvis", tmp["cluster.mms"]],
                new Dictionary<string, string> { ["MMSMPI_DLL"] = Repo.MmsMpiDll, ["MMSMPI_RSH_AGENT"] = Tool("nsrsh"), ["MMSMPI_TIMEOUT"] = "240" });
            Assert.That(cluster.ExitCode, Is.EqualTo(0), cluster.ToString());
            // Round-robin over the hosts: rank 0 (coordinator) and rank 2 on h1, rank 1 on h2.
            Assert.That(cluster.Stderr, Does.Contain("worker rank 1 of 3 on host h2"), cluster.Stderr);
            Assert.That(cluster.Stderr, Does.Contain("worker rank 2 of 3 on host h1"), cluster.Stderr);
            Assert.That(cluster.Stderr, Does.Contain("MPIServer-1 SubMsJob: wrote").Or.Contain("MPIServer-2 SubMsJob: wrote"));

            var local = Proc.MmsMpi([.. args, "--outputvis", tmp["local.mms"]]);
            Assert.That(local.ExitCode, Is.EqualTo(0), local.ToString());
            PartitionMpiTests.AssertIdenticalMms(tmp["cluster.mms"], "cluster", tmp["local.mms"], "local");
        }
        finally
        {
            Proc.Run(Tool("teardown.sh"), []);
        }
    }
}
