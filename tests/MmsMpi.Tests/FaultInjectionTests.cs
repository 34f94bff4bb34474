using System.Diagnostics;
using System.Text.RegularExpressions;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Faults in the middle of a run of partition, mstransform and flagdata, in one process and under mpiexec
/// (scripts/run-mpi.sh; -n 2 for the signals, -n 3 otherwise): SIGINT and SIGTERM once a job has finished, kill -9 of a worker rank and of rank 0, a
/// filesystem that fills up, two flagdata writers at once. Each time: the exit code, nothing at the final name, the
/// input untouched (flagdata writes in place), and --resume finishing to exactly what an uninterrupted run gives
/// (row counts, DATA and FLAG of every sub-MS, read with python-casacore).
/// </summary>
[NonParallelizable]
public class FaultInjectionTests
{
    public enum TaskKind { Partition, MsTransform, FlagData, ApplyCal }

    private const string Digest = """
        import sys, os, json, hashlib
        from casacore import tables as pt
        def digest(ms, cols):
            t = pt.table(ms, ack=False)
            out = {"rows": int(t.nrows())}
            for c in cols:
                if c not in t.colnames():
                    out[c] = None
                    continue
                h = hashlib.sha1()
                for start in range(0, t.nrows(), 5000):
                    try:
                        h.update(t.getcol(c, start, 5000).tobytes())
                    except RuntimeError:  # cells of different shapes (spws with different channel counts)
                        for row in range(start, min(start + 5000, t.nrows())):
                            h.update(t.getcell(c, row).tobytes())
                out[c] = h.hexdigest()
            t.close()
            return out
        path, cols = sys.argv[1], sys.argv[2].split(",")
        subs = os.path.join(path, "SUBMSS")
        res = {}
        if os.path.isdir(subs):
            for i, n in enumerate(sorted(os.listdir(subs))):
                res[str(i)] = digest(os.path.join(subs, n), cols)
        else:
            res["ms"] = digest(path, cols)
        print(json.dumps(res, sort_keys=True))
        """;

    private static readonly Regex JobDone = new(@"done: job \d+/\d+", RegexOptions.Compiled);

    private string _dir = "";
    private string _big = "", _bigHash = "";
    private string _refMms = "", _refMmsHash = "";
    private string _refPartition = "", _refTransform = "", _refFlags = "", _refApplied = "", _gains = "";

    [OneTimeSetUp]
    public void MakeData()
    {
        _dir = RunScratch.Create("mmsmpi-fault-");
        _big = Path.Combine(_dir, "big.ms");
        Ok(Proc.MmsMpi("simulate", "--outputvis", _big, "--size-mb", "500", "--nchan", "128"));
        _bigHash = BadInputTests.TreeHash(_big);

        _refMms = Path.Combine(_dir, "ref.mms");
        Ok(Proc.MmsMpi(Args(TaskKind.Partition, _refMms)));
        _refMmsHash = BadInputTests.TreeHash(_refMms);
        _refPartition = DigestOf(_refMms, "DATA,FLAG,FLAG_ROW");

        string transformed = Path.Combine(_dir, "reft.mms");
        Ok(Proc.MmsMpi(Args(TaskKind.MsTransform, transformed)));
        _refTransform = DigestOf(transformed, "DATA,FLAG,FLAG_ROW");

        string flagged = Path.Combine(_dir, "flagged.mms");
        Copy(_refMms, flagged);
        Ok(Proc.MmsMpi(Args(TaskKind.FlagData, flagged)));
        _refFlags = DigestOf(flagged, "FLAG,FLAG_ROW");
        Assert.That(_refFlags, Is.Not.EqualTo(DigestOf(_refMms, "FLAG,FLAG_ROW")), "tfcrop must flag something");
        Assert.That(_refMmsHash, Is.EqualTo(BadInputTests.TreeHash(_refMms)), "mstransform must not change its input");

        _gains = Path.Combine(_dir, "gains.G");
        CalTesting.Make(_big, _gains, new CalTesting.Table("G", CalTesting.Solutions(_big, 6, 3, [0], CalTesting.Flag(4, timeIndex: 2))));
        string applied = Path.Combine(_dir, "applied.mms");
        Copy(_refMms, applied);
        Ok(Proc.MmsMpi(Args(TaskKind.ApplyCal, applied)));
        _refApplied = DigestOf(applied, Columns(TaskKind.ApplyCal));
    }

