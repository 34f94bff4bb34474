using System.CommandLine;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Calibration;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Tasks.Partition;
using MmsMpi.Tasks.Transform;
using MmsMpi.Tasks.Uvh5;

namespace MmsMpi.Cli;

/// <summary>The task commands of the CLI, in the order `--help` lists them, and the job types their tasks send to workers.</summary>
public static class TaskCommands
{
    public static IEnumerable<Command> All() =>
    [
        SimulateCommand.Create(),
        PartitionCommand.Create(),
        ListPartitionCommand.Create(),
        ListObsCommand.Create(),
        TransformCommands.MsTransform(),
        TransformCommands.Split(),
        TransformCommands.Cvel2(),
        TransformCommands.HanningSmooth(),
        FlagCommands.FlagData(), FlagCommands.FlagManager(),
        CalCommands.ApplyCal(), CalCommands.ClearCal(),
        Uvh5Commands.Import(), Uvh5Commands.Export(),
    ];

    /// <summary>Every task registers its own jobs; every rank knows them before the first message.</summary>
    public static JobTypes JobTypes()
    {
        var types = new JobTypes().Compiled(CompiledJobJson.Default);
        PartitionTask.Register(types);
        MsTransformTask.Register(types);
        FlagDataTask.Register(types);
        FlagManagerTask.Register(types);
        ApplyCalTask.Register(types);
        ClearCalTask.Register(types);
        ImportUvh5Task.Register(types);
        ExportUvh5Task.Register(types);
        return types;
    }
}
