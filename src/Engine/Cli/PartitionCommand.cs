using System.CommandLine;
using MmsMpi.Tasks;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi partition`: MS → Multi-MS, CASA's partition task.</summary>
public static class PartitionCommand
{
    public static Command Create()
    {
        var vis = Options.Text("--vis", "Input MeasurementSet", required: true);
        var outputVis = Options.Text("--outputvis", "Output Multi-MS (must not exist)", required: true);
        var createMms = Options.Bool("--createmms", "Create a Multi-MS (false: a plain MS of the selection)", true);
        var axis = Options.Text("--separationaxis", "auto, scan, spw or baseline", "auto");
        var numSubMs = Options.Text("--numsubms", "Number of sub-MSs, or 'auto' (worker ranks; 8 without MPI)", "auto");
        var dataColumn = Options.Text("--datacolumn", "all, data, corrected, model, data,model,corrected, float_data, ...", "all");
        var flagBackup = Options.Bool("--flagbackup", "Save the output's flags as version partition_1", true);
        var selection = new SelectionOptions();

        var command = new Command("partition", "Partition an MS into a Multi-MS (sub-MSs written in parallel)");
        foreach (var o in new Option[] { vis, outputVis, createMms, axis, numSubMs, dataColumn, flagBackup }) command.Add(o);
        selection.AddTo(command);
        command.SetAction(r => TaskHost.Run(cluster =>
        {
            var summary = new PartitionTask(cluster).Run(new PartitionOptions(
                r.GetValue(vis)!, r.GetValue(outputVis)!, r.GetValue(createMms), r.GetValue(axis)!, r.GetValue(numSubMs)!,
                r.GetValue(dataColumn)!, r.GetValue(flagBackup), selection.Read(r)));
            Console.WriteLine(summary.SubMss > 0
                ? $"Created {summary.OutputVis} with {summary.SubMss} sub-MSs, {summary.Rows} rows in {summary.Seconds:F1} s"
                : $"Created {summary.OutputVis} (plain MS), {summary.Rows} rows in {summary.Seconds:F1} s");
        }));
        return command;
    }
}