    /// <summary>The command of each task (flagdata: target is the MMS it flags; otherwise target is the output).</summary>
    private string[] Args(TaskKind task, string target) => task switch
    {
        TaskKind.Partition => ["partition", "--vis", _big, "--outputvis", target, "--numsubms", "8"],
        TaskKind.MsTransform => ["mstransform", "--vis", _refMms, "--outputvis", target, "--datacolumn", "data", "--chanaverage", "true", "--chanbin", "2"],
        TaskKind.ApplyCal => ["applycal", "--vis", target, "--gaintable", _gains],
        _ => ["flagdata", "--vis", target, "--mode", "tfcrop"],
    };

    /// <summary>The same command with one parameter changed (for the --resume refusal).</summary>
    private string[] OtherArgs(TaskKind task, string target) => task switch
    {
        TaskKind.Partition => ["partition", "--vis", _big, "--outputvis", target, "--numsubms", "4"],
        TaskKind.MsTransform => ["mstransform", "--vis", _refMms, "--outputvis", target, "--datacolumn", "data", "--chanaverage", "true", "--chanbin", "4"],
        TaskKind.ApplyCal => ["applycal", "--vis", target, "--gaintable", _gains, "--interp", "nearest"],
        _ => ["flagdata", "--vis", target, "--mode", "clip", "--clipminmax", "[0,3]"],
    };

    private string Reference(TaskKind task) => task switch
    {
        TaskKind.Partition => _refPartition,
        TaskKind.MsTransform => _refTransform,
        TaskKind.ApplyCal => _refApplied,
        _ => _refFlags,
    };

    private static string Columns(TaskKind task) => task switch
    {
        TaskKind.FlagData => "FLAG,FLAG_ROW",
        TaskKind.ApplyCal => "CORRECTED_DATA,FLAG,FLAG_ROW,WEIGHT",
        _ => "DATA,FLAG,FLAG_ROW",
    };

    /// <summary>Tasks that change their MS in place (an interrupted-run marker instead of a staging directory).</summary>
    private static bool InPlace(TaskKind task) => task is TaskKind.FlagData or TaskKind.ApplyCal;

    /// <summary>The path the test gives the task: the output, or (in place) a fresh copy of the reference MMS.</summary>
    private string Target(TaskKind task, TempDir tmp)
    {
        if (!InPlace(task)) return tmp["out.mms"];
        Copy(_refMms, tmp["f.mms"]);
        return tmp["f.mms"];
    }

    // ------------------------------------------------------------------ signals

