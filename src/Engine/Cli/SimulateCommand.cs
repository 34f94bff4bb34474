using System.CommandLine;
using MmsMpi.Simulation;

namespace MmsMpi.Cli;

/// <summary>`MmsMpi simulate`: generates a realistic MeasurementSet for demos, tests and benchmarks.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var d = new SimulationConfig("");
        var outputVis = new Option<string>("--outputvis") { Description = "Name of the MS to create", Required = true };
        var array = Opt("--array", "Antenna layout, band and calibrators", d.Array);
        array.AcceptOnlyFromAmong([.. SimulationConfig.Arrays]);
        var nchan = Opt("--nchan", "Channels per spectral window, comma separated (one value per spw)", string.Join(',', d.NChan));
        var ncorr = Opt("--ncorr", "Correlations: 2 (parallel hands) or 4", d.NCorr);
        ncorr.AcceptOnlyFromAmong("2", "4");
        var nfield = Opt("--nfield", "Fields: flux calibrator, phase calibrator, then targets", d.NField);
        var nscan = Opt("--nscan", "Scans (cycling over the fields); ignored with --size-mb", d.NScan);
        var scanLength = Opt("--scan-length", "Seconds per scan", d.ScanLength);
        var integration = Opt("--integration", "Seconds per integration", d.Integration);
        var sizeMb = Opt("--size-mb", "Approximate size in MiB (scans are added to reach it); 0 = --nscan scans", d.SizeMb);
        var corrected = Opt("--corrected", "Add CORRECTED_DATA (gains removed)", false);
        var model = Opt("--model", "Add MODEL_DATA (the point-source model)", false);
        var weightSpectrum = Opt("--weight-spectrum", "Add WEIGHT_SPECTRUM and SIGMA_SPECTRUM", false);
        var autocorr = Opt("--autocorr", "Include autocorrelations", false);
        var seed = Opt("--seed", "Seed of the noise and the antenna gains", d.Seed);
        var calTables = Opt("--caltables", "Also write the true gains as PREFIX.G and bandpasses as PREFIX.B (CASA calibration tables; the band gets a bandpass)", "");

        var command = new Command("simulate", "Generate a realistic MeasurementSet (demo, tests, benchmarks)")
        {
            outputVis, array, nchan, ncorr, nfield, nscan, scanLength, integration, sizeMb,
            corrected, model, weightSpectrum, autocorr, seed, calTables,
        };
        command.SetAction(parseResult => TaskHost.Run(_ =>
        {
            var config = new SimulationConfig(parseResult.GetValue(outputVis)!)
            {
                Array = parseResult.GetValue(array)!,
                NChan = ParseCounts(parseResult.GetValue(nchan)!),
                NCorr = parseResult.GetValue(ncorr),
                NField = parseResult.GetValue(nfield),
                NScan = parseResult.GetValue(nscan),
                ScanLength = parseResult.GetValue(scanLength),
                Integration = parseResult.GetValue(integration),
                SizeMb = parseResult.GetValue(sizeMb),
                Corrected = parseResult.GetValue(corrected),
                Model = parseResult.GetValue(model),
                WeightSpectrum = parseResult.GetValue(weightSpectrum),
                AutoCorr = parseResult.GetValue(autocorr),
                Seed = parseResult.GetValue(seed),
                CalTables = parseResult.GetValue(calTables)!,
            };
            var result = SimulateTask.Run(config);
            Console.WriteLine(SimulateTask.Summary(config, result));
        }));
        return command;
    }

    private static Option<T> Opt<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    private static int[] ParseCounts(string text) =>
        text.Split(',').Select(s => int.TryParse(s, out int n) && n > 0 ? n : throw new UserError($"--nchan: '{s}' is not a positive channel count")).ToArray();
}
