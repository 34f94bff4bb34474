using System.Text.Json;
using System.Text.Json.Serialization;

namespace MmsMpi.Runtime;

/// <summary>A unit of work a worker can run alone: it carries everything it needs (absolute paths, selection).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Tasks.SubMsJob), "subms")]
[JsonDerivedType(typeof(Transform.TransformJob), "transform")]
[JsonDerivedType(typeof(Flagging.FlagJob), "flag")]
[JsonDerivedType(typeof(Flagging.FlagRestoreJob), "flagrestore")]
public abstract record Job
{
    /// <summary>Runs the job on the calling process and returns a short result for the coordinator.</summary>
    public abstract JobResult Run();
}

/// <summary>
/// What a job reports back: rows and bytes written, or the one-line error that stopped it, and optionally a JSON
/// report for the coordinator to merge (flag summaries, sweep results).
/// </summary>
public sealed record JobResult(long Rows, long Bytes, string? Error = null)
{
    public string? Report { get; init; }

    public static JobResult Failed(Exception e) => new(0, 0, e.Message);
}

/// <summary>Wire format of jobs and results between ranks (UTF-8 JSON).</summary>
public static class JobWire
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = false };

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Decode<T>(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new InvalidDataException("empty message");
}
