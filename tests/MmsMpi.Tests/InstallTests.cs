using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// scripts/install.sh into a scratch prefix: the installed `MmsMpi` and `mmsmpi-run` work from any directory with
/// PREFIX/bin on the PATH, under both MPIs, independently of the checkout's build (MMSMPI_DLL unset).
/// </summary>
[NonParallelizable]
public class InstallTests
{
    [Test]
    public void InstalledCommandsRunFromThePath()
    {
        using var tmp = new TempDir();
        var install = Proc.Run(Repo.Script("install.sh"), ["--prefix", tmp["prefix"]], timeoutSeconds: 900);
        Assert.That(install.ExitCode, Is.EqualTo(0), install.ToString());
        Assert.That(File.Exists(tmp["prefix/lib/mmsmpi/libcasashim.so"]) && File.Exists(tmp["prefix/lib/mmsmpi/libmpishim.so"]), Is.True,
            "the native libraries are installed with the CLI");
        Directory.CreateDirectory(tmp["work"]);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = $"{tmp["prefix/bin"]}:{Environment.GetEnvironmentVariable("PATH")}",
            ["MMSMPI_DLL"] = "",
        };
        ProcResult Sh(string command, string? family = null)
        {
            var e = new Dictionary<string, string>(env);
            if (family is not null) e["MMSMPI_MPI"] = family;
            var r = Proc.Run("/bin/sh", ["-c", command], e, cwd: tmp["work"]);
            Assert.That(r.ExitCode, Is.EqualTo(0), $"{command}\n{r}");
            return r;
        }

        var version = Sh("MmsMpi --version");
        Assert.That(version.Stdout, Does.StartWith("MmsMpi ").And.Contain("casacore 3.5").And.Contain("Open MPI").And.Contain("MPICH"), version.ToString());
        Sh("MmsMpi simulate --outputvis sim.ms --size-mb 3 --seed 5");
        Sh("MmsMpi partition --vis sim.ms --outputvis one.mms --numsubms 3 --flagbackup false");
        foreach (var family in new[] { "openmpi", "mpich" })
        {
            Sh($"mmsmpi-run -n 3 partition --vis sim.ms --outputvis {family}.mms --numsubms 3 --flagbackup false", family);
            PartitionMpiTests.AssertIdenticalMms(tmp[$"work/{family}.mms"], family, tmp["work/one.mms"], "one");
        }
        // The commands found on the PATH are the installed ones, and they run the published engine, not the checkout's build.
        Assert.That(Sh("command -v MmsMpi; command -v mmsmpi-run").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { tmp["prefix/bin/MmsMpi"], tmp["prefix/bin/mmsmpi-run"] }));
        Assert.That(File.ReadAllText(tmp["prefix/bin/MmsMpi"]), Does.Contain($"{tmp["prefix/lib/mmsmpi"]}/MmsMpi.dll"));
        Assert.That(File.ReadAllText(tmp["prefix/bin/mmsmpi-run"]), Does.Contain($"{tmp["prefix/lib/mmsmpi"]}/run-mpi.sh"));
    }
}