    /// <summary>
    /// Ctrl-C (SIGINT) of a run in one process, and SIGTERM (what scancel and a batch system send, forwarded by mpiexec
    /// to every rank) of a run under MPI: both reach the same handler, and each exit code is checked.
    /// </summary>
    [Test, Combinatorial]
    public void ASignalStopsTheRunAndResumeFinishesIt([Values] TaskKind task, [Values(false, true)] bool mpi)
    {
        string signal = mpi ? "TERM" : "INT";
        using var tmp = new TempDir();
        string target = Target(task, tmp);
        var args = Args(task, target);
        ProcResult stopped;
        // Under mpiexec one worker (2 ranks), so the jobs run one after another: applycal's jobs take ~0.1 s each, and
        // with two workers a busy machine once let the rest finish before the signal arrived.
        using (var run = Running.Start(mpi, args, ranks: 2))
        {
            run.WaitForAJob();
            Assert.That(Kill(run.Pid, signal == "INT" ? 2 : 15), Is.EqualTo(0), "kill(2)");
            stopped = run.WaitForExit();
        }
        using (Assert.EnterMultipleScope())
        {
            string shown = Show(mpi, args, stopped);
            Assert.That(stopped.ExitCode, Is.EqualTo(signal == "INT" ? 130 : 143), shown);
            AssertOneError(stopped, "interrupted", shown);
            Assert.That(OneError(stopped), Does.Contain("--resume"), shown);
            AssertStoppedState(task, target, shown);

            // Without --resume: refused, naming --resume (flagdata: and the flagmanager command that restores the flags).
            var again = Proc.MmsMpi(args);
            AssertOneError(again, "--resume", Show(false, args, again));
            Assert.That(again.ExitCode, Is.EqualTo(1), Show(false, args, again));
            if (InPlace(task))
                Assert.That(OneError(again), Does.Contain("flagmanager").And.Contain("restore"), Show(false, args, again));
            else
                Assert.That(OneError(again), Does.Contain("staging directory"), Show(false, args, again));

            if (!mpi && signal == "INT")
            {
                // A different command with --resume: refused, naming what differs; the interrupted run's state stays.
                var other = OtherArgs(task, target).Append("--resume").ToArray();
                var refused = Proc.MmsMpi(other);
                Assert.That(refused.ExitCode, Is.EqualTo(1), Show(false, other, refused));
                AssertOneError(refused, "different command", Show(false, other, refused));
                if (task == TaskKind.Partition) Assert.That(OneError(refused), Does.Contain("NumSubMs").IgnoreCase, Show(false, other, refused));
                if (task == TaskKind.MsTransform) Assert.That(OneError(refused), Does.Contain("ChanBin").IgnoreCase, Show(false, other, refused));
                AssertStoppedState(task, target, Show(false, other, refused));
            }

            AssertResumeCompletes(task, target, mpi);
        }
    }

    // ------------------------------------------------------------------ kill -9 of a rank

    // Both ranks for each new-MS task (staging); the two in-place tasks share InPlaceTaskHelper's marker, so one
    // kills a worker and the other the coordinator (test time).
    [TestCase(TaskKind.Partition, 1)]
    [TestCase(TaskKind.Partition, 0)]
    [TestCase(TaskKind.MsTransform, 1)]
    [TestCase(TaskKind.MsTransform, 0)]
    [TestCase(TaskKind.FlagData, 1)]
    [TestCase(TaskKind.ApplyCal, 0)]
    public void AKilledRankEndsTheJobAndResumeFinishesIt(TaskKind task, int rank)
    {
        using var tmp = new TempDir();
        string target = Target(task, tmp);
        var args = Args(task, target);
        ProcResult killed;
        using (var run = Running.Start(true, args))
        {
            run.WaitForAJob();
            int victim = RankPid(rank, tmp.Path) ?? throw new AssertionException($"no process of rank {rank} found\n{run.Stderr}");
            Assert.That(Kill(victim, 9), Is.EqualTo(0), "kill(2)");
            killed = run.WaitForExit();
        }
        using (Assert.EnterMultipleScope())
        {
            string shown = Show(true, args, killed);
            Assert.That(killed.ExitCode, Is.Not.EqualTo(0), shown);
            Assert.That(killed.Stderr, Does.Not.Contain("Unhandled exception"), shown);
            AssertStoppedState(task, target, shown);
            AssertResumeCompletes(task, target, mpi: true);
        }
    }

    // ------------------------------------------------------------------ full disk

