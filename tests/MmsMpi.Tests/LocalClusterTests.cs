using MmsMpi.Runtime;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Jobs in threads of one process (--nthreads): as many at once as asked, never two that hold the same table (or an
/// MMS and its member, or a library), each job's rows counted apart, and the same results as one thread.
/// </summary>
public class LocalClusterTests
{
    /// <summary>How many probe jobs run at once, at most.</summary>
    private sealed class Overlap
    {
        private int _now;

        public int Max { get; private set; }

        public void Enter()
        {
            int now = Interlocked.Increment(ref _now);
            lock (this) Max = Math.Max(Max, now);
        }

        public void Leave() => Interlocked.Decrement(ref _now);
    }

    /// <summary>A job that holds what it is given for a while; its rows are counted from a thread it starts (as the pipeline's reader does).</summary>
    private sealed record ProbeJob(string Label, IReadOnlyList<string>? Held, Overlap Overlap, long Rows = 1) : Job
    {
        public override string Name => Label;

        public override IReadOnlyList<string>? Holds => Held;

        public override JobResult Run(CancellationToken cancel)
        {
            Overlap.Enter();
            Task.Run(() => RowMeter.Add(Rows)).Wait();
            Thread.Sleep(200);
            Overlap.Leave();
            return new JobResult(Rows);
        }
    }

    private static (int MaxAtOnce, IReadOnlyList<JobResult> Results, List<int> DoneOn) RunAll(int threads, params IReadOnlyList<string>?[] holds)
    {
        var overlap = new Overlap();
        var jobs = holds.Select((h, i) => (Job)new ProbeJob($"job{i}", h, overlap, i + 1)).ToList();
        var doneOn = new List<int>();
        var results = new LocalCluster(threads).Run(jobs, (_, _) => doneOn.Add(Environment.CurrentManagedThreadId), default);
        return (overlap.Max, results, doneOn);
    }

    [Test]
    public void SubMsJobsRunAtOnceUpToTheThreadsAndReportOnTheCallingThread()
    {
        string[] Sub(int i) => [$"/d/x.mms/SUBMSS/x.000{i}.ms", $"/d/out.mms/SUBMSS/x.000{i}.ms"];
        var (max, results, doneOn) = RunAll(2, Sub(0), Sub(1), Sub(2), Sub(3));
        Assert.That(max, Is.EqualTo(2));
        Assert.That(results.Select(r => r.Rows), Is.EqualTo(new long[] { 1, 2, 3, 4 }), "results in job order");
        Assert.That(doneOn, Is.EqualTo(Enumerable.Repeat(Environment.CurrentManagedThreadId, 4)));
        Assert.That(RunAll(3, Sub(0), Sub(1), Sub(2), Sub(3)).MaxAtOnce, Is.EqualTo(3));
        Assert.That(RunAll(1, Sub(0), Sub(1)).MaxAtOnce, Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> Conflicts()
    {
        yield return new TestCaseData(new[] { "/d/in.ms", "/d/a.ms" }, new[] { "/d/in.ms", "/d/b.ms" }).SetName("OneInputTableRunsOneJobAtATime");
        yield return new TestCaseData(new[] { "/d/x.mms" }, new[] { "/d/x.mms/SUBMSS/x.0000.ms" }).SetName("AnMmsHoldsItsMembers");
        yield return new TestCaseData(new[] { "/d/a.ms/", "/d/o1" }, new[] { "/d/./a.ms", "/d/o2" }).SetName("PathsAreComparedAsFullPaths");
        yield return new TestCaseData(new[] { "/d/a.ms", Libraries.Hdf5 }, new[] { "/d/b.ms", Libraries.Hdf5 }).SetName("ALibraryIsHeldByOneJob");
        yield return new TestCaseData(null, new[] { "/d/b.ms" }).SetName("AJobThatSaysNothingRunsAlone");
    }

    [TestCaseSource(nameof(Conflicts))]
    public void JobsThatHoldTheSameThingNeverRunAtOnce(string[]? a, string[] b)
    {
        Assert.That(RunAll(2, a, b).MaxAtOnce, Is.EqualTo(1));
        Assert.That(RunAll(2, b, ["/d/other.ms"]).MaxAtOnce, Is.EqualTo(2), "b beside a job holding something else");
    }

    [Test]
    public void APathThatOnlyStartsLikeAnotherIsNotInsideIt() =>
        Assert.That(RunAll(2, ["/d/a.ms"], ["/d/a.ms2"]).MaxAtOnce, Is.EqualTo(2));

    [Test]
    public void EachJobCountsItsOwnRowsAlsoFromThreadsItStarts()
    {
        var overlap = new Overlap();
        var meters = new[] { new RowMeter(), new RowMeter() };
        var threads = meters.Select((m, i) => new Thread(() => JobRunner.RunSafely(new ProbeJob($"j{i}", [], overlap, 10 * (i + 1)), default, m))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(overlap.Max, Is.EqualTo(2), "the two jobs ran at once");
        Assert.That(meters.Select(m => m.Rows), Is.EqualTo(new long[] { 10, 20 }));
        RowMeter.Add(5);
        Assert.That(meters.Select(m => m.Rows), Is.EqualTo(new long[] { 10, 20 }), "rows outside a job count into no job's meter");
    }

    /// <summary>
    /// The sub-MS jobs of an MMS in two threads give what one thread gives (casacore on two tables from two threads,
    /// the selection parser and the Measures taking turns): mstransform with averaging and regridding, flagdata tfcrop.
    /// </summary>
    [Test]
    public void AnMmsInTwoThreadsEqualsOneThread()
    {
        using var tmp = new TempDir();
        var part = Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["in.mms"], "--numsubms", "4", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        string[] transform = ["mstransform", "--vis", tmp["in.mms"], "--chanaverage", "true", "--chanbin", "2", "--regridms", "true",
            "--outframe", "LSRK", "--spw", "0,1", "--correlation", "RR,LL"];
        var one = Proc.MmsMpi([.. transform, "--outputvis", tmp["one.mms"], "--nthreads", "1"]);
        var two = Proc.MmsMpi([.. transform, "--outputvis", tmp["two.mms"], "--nthreads", "2"]);
        Assert.That(one.ExitCode, Is.EqualTo(0), one.ToString());
        Assert.That(two.ExitCode, Is.EqualTo(0), two.ToString());
        Assert.That(two.Stderr, Does.Contain("transforming 4 sub-MSs in parallel on 2 thread(s)"));
        PartitionMpiTests.AssertIdenticalMms(tmp["one.mms"], "one", tmp["two.mms"], "two");

        string a = tmp.CopyOf(tmp["in.mms"], "a.mms"), b = tmp.CopyOf(tmp["in.mms"], "b.mms");
        foreach (var (ms, n) in new[] { (a, "1"), (b, "2") })
        {
            var flag = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "tfcrop", "--flagbackup", "false", "--nthreads", n);
            Assert.That(flag.ExitCode, Is.EqualTo(0), flag.ToString());
        }
        CalTesting.AssertSameMs(a, b);
    }

    /// <summary>A job that reports the compute threads it was given, as seen from a thread it starts.</summary>
    private sealed record ThreadsProbe(string Label) : Job
    {
        public override string Name => Label;

        public override IReadOnlyList<string>? Holds => [$"/d/{Label}.ms"];

        public override JobResult Run(CancellationToken cancel)
        {
            long threads = Task.Run(() => ComputeThreads.ForThisJob).Result;
            Thread.Sleep(100);
            return new JobResult(threads);
        }
    }

    [Test]
    public void AJobsComputeThreadsAreTheProcessThreadsSharedByTheJobsAtOnce()
    {
        long[] Given(int threads, int jobs) => new LocalCluster(threads)
            .Run(Enumerable.Range(0, jobs).Select(i => (Job)new ThreadsProbe($"j{i}")).ToList(), (_, _) => { }, default)
            .Select(r => r.Rows).ToArray();
        Assert.That(Given(4, 1), Is.EqualTo(new long[] { 4 }), "a plain MS: one job, every thread");
        Assert.That(Given(4, 2), Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(Given(3, 4), Is.EqualTo(new long[] { 1, 1, 1, 1 }));
        Assert.That(ComputeThreads.ForThisJob, Is.EqualTo(1), "outside a job (and in an MPI worker's jobs)");
    }

    /// <summary>tfcrop and rflag take a plain MS's baselines side by side on the job's threads: the flags of one thread.</summary>
    [TestCase("tfcrop")]
    [TestCase("rflag")]
    public void FlaggingAPlainMsInThreeThreadsEqualsOneThread(string mode)
    {
        using var tmp = new TempDir();
        string a = tmp.CopyOf(GeneratedData.SmallMs, "a.ms"), b = tmp.CopyOf(GeneratedData.SmallMs, "b.ms");
        var lines = new List<string>();
        foreach (var (ms, n) in new[] { (a, "1"), (b, "3") })
        {
            var flag = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", mode, "--flagbackup", "false", "--nthreads", n);
            Assert.That(flag.ExitCode, Is.EqualTo(0), flag.ToString());
            lines.Add(flag.Stdout.Split('\n').Single(l => l.StartsWith($"mode='{mode}'")));
        }
        Assert.That(lines[0], Does.Not.Contain(": 0 cells flagged"), $"{mode} flags something here");
        Assert.That(lines[1], Is.EqualTo(lines[0]), "the same counts");
        CalTesting.AssertSameMs(a, b);
    }

    [Test]
    public void ComputeBlocksCutTheItemsIntoOneContiguousBlockPerThreadWhenWorthIt()
    {
        List<(int Start, int Count)> Blocks(int threads, int count, int cellsEach)
        {
            var blocks = new System.Collections.Concurrent.ConcurrentBag<(int, int)>();
            var result = new LocalCluster(threads).Run([new Probe(() => ComputeThreads.ForBlocks(count, cellsEach, (s, n) => blocks.Add((s, n))))], (_, _) => { }, default);
            Assert.That(result[0].Error, Is.Null);
            return blocks.OrderBy(b => b.Item1).ToList();
        }
        Assert.That(Blocks(3, 1000, 1024), Is.EqualTo(new[] { (0, 333), (333, 333), (666, 334) }));
        Assert.That(Blocks(1, 1000, 1024), Is.EqualTo(new[] { (0, 1000) }), "one thread: the calling thread alone");
        Assert.That(Blocks(3, 1000, 70), Is.EqualTo(new[] { (0, 500), (500, 500) }), "70,000 cells: worth two blocks only");
        Assert.That(Blocks(3, 1000, 30), Is.EqualTo(new[] { (0, 1000) }), "30,000 cells: not worth a second");
        Assert.That(Blocks(3, 2, 1 << 20), Is.EqualTo(new[] { (0, 1), (1, 1) }), "never more blocks than items");
        Assert.That(Blocks(3, 0, 1024), Is.Empty);
    }

    [Test]
    public void AFailingBlockThrowsItsOwnException()
    {
        var result = new LocalCluster(2).Run([new Probe(() => ComputeThreads.ForBlocks(1000, 1024, (s, _) =>
        {
            if (s > 0) throw new UserError("block failed");
        }))], (_, _) => { }, default);
        Assert.That(result[0].Error, Is.EqualTo("block failed"), "the block's exception, not an AggregateException around it");
    }

    /// <summary>A job that runs an action.</summary>
    private sealed record Probe(Action Body) : Job
    {
        public override string Name => "probe";

        public override IReadOnlyList<string>? Holds => ["/d/probe.ms"];

        public override JobResult Run(CancellationToken cancel)
        {
            Body();
            return new JobResult(0);
        }
    }

    private static IEnumerable<TestCaseData> PlainMsTransforms()
    {
        string vla = RealData.Path("day2_TDEM0003_10s_norx_1src_1spw.ms"), alma = RealData.Path("mssel_test_small.ms");
        yield return Case("chanavg_timeavg", vla, "--datacolumn", "data", "--chanaverage", "--chanbin", "4", "--timeaverage", "--timebin", "20s");
        yield return Case("hanning", vla, "--datacolumn", "data", "--hanning", "--usewtspectrum");
        yield return Case("regrid_lsrk", vla, "--datacolumn", "data", "--regridms", "--outframe", "LSRK", "--usewtspectrum");
        yield return Case("regrid_descending_spw", alma, "--datacolumn", "data", "--spw", "1", "--regridms", "--outframe", "LSRK", "--mode", "channel", "--width", "2");
        yield return Case("every_column_3_spws", GeneratedData.SmallMs, "--datacolumn", "all", "--chanaverage", "--chanbin", "2",
            "--timeaverage", "--timebin", "30s", "--usewtspectrum");
        yield return Case("combinespws", GeneratedData.EqualSpwsMs, "--datacolumn", "data", "--combinespws");

        static TestCaseData Case(string name, string ms, params string[] args) => new TestCaseData(ms, args).SetName($"PlainMsInThreads_{name}");
    }

    /// <summary>
    /// mstransform runs a plain MS's steps over row blocks (and the time bins side by side) on the job's threads less
    /// the reader's and the writer's (5 − 2 here): the output of one thread, bit for bit.
    /// </summary>
    [TestCaseSource(nameof(PlainMsTransforms))]
    public void TransformingAPlainMsInFiveThreadsEqualsOneThread(string ms, string[] transform)
    {
        using var tmp = new TempDir();
        foreach (var n in new[] { "1", "5" })
        {
            var r = Proc.MmsMpi(["mstransform", "--vis", ms, "--outputvis", tmp[$"n{n}.ms"], "--nthreads", n, .. transform]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        }
        CalTesting.AssertSameMs(tmp["n1.ms"], tmp["n5.ms"]);
    }

    /// <summary>
    /// applycal and mstransform --docallib calibrate a plain MS's rows in row blocks on the job's threads (5 − 1 and
    /// 5 − 2 here): the columns and the flag statistics of one thread, bit for bit. The G table flags an antenna at
    /// one solution time, so rows take both the flagging and the plain path.
    /// </summary>
    [Test]
    public void CalibratingAPlainMsInFiveThreadsEqualsOneThread()
    {
        using var tmp = new TempDir();
        string vla = RealData.Path("day2_TDEM0003_10s_norx_1src_1spw.ms");
        List<(string Path, CalTesting.Table Table)> tables =
        [
            (tmp["t.G"], new("G", CalTesting.Solutions(vla, 6, 60, [0], CalTesting.Flag(3, timeIndex: 2)))),
            (tmp["t.B"], new("B", CalTesting.Solutions(vla, 1, 61, [0]))),
        ];
        foreach (var (path, table) in tables) CalTesting.Make(vla, path, table);
        File.WriteAllLines(tmp["cal.txt"], tables.Select(t => $"caltable='{t.Path}' calwt=True"));
        var counts = new List<string[]>();
        foreach (var n in new[] { "1", "5" })
        {
            var applied = Proc.MmsMpi(["applycal", "--vis", tmp.CopyOf(vla, $"n{n}.ms"), "--nthreads", n, .. CalTesting.ApplyArgs(tables)]);
            Assert.That(applied.ExitCode, Is.EqualTo(0), applied.ToString());
            counts.Add(CalTesting.Counts(applied.Stdout));
            var fly = Proc.MmsMpi("mstransform", "--vis", vla, "--outputvis", tmp[$"fly{n}.ms"], "--docallib", "--callib", tmp["cal.txt"],
                "--chanaverage", "--chanbin", "2", "--nthreads", n);
            Assert.That(fly.ExitCode, Is.EqualTo(0), fly.ToString());
        }
        CalTesting.AssertSameMs(tmp["n1.ms"], tmp["n5.ms"]);
        CalTesting.AssertSameMs(tmp["fly1.ms"], tmp["fly5.ms"]);
        Assert.That(counts[0], Is.Not.Empty.And.EqualTo(counts[1]), "the flag statistics summed over the row blocks");
        Assert.That(string.Join('\n', counts[0]), Does.Match(@"G Jones: .* Out: [1-9]"), "the G table flagged an antenna's cells");
    }

    [Test]
    public void AnMpiJobOfOneRankRunsTheJobsOnRankZero()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.SmallMs, "one.ms");
        var r = Proc.MmsMpiUnderMpi(1, "flagdata", "--vis", ms, "--mode", "clip", "--clipminmax", "[0,3]", "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Contain("flag pass: 1 job(s) on").And.Contain("done: job 1/1"));
    }

    [Test]
    public void NoThreadsIsAnInputError()
    {
        var r = Proc.MmsMpi("listobs", "--vis", GeneratedData.SmallMs, "--nthreads", "0");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr.Split('\n').Where(l => l.StartsWith("ERROR:")).ToList(), Has.Count.EqualTo(1).And.All.StartWith("ERROR: --nthreads must be at least 1 (got 0)"));
    }
}
