using System.CommandLine;

namespace MmsMpi.Cli;

/// <summary>The task commands of the CLI, in the order `--help` lists them.</summary>
public static class TaskCommands
{
    public static IEnumerable<Command> All() =>
    [
        SimulateCommand.Create(),
        PartitionCommand.Create(),
        ListPartitionCommand.Create(),
        TransformCommands.MsTransform(),
        TransformCommands.Split(),
        TransformCommands.Cvel2(),
        TransformCommands.HanningSmooth(),
        FlagCommands.FlagData(), FlagCommands.FlagManager(),
    ];
}