    [Test]
    public void AnOutputThatCannotFitIsRefusedUpFront()
    {
        using var tmp = new TempDir();
        string disk = Mount(tmp, "disk", "40m");
        try
        {
            foreach (var task in new[] { TaskKind.Partition, TaskKind.MsTransform })
            {
                var args = Args(task, Path.Combine(disk, "out.mms"));
                var r = Proc.MmsMpi(args);
                string shown = Show(false, args, r);
                Assert.That(r.ExitCode, Is.EqualTo(1), shown);
                AssertOneError(r, "not enough space for", shown);
                Assert.That(OneError(r), Does.Match(@"about .+ needed, .+ free"), shown);
                Assert.That(Directory.GetFileSystemEntries(disk), Is.Empty, "nothing may be left on the full disk: " + shown);
            }
            Assert.That(BadInputTests.TreeHash(_big), Is.EqualTo(_bigHash));
        }
        finally { Unmount(disk); }
    }

    [TestCase(TaskKind.Partition, false)]
    [TestCase(TaskKind.MsTransform, true)]
    public void ADiskThatFillsUpStopsTheRunAndResumeFinishesIt(TaskKind task, bool mpi)
    {
        using var tmp = new TempDir();
        // Room for what the up-front check estimates (partition: the whole output; mstransform: a lower bound, so the
        // output outgrows it); the disk is also filled while the run writes.
        string disk = Mount(tmp, "disk", task == TaskKind.Partition ? "800m" : "480m");
        try
        {
            string target = Path.Combine(disk, "out.mms"), filler = Path.Combine(disk, "filler");
            var args = Args(task, target);
            ProcResult full;
            using (var run = Running.Start(mpi, args))
            {
                run.WaitForAJob();
                Proc.Run("dd", ["if=/dev/zero", $"of={filler}", "bs=1M"]);   // until the filesystem is full (dd then fails)
                full = run.WaitForExit();
            }
            using (Assert.EnterMultipleScope())
            {
                string shown = Show(mpi, args, full);
                Assert.That(full.ExitCode, Is.EqualTo(1), shown);
                // A full disk met inside casacore's own table creation (a constructor or destructor it runs itself) ends the
                // process through the shim's last-resort handler, whose line comes first (README: Not done yet; about 1
                // run in 6 under MPI, rarer in one process); either way an ERROR line names the cause, with no stack trace.
                Assert.That(full.Stderr.Split('\n').Where(l => l.StartsWith("ERROR:")), Has.Some.Contains("no space left on device"), shown);
                Assert.That(full.Stderr.Split('\n').Any(l => l.StartsWith("   at ") || l.Contains("Unhandled exception")), Is.False, "no stack trace: " + shown);
                Assert.That(Directory.Exists(target), Is.False, "no output may appear: " + shown);
                Assert.That(Directory.Exists(target + ".flagversions"), Is.False, "no output may appear: " + shown);
                Assert.That(task == TaskKind.Partition ? BadInputTests.TreeHash(_big) : BadInputTests.TreeHash(_refMms),
                    Is.EqualTo(task == TaskKind.Partition ? _bigHash : _refMmsHash), "the input must not change");
                // A job had completed, so the staging is worth resuming: it must be kept.
                Assert.That(File.Exists(Path.Combine(target + ".building", "ledger.json")), Is.True, "resumable staging kept: " + shown);

                File.Delete(filler);
                AssertResumeCompletes(task, target, mpi);
                Assert.That(Directory.GetFileSystemEntries(disk).Select(Path.GetFileName).Where(n => n is not ("out.mms" or "out.mms.flagversions")), Is.Empty,
                    "only the output is left on the disk");
            }
        }
        finally { Unmount(disk); }
    }

