using System.CommandLine;
using MmsMpi.Heuristics;
using MmsMpi.Tasks.Uvh5;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi importuvh5` and `exportuvh5`: UVH5 (pyuvdata's HDF5 format) ↔ MS / Multi-MS.</summary>
public static class Uvh5Commands
{
    public static Command Import()
    {
        var vis = Options.Text("--vis", "UVH5 files: FILE[,FILE...], a directory of *.uvh5 files, or a glob pattern", required: true);
        var outputVis = Options.Text("--outputvis", "Output MS or Multi-MS (must not exist)", required: true);
        var createMms = new Option<bool?>("--createmms")
        {
            Description = "Create a Multi-MS with one sub-MS per file (default: for several files); false: one plain MS",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var axis = Options.Text("--separationaxis", "auto (from how the files divide the data), scan (a split in time) or spw (in frequency)", "auto");
        var resume = Options.Resume();
        var command = new Command("importuvh5", "Convert UVH5 files to an MS, or to a Multi-MS with the files converted in parallel");
        foreach (Option o in (Option[])[vis, outputVis, createMms, axis, resume]) command.Add(o);
        command.SetAction(r => TaskHost.Run(context => Console.WriteLine(new ImportUvh5Task(context, new ImportUvh5Options(
            r.GetValue(vis)!, r.GetValue(outputVis)!, r.GetValue(createMms), ParseAxis(r.GetValue(axis)!))).Run()), r.GetValue(resume)));
        return command;
    }

    public static Command Export()
    {
        var vis = Options.Text("--vis", "Input MS or Multi-MS", required: true);
        var outputVis = Options.Text("--outputvis", "Output UVH5 file (must not exist); with --per-subms the files are OUT.NNNN.uvh5", required: true);
        var perSubMs = Options.Bool("--per-subms", "One UVH5 file per sub-MS of a Multi-MS, written in parallel", false);
        var command = new Command("exportuvh5", "Write an MS or Multi-MS as UVH5 (pyuvdata's HDF5 format)");
        foreach (Option o in (Option[])[vis, outputVis, perSubMs]) command.Add(o);
        command.SetAction(r => TaskHost.Run(context => Console.WriteLine(new ExportUvh5Task(context, new ExportUvh5Options(
            r.GetValue(vis)!, r.GetValue(outputVis)!, r.GetValue(perSubMs))).Run())));
        return command;
    }

    private static SeparationAxis ParseAxis(string value)
    {
        SeparationAxis axis;
        try { axis = SeparationAxes.Parse(value); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
        return axis != SeparationAxis.Baseline ? axis
            : throw new UserError("separationaxis baseline: UVH5 files are not divided by baseline (use auto, scan or spw, or partition the MS)");
    }
}
