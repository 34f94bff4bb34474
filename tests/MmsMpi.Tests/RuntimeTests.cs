using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MmsMpi.Runtime;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>The parallel-task runtime in this process: the job cycle, staging and its ledger, locks, containment, the wire.</summary>
public class RuntimeTests
{
    /// <summary>A job that writes a directory of a given size, or fails, or waits for a stop request.</summary>
    private sealed record FakeJob(string OutputPath, string? Failure = null, bool UntilStopped = false) : Job, IOutputJob
    {
        public override string Name => Path.GetFileName(OutputPath);

        public override JobResult Run(CancellationToken cancel)
        {
            if (UntilStopped) cancel.WaitHandle.WaitOne();
            cancel.ThrowIfCancellationRequested();
            if (Failure is not null) throw new UserError(Failure);
            Directory.CreateDirectory(OutputPath);
            File.WriteAllText(Path.Combine(OutputPath, "data"), new string('x', 100));
            return new JobResult(10);
        }
    }

    private sealed record FakeReport(int Value) : JobReport;

    /// <summary>A data task over fake jobs: it publishes the first job's output.</summary>
    private sealed class FakeTask(TaskContext context, string vis, string output, FakeJob[] template) : ParallelDataHelper(context)
    {
        public int Ran { get; private set; }

        protected override void Initialize() => OpenStaging(vis, output, new Dictionary<string, string> { ["jobs"] = template.Length.ToString() }, 0);

        protected override IReadOnlyList<Job> GenerateJobs() => template.Select(j => j with { OutputPath = Stage.PathFor(j.OutputPath) }).ToList();

        protected override void Completed(Job job, JobResult result)
        {
            Ran++;
            base.Completed(job, result);
        }

        protected override OutputSummary PostExecution(IReadOnlyList<JobResult> results)
        {
            Publish(((FakeJob)GenerateJobs()[0]).OutputPath, Output);
            return new OutputSummary(Output, 0, results.Sum(r => r.Rows), 0);
        }
    }

    private static (TempDir Tmp, string Vis, string Out) Setup()
    {
        var tmp = new TempDir();
        Directory.CreateDirectory(tmp["in.ms"]);
        File.WriteAllText(Path.Combine(tmp["in.ms"], "table.dat"), "input");
        return (tmp, tmp["in.ms"], tmp["out.ms"]);
    }

