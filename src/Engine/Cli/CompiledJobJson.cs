using System.Text.Json.Serialization;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Calibration;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Tasks.Partition;
using MmsMpi.Tasks.Transform;
using MmsMpi.Tasks.Uvh5;

namespace MmsMpi.Cli;

/// <summary>
/// Build-time serialisation metadata for the messages between ranks and every job and report the tasks register in
/// <see cref="TaskCommands.JobTypes"/> (see <see cref="JobTypes.Compiled"/>); a test checks that none is missing.
/// </summary>
[JsonSerializable(typeof(JobRequest))]
[JsonSerializable(typeof(WorkerReply))]
[JsonSerializable(typeof(SubMsJob))]
[JsonSerializable(typeof(TransformJob))]
[JsonSerializable(typeof(FlagJob))]
[JsonSerializable(typeof(FlagJobReport))]
[JsonSerializable(typeof(FlagRestoreJob))]
[JsonSerializable(typeof(ApplyCalJob))]
[JsonSerializable(typeof(ApplyCalReport))]
[JsonSerializable(typeof(ClearCalJob))]
[JsonSerializable(typeof(ImportUvh5Job))]
[JsonSerializable(typeof(ExportUvh5Job))]
public sealed partial class CompiledJobJson : JsonSerializerContext;
