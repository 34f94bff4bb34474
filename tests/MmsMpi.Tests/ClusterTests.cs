using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Every task across the emulated two-host cluster of ../shared/tools/netns-cluster (network namespaces h1, h2 with
/// their own hostnames, launched from h0 through a fake ssh; the filesystem is shared) via scripts/run-mpi.sh
/// --hostfile, under Open MPI (our shim) and MPICH (MPI.NET): each result equals the one-process run. Needs root.
/// </summary>
[NonParallelizable]
public class ClusterTests
{
    private static string Tool(string name) => Path.Combine(Repo.Shared, "tools", "netns-cluster", name);

    private TempDir _data = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        Assume.That(Environment.UserName == "root" && File.Exists(Tool("setup.sh")), "needs root and ../shared/tools/netns-cluster");
        Proc.Run(Tool("teardown.sh"), []);
        var setup = Proc.Run(Tool("setup.sh"), []);
        Assert.That(setup.ExitCode, Is.EqualTo(0), setup.ToString());
        _data = new TempDir();
        Local("simulate", "--outputvis", _data["in.ms"], "--size-mb", "4", "--seed", "11", "--caltables", _data["cal"]);
        Uvh5Tests.Make(_data["night/n.uvh5"], "--series", "3", "--split", "time");
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _data?.Dispose();
        Proc.Run(Tool("teardown.sh"), []);
    }

    private static ProcResult Local(params string[] args)
    {
        var r = Proc.MmsMpi(args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r;
    }

    /// <summary>A task on rank 0 in h0's view and 2 workers round-robin over h2 and h1 (or with --map-by slot first).</summary>
    private static ProcResult OnCluster(string family, params string[] args) => OnCluster(family, [], args);

    private static ProcResult OnCluster(string family, string[] placement, params string[] args)
    {
        bool mpich = family == "mpich";
        var env = new Dictionary<string, string>
        {
            ["MMSMPI_DLL"] = Repo.MmsMpiDll, ["MMSMPI_RSH_AGENT"] = Tool("nsrsh"), ["MMSMPI_TIMEOUT"] = "240", ["MMSMPI_MPI"] = family,
        };
        // hydra's proxies on h1 and h2 connect back to the launcher: h0's address.
        if (mpich) env["MMSMPI_LOCALHOST"] = "10.200.0.1";
        var r = Proc.Run("ip", ["netns", "exec", "h0", Repo.Script("run-mpi.sh"), "-n", "3", "--hostfile",
            Path.Combine(Repo.Root, "hostfiles", mpich ? "netns-cluster.mpich" : "netns-cluster"), .. placement, .. args], env);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{family}: {string.Join(" ", args)}\n{r}");
        return r;
    }

    [TestCase("openmpi")]
    [TestCase("mpich")]
    public void EveryTaskAcrossTwoHostsEqualsOneProcess(string family)
    {
        using var tmp = new TempDir();
        string ms = _data["in.ms"];
        string[] partition = ["partition", "--vis", ms, "--separationaxis", "scan", "--numsubms", "4", "--flagbackup", "false"];
        var run = OnCluster(family, [.. partition, "--outputvis", tmp["cluster.mms"]]);
        Assert.That(run.Log, Does.Contain("worker rank 1 of 3 on host h2").And.Contain("worker rank 2 of 3 on host h1"), "the workers' lines reach rank 0's log file");
        Local([.. partition, "--outputvis", tmp["local.mms"]]);
        PartitionMpiTests.AssertIdenticalMms(tmp["cluster.mms"], "cluster", tmp["local.mms"], "local");

        string[] average = ["mstransform", "--datacolumn", "data", "--chanaverage", "--chanbin", "2", "--timeaverage", "--timebin", "20s"];
        OnCluster(family, [.. average, "--vis", tmp["cluster.mms"], "--outputvis", tmp["c-avg.mms"]]);
        Local([.. average, "--vis", tmp["local.mms"], "--outputvis", tmp["l-avg.mms"]]);
        CalTesting.AssertSameMs(tmp["l-avg.mms"], tmp["c-avg.mms"]);

        string[] clip = ["flagdata", "--mode", "clip", "--clipminmax", "[0,3]"];
        OnCluster(family, [.. clip, "--vis", tmp["cluster.mms"]]);
        Local([.. clip, "--vis", tmp["local.mms"]]);
        string[] apply = ["applycal", "--gaintable", _data["cal.G"]];
        OnCluster(family, [.. apply, "--vis", tmp["cluster.mms"]]);
        Local([.. apply, "--vis", tmp["local.mms"]]);
        CalTesting.AssertSameMs(tmp["local.mms"], tmp["cluster.mms"]);
        // Slots filled in turn: rank 0 and worker 1 on h1 (2 slots), worker 2 on h2.
        var bySlot = OnCluster(family, ["--map-by", "slot"], "flagmanager", "--vis", tmp["cluster.mms"], "--mode", "list");
        Assert.That(bySlot.Log, Does.Contain("worker rank 1 of 3 on host h1").And.Contain("worker rank 2 of 3 on host h2"), bySlot.Log);
        var versions = bySlot;
        Assert.That(versions.Stdout, Does.Contain("flagdata_1").And.Contain("applycal_1"), versions.ToString());

        OnCluster(family, "importuvh5", "--vis", _data["night"], "--outputvis", tmp["c-night.mms"]);
        Local("importuvh5", "--vis", _data["night"], "--outputvis", tmp["l-night.mms"]);
        CalTesting.AssertSameMs(tmp["l-night.mms"], tmp["c-night.mms"]);
        Directory.CreateDirectory(tmp["back"]);
        OnCluster(family, "exportuvh5", "--vis", tmp["c-night.mms"], "--outputvis", tmp["back/n.uvh5"], "--per-subms");
        var files = Directory.GetFiles(_data["night"]).Order().ToArray();
        for (int i = 0; i < files.Length; i++)
        {
            var same = Proc.Run("/usr/bin/python3", [Repo.Tool("uvh5_compare.py"), files[i], tmp[$"back/n.{i:D4}.uvh5"]]);
            Assert.That(same.ExitCode, Is.EqualTo(0), same.ToString());
        }
    }
}