    [Test]
    public void AFailedJobIsNamedAndLeavesNothingBehind()
    {
        var (tmp, vis, output) = Setup();
        using var _ = tmp;
        var task = new FakeTask(new TaskContext(new LocalCluster()), vis, output, [new("a.ms"), new("b.ms", Failure: "bad cell")]);
        var e = Assert.Throws<UserError>(() => task.Run());
        Assert.That(e!.Message, Is.EqualTo("b.ms failed: bad cell"));
        Assert.That(Directory.GetFileSystemEntries(tmp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "in.ms" }));
    }

    [Test]
    public void TheFailedJobThatSaysWhyIsTheTasksError()
    {
        var (tmp, vis, output) = Setup();
        using var _ = tmp;
        // On a full disk one sub-MS's casacore error came without a message while the next ones named the failed write.
        var task = new FakeTask(new TaskContext(new LocalCluster()), vis, output, [new("a.ms", Failure: ""), new("b.ms", Failure: "write error")]);
        Assert.That(Assert.Throws<UserError>(() => task.Run())!.Message, Is.EqualTo("b.ms failed: write error"));
        var alone = new FakeTask(new TaskContext(new LocalCluster()), vis, output, [new("a.ms", Failure: " ")]);
        Assert.That(Assert.Throws<UserError>(() => alone.Run())!.Message, Is.EqualTo("a.ms failed without a message"));
    }

    [Test]
    public void AnInterruptedRunKeepsItsStagingAndResumeRunsOnlyTheRest()
    {
        var (tmp, vis, output) = Setup();
        using var _ = tmp;
        using var stop = new CancellationTokenSource();
        FakeJob[] jobs = [new("a.ms"), new("b.ms", UntilStopped: true)];
        var first = new FakeTask(new TaskContext(new LocalCluster(), Cancel: stop.Token), vis, output, jobs);
        stop.CancelAfter(200);
        var interrupted = Assert.Throws<InterruptedError>(() => first.Run());
        Assert.That(interrupted!.Message, Does.Contain("--resume"));
        Assert.That(interrupted.ExitCode, Is.EqualTo(130));
        Assert.That(Directory.Exists(output), Is.False, "nothing at the final name");
        Assert.That(File.ReadAllText(Path.Combine(Staging.DirFor(output), "ledger.json")), Does.Contain("a.ms"));

        var refused = Assert.Throws<UserError>(() => new FakeTask(new TaskContext(new LocalCluster()), vis, output, jobs).Run());
        Assert.That(refused!.Message, Does.Contain("interrupted run exists").And.Contain("--resume"));

        var resumed = new FakeTask(new TaskContext(new LocalCluster(), Resume: true), vis, output, [new("a.ms"), new("b.ms")]);
        var summary = resumed.Run();
        Assert.That(resumed.Ran, Is.EqualTo(1), "a.ms was kept, only b.ms ran");
        Assert.That(summary.Rows, Is.EqualTo(20));
        Assert.That(Directory.Exists(output) && !Directory.Exists(Staging.DirFor(output)), Is.True);
    }

    [Test]
    public void ResumeRefusesADifferentCommandAndRedoesAnOutputThatChanged()
    {
        var (tmp, vis, output) = Setup();
        using var _ = tmp;
        using (var stage = Staging.Begin(output, new Dictionary<string, string> { ["spw"] = "0" }, "partition", resume: false))
        {
            foreach (var name in new[] { "a.ms", "b.ms" })
            {
                Directory.CreateDirectory(stage.PathFor(name));
                File.WriteAllText(Path.Combine(stage.PathFor(name), "data"), "12345");
                stage.Record(stage.PathFor(name), 5);
            }
            File.WriteAllText(stage.PathFor("partial.ms"), "half");
        }
        var e = Assert.Throws<UserError>(() => Staging.Begin(output, new Dictionary<string, string> { ["spw"] = "1" }, "partition", resume: true));
        Assert.That(e!.Message, Does.Contain("spw was '0', now '1'"));

        File.AppendAllText(Path.Combine(Staging.DirFor(output), "b.ms", "data"), "changed");
        using var resumed = Staging.Begin(output, new Dictionary<string, string> { ["spw"] = "0" }, "partition", resume: true);
        Assert.That(resumed.Done(resumed.PathFor("a.ms")), Is.EqualTo(5));
        Assert.That(resumed.Done(resumed.PathFor("b.ms")), Is.Null, "a changed output is redone");
        Assert.That(File.Exists(resumed.PathFor("partial.ms")) || Directory.Exists(resumed.PathFor("b.ms")), Is.False, "what the ledger does not vouch for goes");
        resumed.Discard();
    }

    [Test]
    public void AStagingInUseIsRefusedNamingItsOwner()
    {
        var (tmp, _, output) = Setup();
        using var __ = tmp;
        using var first = Staging.Begin(output, new Dictionary<string, string>(), "partition", resume: false);
        var e = Assert.Throws<UserError>(() => Staging.Begin(output, new Dictionary<string, string>(), "partition", resume: true));
        Assert.That(e!.Message, Does.Contain($"process {Environment.ProcessId}").And.Contain("partition"));
        first.Discard();
    }

    [Test]
    public void AFileLockHasOneHolderAndIsFreeAgainWhenReleased()
    {
        using var tmp = new TempDir();
        string path = tmp["x.lock"];
        using (var held = FileLock.TryAcquire(path, "me"))
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(FileLock.TryAcquire(path, "other"), Is.Null);
            Assert.That(FileLock.IsHeld(path), Is.True);
            Assert.That(FileLock.Owner(path), Is.EqualTo("me"));
        }
        Assert.That(FileLock.IsHeld(path), Is.False);
        using var again = FileLock.TryAcquire(path, "other");
        Assert.That(again, Is.Not.Null);
    }

    [Test]
    public void OutputsInsideOrAroundTheInputAreRefusedAlsoThroughLinks()
    {
        var (tmp, vis, _) = Setup();
        using var __ = tmp;
        File.CreateSymbolicLink(tmp["link.ms"], vis);
        Assert.That(Assert.Throws<UserError>(() => Containment.CheckOutputPlacement(vis, Path.Combine(vis, "x.mms")))!.Message, Does.Contain("inside the input"));
        Assert.That(Assert.Throws<UserError>(() => Containment.CheckOutputPlacement(vis, Path.Combine(tmp["link.ms"], "x.mms")))!.Message, Does.Contain("inside the input"));
        Assert.That(Assert.Throws<UserError>(() => Containment.CheckOutputPlacement(vis, tmp["link.ms"]))!.Message, Does.Contain("is the input"));
        Assert.That(Assert.Throws<UserError>(() => Containment.CheckOutputPlacement(vis, tmp.Path))!.Message, Does.Contain("inside outputvis"));
        Assert.DoesNotThrow(() => Containment.CheckOutputPlacement(vis, tmp["in.ms2"]));
    }

    [Test]
    public void JobsAndReportsCrossTheWireAsTheirRegisteredTypes()
    {
        var types = new JobTypes().Job<FakeJob>("fake").Report<FakeReport>("fake");
        JobWire.Use(types);
        try
        {
            var job = JobWire.Decode<Job>(JobWire.Encode<Job>(new FakeJob("/x/a.ms", "f")));
            Assert.That(job, Is.EqualTo(new FakeJob("/x/a.ms", "f")));
            var result = JobWire.Decode<JobResult>(JobWire.Encode(new JobResult(3, new FakeReport(7)) { Error = "e" }));
            Assert.That(result.Report, Is.EqualTo(new FakeReport(7)));
            Assert.That((result.Rows, result.Error), Is.EqualTo((3L, "e")));
            Assert.That(System.Text.Encoding.UTF8.GetString(JobWire.Encode<Job>(new FakeJob("/x/a.ms", "f"))), Does.StartWith("{\"kind\":\"fake\",\"value\":{"));
            var unknown = Assert.Throws<System.Text.Json.JsonException>(() => JobWire.Decode<Job>("{\"kind\":\"nope\",\"value\":{}}"u8));
            Assert.That(unknown!.Message, Does.Contain("'nope'"));
        }
        finally
        {
            JobWire.Use(Cli.TaskCommands.JobTypes());
        }
    }

    [Test]
    public void EveryRegisteredJobAndReportHasBuildTimeMetadata()
    {
        var missing = Cli.TaskCommands.JobTypes().Registered
            .Where(t => Cli.CompiledJobJson.Default.GetTypeInfo(t) is null).Select(t => t.Name).ToList();
        Assert.That(missing, Is.Empty, "add these to CompiledJobJson");
        Assert.That(Cli.TaskCommands.JobTypes().Registered.Count(), Is.GreaterThanOrEqualTo(10));
    }

    private static readonly JsonSerializerOptions ByReflection = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver(), Converters = { new JsonStringEnumConverter() } };

    /// <summary>A fingerprint through metadata built by reflection, for types without build-time metadata.</summary>
    private static Dictionary<string, string> FingerprintByReflection<T>(T parameters) =>
        CommandFingerprint.Of(parameters, (JsonTypeInfo<T>)ByReflection.GetTypeInfo(typeof(T)));

    [Test]
    public void AFingerprintFlattensNestedParametersByName()
    {
        var flat = FingerprintByReflection(new { Vis = "/a.ms", Selection = new { Spw = "0:1~3", Scan = "" }, NumSubMs = 4 });
        Assert.That(flat, Is.EquivalentTo(new Dictionary<string, string> { ["Vis"] = "/a.ms", ["Selection.Spw"] = "0:1~3", ["Selection.Scan"] = "", ["NumSubMs"] = "4" }));
        Assert.That(Ledger.FirstDifference(flat, new Dictionary<string, string>(flat) { ["NumSubMs"] = "8" }), Is.EqualTo("NumSubMs was '4', now '8'"));
        Assert.That(Ledger.FirstDifference(flat, flat), Is.Null);
    }

    /// <summary>The build-time metadata a task's ledger records its command with flattens every parameter as reflection does (names, enums by name, nested records).</summary>
    [Test]
    public void EveryTasksCommandFlattensAsByReflection()
    {
        var transform = new Tasks.Transform.MsTransformParams("/a.ms", "/b.ms", new Casacore.SelectionExprs(Spw: "0:1~3"),
            new Tasks.Transform.TransformOptions { ChanAverage = true, DataColumn = "data" }, Heuristics.TransformTask.Split, SeparationAxis: Heuristics.SeparationAxis.Scan);
        var partition = new Tasks.Partition.PartitionOptions("/a.ms", "/b.mms", NumSubMs: "4", Selection: new Casacore.SelectionExprs(Scan: "2"));
        var import = new Tasks.Uvh5.ImportUvh5Options("/a.uvh5", "/b.ms", null, Heuristics.SeparationAxis.Baseline);
        Assert.Multiple(() =>
        {
            Assert.That(CommandFingerprint.Of(transform, Tasks.CommandJson.Default.MsTransformParams), Is.EquivalentTo(FingerprintByReflection(transform)));
            Assert.That(CommandFingerprint.Of(partition, Tasks.CommandJson.Default.PartitionOptions), Is.EquivalentTo(FingerprintByReflection(partition)));
            Assert.That(CommandFingerprint.Of(import, Tasks.CommandJson.Default.ImportUvh5Options), Is.EquivalentTo(FingerprintByReflection(import)));
        });
        var flat = CommandFingerprint.Of(transform, Tasks.CommandJson.Default.MsTransformParams);
        Assert.That((flat["Selection.Spw"], flat["Task"], flat["SeparationAxis"], flat["Options.ChanAverage"]), Is.EqualTo(("0:1~3", "Split", "Scan", "true")));
    }
}