    [Test]
    public void FlagDataOnAFullDiskChangesNoFlagAndLeavesNoHalfBackup()
    {
        using var tmp = new TempDir();
        long bytes = long.Parse(Proc.Run("du", ["-sk", GeneratedData.SmallMs]).Stdout.Split('\t')[0]);
        string disk = Mount(tmp, "disk", $"{bytes + 3072}k");
        try
        {
            string ms = Path.Combine(disk, "sim.ms"), filler = Path.Combine(disk, "filler");
            Copy(GeneratedData.SmallMs, ms);
            string before = DigestOf(ms, "FLAG,FLAG_ROW");
            Proc.Run("dd", ["if=/dev/zero", $"of={filler}", "bs=64k"]);
            string[] args = ["flagdata", "--vis", ms, "--mode", "manual", "--spw", "0"];
            var r = Proc.MmsMpi(args);
            string shown = Show(false, args, r);
            Assert.That(r.ExitCode, Is.EqualTo(1), shown);
            AssertOneError(r, "no space left on device", shown);
            File.Delete(filler);
            Assert.That(DigestOf(ms, "FLAG,FLAG_ROW"), Is.EqualTo(before), "no flag may change when the backup cannot be written: " + shown);
            string versions = Path.Combine(ms + ".flagversions");
            if (Directory.Exists(versions))
            {
                var list = File.Exists(Path.Combine(versions, "FLAG_VERSION_LIST")) ? File.ReadAllText(Path.Combine(versions, "FLAG_VERSION_LIST")) : "";
                Assert.That(list, Does.Not.Contain("flagdata_1"), "no half-written backup may be listed: " + shown);
                Assert.That(Directory.GetDirectories(versions), Is.Empty, "no half-written backup may stay: " + shown);
            }

            // With room again, the same command runs (nothing was changed, so there is nothing to resume).
            var rerun = Proc.MmsMpi(args);
            Assert.That(rerun.ExitCode, Is.EqualTo(0), Show(false, args, rerun));
            using var plain = new TempDir();
            string refMs = plain["sim.ms"];
            Copy(GeneratedData.SmallMs, refMs);
            Ok(Proc.MmsMpi(["flagdata", "--vis", refMs, "--mode", "manual", "--spw", "0"]));
            Assert.That(DigestOf(ms, "FLAG,FLAG_ROW"), Is.EqualTo(DigestOf(refMs, "FLAG,FLAG_ROW")));
        }
        finally { Unmount(disk); }
    }

    // ------------------------------------------------------------------ two writers

    private static readonly Lazy<(string A, string B, string Both)> WriterReferences = new(() =>
    {
        using var tmp = new TempDir();
        string Flags(params string[][] commands)
        {
            string ms = tmp[$"r{Guid.NewGuid():N}.ms"];
            Copy(GeneratedData.SmallMs, ms);
            foreach (var c in commands) Ok(Proc.MmsMpi(["flagdata", "--vis", ms, .. c]));
            return DigestOf(ms, "FLAG,FLAG_ROW");
        }
        return (Flags([WriterA]), Flags([WriterB]), Flags([WriterA, WriterB]));
    });

    private static readonly string[] WriterA = ["--mode", "manual", "--spw", "0"];
    private static readonly string[] WriterB = ["--mode", "manual", "--spw", "2", "--scan", "1~3"];

    [Test]
    public void TwoFlagDataWritersAtOnce([Values(1, 2, 3, 4, 5)] int round)
    {
        var refs = WriterReferences.Value;
        using var tmp = new TempDir();
        string ms = tmp["w.ms"];
        Copy(GeneratedData.SmallMs, ms);
        string[] a = ["flagdata", "--vis", ms, .. WriterA], b = ["flagdata", "--vis", ms, .. WriterB];
        ProcResult ra, rb;
        using (var runA = Running.Start(false, a))
        using (var runB = Running.Start(false, b))
        {
            ra = runA.WaitForExit();
            rb = runB.WaitForExit();
        }
        string shown = $"round {round}\n{Show(false, a, ra)}\n{Show(false, b, rb)}";
        string flags = DigestOf(ms, "FLAG,FLAG_ROW");
        int succeeded;
        if (ra.ExitCode == 0 && rb.ExitCode == 0)
        {
            Assert.That(flags, Is.EqualTo(refs.Both), "both ran: the flags of both commands: " + shown);
            succeeded = 2;
        }
        else
        {
            Assert.That(new[] { ra.ExitCode, rb.ExitCode }, Is.EquivalentTo(new[] { 0, 1 }), "one runs, the other is refused: " + shown);
            var refused = ra.ExitCode == 1 ? ra : rb;
            AssertOneError(refused, "is being changed by process", shown);
            Assert.That(flags, Is.EqualTo(ra.ExitCode == 0 ? refs.A : refs.B), "exactly the flags of the command that ran: " + shown);
            succeeded = 1;
        }
        Assert.That(File.Exists(Path.Combine(ms, "mmsmpi-interrupted-run.json")), Is.False, shown);
        var list = Proc.MmsMpi("flagmanager", "--vis", ms, "--mode", "list");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(Regex.Matches(list.Stdout, @"^\s+flagdata_\d+ :", RegexOptions.Multiline), Has.Count.EqualTo(succeeded),
            "one backup per run that changed flags: " + shown + "\n" + list.Stdout);
    }

