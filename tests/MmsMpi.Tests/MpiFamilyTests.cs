using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The MPICH backend: MPICH's hydra with MPI.NET runs partition, mstransform and flagdata (rank 0 + 2 workers) to the
/// same results as one process, bit for bit, and names its binding. Open MPI's mpiexec with our shim does the same in
/// PartitionMpiTests, TransformTests and FlagMmsTests; both run every task across hosts in ClusterTests.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class MpiFamilyTests
{
    private static ProcResult Run(string? family, params string[] args)
    {
        var r = family is null ? Proc.MmsMpi(args) : Proc.MmsMpiUnderMpi(family, 3, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{family ?? "one process"}: {r}");
        return r;
    }

    [Test]
    public void MpichGivesTheResultsOfOneProcess()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        Run(null, "partition", "--vis", ms, "--outputvis", tmp["one.mms"], "--numsubms", "3", "--flagbackup", "false");
        Run(null, "mstransform", "--vis", tmp["one.mms"], "--outputvis", tmp["one-avg.mms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2");
        tmp.CopyOf(tmp["one.mms"], "one-flag.mms");
        Run(null, "flagdata", "--vis", tmp["one-flag.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        Run(null, "flagdata", "--vis", tmp["one-flag.mms"], "--mode", "summary", "--summary-json", tmp["one.json"]);

        const string family = "mpich";
        var part = Run(family, "partition", "--vis", ms, "--outputvis", tmp[$"{family}.mms"], "--numsubms", "3", "--flagbackup", "false");
        Assert.That(part.Log, Does.Contain($"MPIServer-1 MpiCluster: worker rank 1 of 3").And.Contain("MPI.NET"), "the worker names its binding");
        PartitionMpiTests.AssertIdenticalMms(tmp[$"{family}.mms"], family, tmp["one.mms"], "one");
        Run(family, "mstransform", "--vis", tmp[$"{family}.mms"], "--outputvis", tmp[$"{family}-avg.mms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2");
        CalTesting.AssertSameMs(tmp["one-avg.mms"], tmp[$"{family}-avg.mms"]);
        Run(family, "flagdata", "--vis", tmp[$"{family}.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        CalTesting.AssertSameMs(tmp["one-flag.mms"], tmp[$"{family}.mms"]);
        Run(family, "flagdata", "--vis", tmp[$"{family}.mms"], "--mode", "summary", "--summary-json", tmp[$"{family}.json"]);
        Assert.That(File.ReadAllText(tmp[$"{family}.json"]), Is.EqualTo(File.ReadAllText(tmp["one.json"])), $"{family}: the merged summary");
    }

    /// <summary>A task's error under MPICH is the same one ERROR line and exit code as under Open MPI.</summary>
    [Test]
    public void AnErrorUnderMpichIsOneLine()
    {
        using var tmp = new TempDir();
        var r = Proc.MmsMpiUnderMpi("mpich", 3, "partition", "--vis", tmp["none.ms"], "--outputvis", tmp["out.mms"]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Stderr.Split('\n').Count(l => l.StartsWith("ERROR:")), Is.EqualTo(1), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Visibility data set not found"));
    }
}
