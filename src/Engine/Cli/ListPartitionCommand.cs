using System.CommandLine;
using MmsMpi.Tasks.ListPartition;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi listpartition`: the contents of each sub-MS of an MMS (or of a plain MS).</summary>
public static class ListPartitionCommand
{
    public static Command Create()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS to list", required: true);
        var json = new Option<bool>("--json") { Description = "Write CASA's listpartition dictionary as JSON instead of the table" };
        var command = new Command("listpartition", "List the scans, spws, channels, rows and size of each sub-MS") { vis, json };
        command.SetAction(r => TaskHost.Run(_ =>
        {
            var listing = ListPartitionTask.Read(r.GetValue(vis)!);
            Console.Write(r.GetValue(json) ? ListPartitionTask.Json(listing) + "\n" : ListPartitionTask.Format(listing));
        }));
        return command;
    }
}