    // ------------------------------------------------------------------ checks

    /// <summary>After a stopped run: nothing at the final name and the staging kept (or, flagdata: the interrupted-run marker); the input untouched.</summary>
    private void AssertStoppedState(TaskKind task, string target, string shown)
    {
        if (InPlace(task))
        {
            Assert.That(File.Exists(Path.Combine(target, "mmsmpi-interrupted-run.json")), Is.True, "the interrupted-run marker must stay: " + shown);
            return;
        }
        Assert.That(Directory.Exists(target), Is.False, "nothing may appear at the final name: " + shown);
        Assert.That(Directory.Exists(target + ".flagversions"), Is.False, "nothing may appear at the final name: " + shown);
        Assert.That(File.Exists(Path.Combine(target + ".building", "ledger.json")), Is.True, "the staging must stay for --resume: " + shown);
        if (task == TaskKind.Partition) Assert.That(BadInputTests.TreeHash(_big), Is.EqualTo(_bigHash), "the input must not change");
        else Assert.That(BadInputTests.TreeHash(_refMms), Is.EqualTo(_refMmsHash), "the input must not change");
    }

    /// <summary>--resume finishes: exit 0, the output (or the flags) equal to an uninterrupted run's, no staging or marker left.</summary>
    private void AssertResumeCompletes(TaskKind task, string target, bool mpi)
    {
        var args = Args(task, target).Append("--resume").ToArray();
        var r = mpi ? Proc.MmsMpiUnderMpi(3, args) : Proc.MmsMpi(args);
        string shown = Show(mpi, args, r);
        Assert.That(r.ExitCode, Is.EqualTo(0), shown);
        Assert.That(r.Stderr, Does.Not.Contain("ERROR:"), shown);
        Assert.That(Directory.Exists(target), Is.True, shown);
        if (InPlace(task))
            Assert.That(File.Exists(Path.Combine(target, "mmsmpi-interrupted-run.json")), Is.False, "the marker goes once resumed: " + shown);
        else
            Assert.That(Directory.Exists(target + ".building"), Is.False, "the staging goes once published: " + shown);
        Assert.That(DigestOf(target, Columns(task)), Is.EqualTo(Reference(task)), "the resumed result must equal an uninterrupted run's: " + shown);
    }

