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
/// none of them): a job or report crosses as <c>{"kind": ..., "value": ...}</c> (<see cref="KindConverter{TBase}"/>).
/// </summary>
public sealed class JobTypes
{
    private readonly Dictionary<string, Type> _jobs = [];
    private readonly Dictionary<string, Type> _reports = [];
    private IJsonTypeInfoResolver? _compiled;

    public JobTypes Job<T>(string kind) where T : Job { _jobs.Add(kind, typeof(T)); return this; }

    public JobTypes Report<T>(string kind) where T : JobReport { _reports.Add(kind, typeof(T)); return this; }

    /// <summary>
    /// Serialisation metadata generated at build time (a System.Text.Json source-generated context) for the registered
    /// types, so no rank builds it by reflection before its first message; types it lacks fall back to reflection.
    /// </summary>
    public JobTypes Compiled(IJsonTypeInfoResolver metadata) { _compiled = metadata; return this; }

    /// <summary>The registered job and report types (each must cross the wire as itself).</summary>
    public IEnumerable<Type> Registered => _jobs.Values.Concat(_reports.Values);

    internal JsonSerializerOptions Options() => new()
    {
        TypeInfoResolver = _compiled is null ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine(_compiled, new DefaultJsonTypeInfoResolver()),
        Converters = { new KindConverter<Job>(_jobs), new KindConverter<JobReport>(_reports) },
    };
}

/// <summary>
/// A registered subtype of TBase as <c>{"kind": ..., "value": ...}</c>, the value written and read as its own type.
/// System.Text.Json's own polymorphism builds the metadata of every registered subtype, with all their members, on
/// the first message: 0.12–0.2 s on each rank before its first job (measured); this builds only the type that crosses.
/// </summary>
internal sealed class KindConverter<TBase>(IReadOnlyDictionary<string, Type> types) : JsonConverter<TBase> where TBase : class
{
    private readonly Dictionary<Type, string> _kinds = types.ToDictionary(t => t.Value, t => t.Key);

    public override void Write(Utf8JsonWriter writer, TBase value, JsonSerializerOptions options)
    {
        if (!_kinds.TryGetValue(value.GetType(), out var kind)) throw new NotSupportedException($"{value.GetType().Name} is not a registered {typeof(TBase).Name}");
        writer.WriteStartObject();
        writer.WriteString("kind", kind);
        writer.WritePropertyName("value");
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
        writer.WriteEndObject();
    }

    public override TBase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject, null);
        Expect(ref reader, JsonTokenType.PropertyName, "kind");
        Expect(ref reader, JsonTokenType.String, null);
        var kind = reader.GetString()!;
        if (!types.TryGetValue(kind, out var type)) throw new JsonException($"unknown {typeof(TBase).Name} kind '{kind}'");
        Expect(ref reader, JsonTokenType.PropertyName, "value");
        reader.Read();
        var value = (TBase?)JsonSerializer.Deserialize(ref reader, type, options) ?? throw new JsonException($"empty {kind}");
        Expect(ref reader, JsonTokenType.EndObject, null);
        return value;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string? name)
    {
        if (token != JsonTokenType.StartObject && !reader.Read() || reader.TokenType != token || name is not null && !reader.ValueTextEquals(name))
            throw new JsonException($"malformed {typeof(TBase).Name}: expected {name ?? token.ToString()}");
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
