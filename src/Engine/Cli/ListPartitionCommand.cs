using System.CommandLine;
using MmsMpi.Plots;
using MmsMpi.Tasks.ListPartition;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi listpartition`: the contents of each sub-MS of an MMS (or of a plain MS).</summary>
public static class ListPartitionCommand
{
    public static Command Create()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS to list", required: true);
        var json = new Option<bool>("--json") { Description = "Write CASA's listpartition dictionary as JSON instead of the table" };
        var plot = Options.Text("--plot", "Also draw rows and size per sub-MS and the scan x spw matrix by sub-MS into this PNG file");
        var command = new Command("listpartition", "List the scans, spws, channels, rows and size of each sub-MS") { vis, json, plot };
        command.SetAction(r => TaskHost.Run(_ =>
        {
            string picture = r.GetValue(plot)!;
            if (picture.Length > 0) OutputFile.RequirePng(picture, "--plot");
            var listing = ListPartitionTask.Read(r.GetValue(vis)!);
            Console.Write(r.GetValue(json) ? ListPartitionTask.Json(listing) + "\n" : ListPartitionTask.Format(listing));
            if (picture.Length == 0) return;
            PartitionPicture.Write(listing, Path.GetFileName(Path.TrimEndingDirectorySeparator(r.GetValue(vis)!)), picture);
            Log.For<ListPartitionTask.Listing>().Info($"plot: {picture}");
        }));
        return command;
    }
}
