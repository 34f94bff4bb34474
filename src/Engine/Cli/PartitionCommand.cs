using System.CommandLine;
using MmsMpi.Tasks.Partition;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi partition`: MS → Multi-MS, CASA's partition task.</summary>
public static class PartitionCommand
{
    public static Command Create()
    {
        var vis = Options.Text("--vis", "Input MeasurementSet", required: true);
        var outputVis = Options.Text("--outputvis", "Output Multi-MS (must not exist)", required: true);
        var mms = new MmsOutputOptions("Create a Multi-MS (false: a plain MS of the selection)", true);
        var dataColumn = Options.Text("--datacolumn", "all, data, corrected, model, data,model,corrected, float_data, ...", "all");
        var flagBackup = Options.Bool("--flagbackup", "Save the output's flags as version partition_1", true);
        var resume = Options.Resume();
        var selection = new SelectionOptions();

        var command = new Command("partition", "Partition an MS into a Multi-MS (sub-MSs written in parallel)");
        foreach (Option o in (Option[])[vis, outputVis, .. mms.All, dataColumn, flagBackup, resume]) command.Add(o);
        selection.AddTo(command);
        command.SetAction(r => TaskHost.Run(context => Console.WriteLine(new PartitionTask(context, new PartitionOptions(
            r.GetValue(vis)!, r.GetValue(outputVis)!, r.GetValue(mms.CreateMms), mms.Axis(r), r.GetValue(mms.NumSubMs)!,
            r.GetValue(dataColumn)!, r.GetValue(flagBackup), selection.Read(r))).Run()), r.GetValue(resume)));
        return command;
    }
}
