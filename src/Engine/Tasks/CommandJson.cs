using System.Text.Json.Serialization;
using MmsMpi.Tasks.Partition;
using MmsMpi.Tasks.Transform;
using MmsMpi.Tasks.Uvh5;

namespace MmsMpi.Tasks;

/// <summary>
/// Build-time serialisation metadata of the parameters a task's staging ledger records (<see cref="Runtime.CommandFingerprint"/>),
/// enums by name; a test checks it flattens each the way reflection does.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(MsTransformParams))]
[JsonSerializable(typeof(PartitionOptions))]
[JsonSerializable(typeof(ImportUvh5Options))]
public sealed partial class CommandJson : JsonSerializerContext;
