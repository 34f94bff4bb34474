using System.CommandLine;
using MmsMpi.Tasks.ListObs;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi listobs`: CASA's summary of an MS or Multi-MS (observation, scans, fields, spws, antennas).</summary>
public static class ListObsCommand
{
    public static Command Create()
    {
        var vis = Options.Text("--vis", "MS or Multi-MS to summarise", required: true);
        var json = new Option<bool>("--json") { Description = "Write the summary as JSON instead of the listing" };
        var command = new Command("listobs", "Summarise an MS or Multi-MS: observation, scans, fields, spectral windows, antennas (and sub-MSs)") { vis, json };
        command.SetAction(r => TaskHost.Run(_ =>
        {
            var summary = ObsSummary.Read(r.GetValue(vis)!);
            Console.Write(r.GetValue(json) ? ObsSummaryText.Json(summary) + "\n" : ObsSummaryText.Format(summary));
        }));
        return command;
    }
}