    private static string OneError(ProcResult r) =>
        r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("ERROR:")) ?? "";

    private static void AssertOneError(ProcResult r, string fragment, string shown)
    {
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var errors = lines.Where(l => l.StartsWith("ERROR:")).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), "exactly one ERROR line: " + shown);
        Assert.That(errors.FirstOrDefault() ?? "", Does.Contain(fragment), shown);
        Assert.That(lines.Any(l => l.StartsWith("   at ") || l.Contains("Unhandled exception")), Is.False, "no stack trace: " + shown);
    }

    private static string Show(bool mpi, string[] args, ProcResult r) =>
        $"{(mpi ? "scripts/run-mpi.sh -n 3" : "MmsMpi")} {string.Join(" ", args)}\n{r}";

    private static string DigestOf(string path, string columns)
    {
        var r = Proc.Python(Digest, path, columns);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r.Stdout.Trim();
    }

    private static void Ok(ProcResult r) => Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());

    private static void Copy(string from, string to) => Ok(Proc.Run("cp", ["-a", from, to]));

    private static string Mount(TempDir tmp, string name, string size)
    {
        Assume.That(Proc.Run("id", ["-u"]).Stdout.Trim(), Is.EqualTo("0"), "mounting a tmpfs needs root");
        string dir = tmp[name];
        Directory.CreateDirectory(dir);
        var r = Proc.Run("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir]);
        Assume.That(r.ExitCode, Is.EqualTo(0), $"cannot mount a tmpfs: {r}");
        return dir;
    }

    private static void Unmount(string dir)
    {
        var r = Proc.Run("umount", [dir]);
        if (r.ExitCode != 0) Proc.Run("umount", ["-l", dir]);
    }

    /// <summary>The process of MPI rank `rank` running our CLI on this test's paths (Open MPI puts the rank in its environment).</summary>
    private static int? RankPid(int rank, string marker)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                    if (!cmdline.Contains("MmsMpi.dll") || !cmdline.Contains(marker)) continue;
                    if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            Thread.Sleep(50);
        }
        return null;
    }

    /// <summary>kill(2), every signal of these tests: spawning kill(1) is slower on a busy machine, and a fast run may finish meanwhile.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>A CLI run in the background (one process, or run-mpi.sh -n 3) whose stderr is watched for finished jobs.</summary>
    private sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _stdout = new(), _stderr = new();
        private readonly ManualResetEventSlim _jobDone = new();
        private readonly string _command;

        private Running(Process process, string command) => (_process, _command) = (process, command);

        public int Pid => _process.Id;

        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        public static Running Start(bool mpi, string[] args, int ranks = 3)
        {
            // A test run started in the background (CI, `scripts/test.sh &`) has SIGINT ignored, and a program keeps
            // an ignored SIGINT ignored (so does MmsMpi, as a Unix program should): restore its default before the exec,
            // as a terminal's foreground job has it. The pid stays the program's.
            var psi = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])");
            psi.ArgumentList.Add(mpi ? Repo.Script("run-mpi.sh") : "dotnet");
            foreach (var a in mpi ? ["-n", ranks.ToString(), .. args] : new[] { Repo.MmsMpiDll }.Concat(args)) psi.ArgumentList.Add(a);
            psi.Environment.Remove("TERM");
            psi.Environment["MMSMPI_DLL"] = Repo.MmsMpiDll;
            var p = new Process { StartInfo = psi };
            var run = new Running(p, $"{psi.FileName} {string.Join(" ", psi.ArgumentList)}");
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (run._stdout) run._stdout.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (run._stderr) run._stderr.AppendLine(e.Data);
                if (JobDone.IsMatch(e.Data)) run._jobDone.Set();
            };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return run;
        }

        /// <summary>Waits until the run logs a finished job (it must still be running then).</summary>
        public void WaitForAJob(int seconds = 120)
        {
            var clock = Stopwatch.StartNew();
            while (!_jobDone.Wait(100))
            {
                if (_process.HasExited) throw new AssertionException($"{_command} ended before any job finished: exit {_process.ExitCode}\n{Stderr}");
                if (clock.Elapsed.TotalSeconds > seconds) throw new AssertionException($"{_command}: no job finished in {seconds} s\n{Stderr}");
            }
            if (_process.HasExited) throw new AssertionException($"{_command} finished too fast to be interrupted\n{Stderr}");
        }

        public ProcResult WaitForExit(int seconds = 180)
        {
            if (!_process.WaitForExit(seconds * 1000))
            {
                _process.Kill(entireProcessTree: true);
                throw new AssertionException($"{_command} did not end in {seconds} s\n{Stderr}");
            }
            _process.WaitForExit();
            string stdout, stderr;
            lock (_stdout) stdout = _stdout.ToString();
            lock (_stderr) stderr = _stderr.ToString();
            return new ProcResult(_process.ExitCode, stdout, stderr);
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            _process.Dispose();
        }
    }
}
