using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MmsMpi.Runtime;

/// <summary>A unit of work a worker can run alone: it carries everything it needs (absolute paths, selection).</summary>
public abstract record Job
{
    /// <summary>What messages call this job: the sub-MS (or MS) it writes or works on.</summary>
    public abstract string Name { get; }

    /// <summary>Runs the job on the calling process; stops between chunks when cancel is set (then throws OperationCanceledException).</summary>
    public abstract JobResult Run(CancellationToken cancel);

    /// <summary>
    /// What the job uses that no other job of the same process may use at the same time (see <see cref="LocalCluster"/>):
    /// the tables it opens, as full paths (a path holds everything below it: an MMS holds its members), and libraries
    /// that are not thread-safe (<see cref="Libraries"/>). Null: the job runs alone.
    /// </summary>
    [JsonIgnore]
    public virtual IReadOnlyList<string>? Holds => null;

    /// <summary>Whether two jobs may run at once in one process: both say what they hold, and nothing overlaps.</summary>
    public bool MayRunBeside(Job other) =>
        Holds is { } mine && other.Holds is { } theirs && !mine.Any(a => theirs.Any(b => Overlap(Normal(a), Normal(b))));

    private static string Normal(string held) => Path.IsPathRooted(held) ? Path.GetFullPath(held).TrimEnd('/') : held;

    private static bool Overlap(string a, string b) => a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);
}

/// <summary>Names of libraries a job holds while it uses them (<see cref="Job.Holds"/>).</summary>
public static class Libraries
{
    /// <summary>Debian's libhdf5 is built without its thread-safety option: one thread at a time in a process.</summary>
    public const string Hdf5 = "library:hdf5";
}

/// <summary>A job that writes one new table in the staging directory: the ledger records it when it completes.</summary>
public interface IOutputJob
{
    string OutputPath { get; }
}

/// <summary>A task's own typed result of a job (flag counts, sweep results), registered with its job types.</summary>
public abstract record JobReport;

/// <summary>What a job reports back: rows it wrote or worked on and its typed report, or the one-line error that stopped it.</summary>
public sealed record JobResult(long Rows, JobReport? Report = null)
{
    public string? Error { get; init; }

    /// <summary>The signal that stopped the job (it was asked to stop, it did not fail); 0 when it was not interrupted.</summary>
    public int InterruptedBy { get; init; }

    public static JobResult Failed(Exception e) => e is OperationCanceledException or InterruptedError
        ? new JobResult(0) { Error = "interrupted", InterruptedBy = Interruption.Signal }
        : new JobResult(0) { Error = e.Message };
}

/// <summary>
/// The job and report types that may cross between ranks, registered by the tasks that own them (the runtime knows
/// none of them): System.Text.Json's polymorphism is given the list at run time, so a job's JSON carries its "kind".
/// </summary>
public sealed class JobTypes
{
    private readonly List<JsonDerivedType> _jobs = [];
    private readonly List<JsonDerivedType> _reports = [];

    public JobTypes Job<T>(string kind) where T : Job { _jobs.Add(new JsonDerivedType(typeof(T), kind)); return this; }

    public JobTypes Report<T>(string kind) where T : JobReport { _reports.Add(new JsonDerivedType(typeof(T), kind)); return this; }

    internal JsonSerializerOptions Options() => new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddDerivedTypes } },
    };

    private void AddDerivedTypes(JsonTypeInfo info)
    {
        var derived = info.Type == typeof(Job) ? _jobs : info.Type == typeof(JobReport) ? _reports : null;
        if (derived is null) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "kind" };
        foreach (var d in derived) info.PolymorphismOptions.DerivedTypes.Add(d);
    }
}

/// <summary>Wire format of jobs and results between ranks (UTF-8 JSON), with the job types every task registered.</summary>
public static class JobWire
{
    private static JsonSerializerOptions _options = new JobTypes().Options();

    /// <summary>Called once at start-up on every rank, before any job is sent or received.</summary>
    public static void Use(JobTypes types) => _options = types.Options();

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    public static T Decode<T>(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, _options) ?? throw new InvalidDataException("empty message");
}
