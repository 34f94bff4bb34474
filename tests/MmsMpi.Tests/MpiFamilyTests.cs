using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The two MPI backends: Open MPI's mpiexec with our shim and MPICH's hydra with MPI.NET run partition, mstransform
/// and flagdata (rank 0 + 2 workers) to the same results as one process, bit for bit, and each names its binding.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class MpiFamilyTests
{
    private static readonly string[] Families = ["openmpi", "mpich"];

    private static ProcResult Run(string? family, params string[] args)
    {
        var r = family is null ? Proc.MmsMpi(args) : Proc.MmsMpiUnderMpi(family, 3, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{family ?? "one process"}: {r}");
        return r;
    }

    [Test]
    public void BothMpisGiveTheResultsOfOneProcess()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        Run(null, "partition", "--vis", ms, "--outputvis", tmp["one.mms"], "--numsubms", "3", "--flagbackup", "false");
        Run(null, "mstransform", "--vis", tmp["one.mms"], "--outputvis", tmp["one-avg.mms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2");
        tmp.CopyOf(tmp["one.mms"], "one-flag.mms");
        Run(null, "flagdata", "--vis", tmp["one-flag.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        Run(null, "flagdata", "--vis", tmp["one-flag.mms"], "--mode", "summary", "--summary-json", tmp["one.json"]);

        foreach (var family in Families)
        {
            var part = Run(family, "partition", "--vis", ms, "--outputvis", tmp[$"{family}.mms"], "--numsubms", "3", "--flagbackup", "false");
            string binding = family == "mpich" ? "MPI.NET" : "shim";
            Assert.That(part.Stderr, Does.Contain($"MPIServer-1 MpiCluster: worker rank 1 of 3").And.Contain(binding), $"{family}: the worker names its binding");
            PartitionMpiTests.AssertIdenticalMms(tmp[$"{family}.mms"], family, tmp["one.mms"], "one");
            Run(family, "mstransform", "--vis", tmp[$"{family}.mms"], "--outputvis", tmp[$"{family}-avg.mms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2");
            CalTesting.AssertSameMs(tmp["one-avg.mms"], tmp[$"{family}-avg.mms"]);
            Run(family, "flagdata", "--vis", tmp[$"{family}.mms"], "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
            CalTesting.AssertSameMs(tmp["one-flag.mms"], tmp[$"{family}.mms"]);
            Run(family, "flagdata", "--vis", tmp[$"{family}.mms"], "--mode", "summary", "--summary-json", tmp[$"{family}.json"]);
            Assert.That(File.ReadAllText(tmp[$"{family}.json"]), Is.EqualTo(File.ReadAllText(tmp["one.json"])), $"{family}: the merged summary");
        }
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
