using System.CommandLine;
using MmsMpi.Heuristics;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Cli;

/// <summary>`mstransform` and its thin front ends `split` and `hanningsmooth`, mapped onto it as CASA's tasks do.</summary>
public static class TransformCommands
{
    /// <summary>The options every transformation front end has: vis, outputvis, datacolumn, keepflags, keepmms, resume, selection.</summary>
    private sealed class Common(string defaultDataColumn)
    {
        public readonly Option<string> Vis = Options.Text("--vis", "Input MS or Multi-MS", required: true);
        public readonly Option<string> OutputVis = Options.Text("--outputvis", "Output MS or Multi-MS (must not exist)", required: true);
        public readonly Option<string> DataColumn = Options.Text("--datacolumn", "data, corrected, model, data,model,corrected or all", defaultDataColumn);
        public readonly Option<bool> KeepFlags = Options.Bool("--keepflags", "Keep rows that are entirely flagged", true);
        public readonly Option<bool> KeepMms = Options.Bool("--keepmms", "With an MMS input, write an MMS (false: a plain MS)", true);
        public readonly Option<bool> Resume = Options.Resume();
        public readonly SelectionOptions Selection = new();

        public Command Command(string name, string description, params Option[] more)
        {
            var c = new Command(name, description);
            foreach (var o in new Option[] { Vis, OutputVis, DataColumn, KeepFlags, KeepMms, Resume }.Concat(more)) c.Add(o);
            Selection.AddTo(c);
            return c;
        }

        public TransformOptions Base(ParseResult r) => new() { DataColumn = r.GetValue(DataColumn)!, KeepFlags = r.GetValue(KeepFlags) };

        /// <summary>Runs the task; options are built inside the error handler, so a bad value is a one-line error too.</summary>
        public int Run(ParseResult r, Func<TransformOptions> options, TransformTask task, MmsOutputOptions? mms = null) =>
            TaskHost.Run(context => Console.WriteLine(new MsTransformTask(context, new MsTransformParams(r.GetValue(Vis)!, r.GetValue(OutputVis)!,
                Selection.Read(r), options(), task, mms is not null && r.GetValue(mms.CreateMms), mms is null ? SeparationAxis.Auto : mms.Axis(r),
                mms is null ? "auto" : r.GetValue(mms.NumSubMs)!, r.GetValue(KeepMms))).Run()), r.GetValue(Resume));
    }

    /// <summary>--docallib/--callib of mstransform and split: calibrate DATA on the fly with a cal library file.</summary>
    private sealed class CalLibraryOptions
    {
        private readonly Option<bool> _doCalLib = Options.Bool("--docallib", "Calibrate DATA on the fly with the cal library --callib (the corrected data)", false);
        private readonly Option<string> _calLib = Options.Text("--callib", "Cal library file: caltable='a.G' tinterp='linear' calwt=True spwmap=[0,0,1] field='...' per line");

        public Option[] All => [_doCalLib, _calLib];

        public TransformOptions Apply(TransformOptions o, ParseResult r)
        {
            string file = r.GetValue(_calLib)!.Trim();
            if (!r.GetValue(_doCalLib)) return file.Length > 0 ? throw new UserError("--callib is used only with --docallib true") : o;
            return file.Length > 0 ? o with { CalLibrary = file } : throw new UserError("docallib=True needs a cal library file: give --callib");
        }
    }

    public static Command MsTransform()
    {
        var common = new Common("corrected");
        var callib = new CalLibraryOptions();
        var chanaverage = Options.Bool("--chanaverage", "Average channels", false);
        var chanbin = Options.Text("--chanbin", "Channels per output channel: one value, or one per selected spw (e.g. 4,2,8)", "1");
        var hanning = Options.Bool("--hanning", "Hanning-smooth the channels", false);
        var timeaverage = Options.Bool("--timeaverage", "Average in time per baseline", false);
        var timebin = Options.Text("--timebin", "Averaging time, e.g. '10s'", "0s");
        var timespan = Options.Text("--timespan", "Average across scan, state and/or field (comma list)", "");
        var maxuvw = new Option<double>("--maxuvwdistance") { Description = "Close a time bin when the uvw moves more than this (m)" };
        var usewt = Options.Bool("--usewtspectrum", "Write WEIGHT_SPECTRUM and SIGMA_SPECTRUM", false);
        var mms = new MmsOutputOptions("Write a Multi-MS from an MS (partition, then transform each sub-MS)", false);
        var combinespws = Options.Bool("--combinespws", "Combine the selected spws into one", false);
        var regrid = new RegridOptions();
        var command = common.Command("mstransform", "Select, average, smooth, regrid an MS or a Multi-MS (sub-MSs in parallel)",
            [chanaverage, chanbin, hanning, timeaverage, timebin, timespan, maxuvw, usewt, combinespws, .. mms.All, .. regrid.All, .. callib.All]);
        command.SetAction(r => common.Run(r, () => regrid.Apply(callib.Apply(common.Base(r), r), r) with
        {
            ChanAverage = r.GetValue(chanaverage), ChanBin = TransformOptions.ParseChanBin(r.GetValue(chanbin)!, "chanbin"), Hanning = r.GetValue(hanning),
            TimeAverage = r.GetValue(timeaverage), TimeBinSeconds = TransformOptions.ParseSeconds(r.GetValue(timebin)!),
            TimeSpanText = r.GetValue(timespan)!, MaxUvwDistance = r.GetValue(maxuvw), UseWeightSpectrum = r.GetValue(usewt),
            CombineSpws = r.GetValue(combinespws),
        }, TransformTask.MsTransform, mms));
        return command;
    }

    /// <summary>split: width → chanbin (averaging when any value is > 1), timebin → time averaging, combine → timespan.</summary>
    public static Command Split()
    {
        var common = new Common("corrected");
        var callib = new CalLibraryOptions();
        var width = Options.Text("--width", "Channels to average: one value or one per selected spw", "1");
        var timebin = Options.Text("--timebin", "Averaging time, e.g. '10s' ('0s': none)", "0s");
        var combine = Options.Text("--combine", "Average across scan, state and/or field", "");
        var command = common.Command("split", "Split out (and average) a selection of an MS or Multi-MS", [width, timebin, combine, .. callib.All]);
        command.SetAction(r => common.Run(r, () =>
        {
            var bins = TransformOptions.ParseChanBin(r.GetValue(width)!, "width");
            double seconds = TransformOptions.ParseSeconds(r.GetValue(timebin)!);
            return callib.Apply(common.Base(r), r) with
            {
                ChanAverage = bins.Any(b => b > 1), ChanBin = bins, TimeAverage = seconds > 0, TimeBinSeconds = seconds, TimeSpanText = r.GetValue(combine)!,
            };
        }, TransformTask.Split));
        return command;
    }

    /// <summary>
    /// cvel2: regridding with the spws always combined into one, fully flagged rows always dropped (CASA sets
    /// combinespws, regridms, nspw=1 and keepflags=false); datacolumn 'all' by default.
    /// </summary>
    public static Command Cvel2()
    {
        var common = new Common("all");
        var hanning = Options.Bool("--hanning", "Hanning-smooth before regridding", false);
        var regrid = new RegridOptions();
        var command = common.Command("cvel2", "Regrid the spectral axis, combining the selected spws",
            [hanning, .. regrid.All.Where(o => o != regrid.RegridMs && o != regrid.NSpw)]);
        command.SetAction(r => common.Run(r, () => regrid.Apply(common.Base(r), r) with
        {
            RegridMs = true, CombineSpws = true, NSpw = 1, KeepFlags = false, Hanning = r.GetValue(hanning),
        }, TransformTask.Cvel2));
        return command;
    }

    /// <summary>hanningsmooth: datacolumn 'all' by default; 'corrected' without CORRECTED_DATA falls back to DATA with CASA's warning.</summary>
    public static Command HanningSmooth()
    {
        var common = new Common("all");
        var command = common.Command("hanningsmooth", "Hanning-smooth the channels of an MS or Multi-MS");
        command.SetAction(r => common.Run(r, () =>
        {
            var options = common.Base(r) with { Hanning = true };
            if (!options.DataColumn.Trim().Equals("corrected", StringComparison.OrdinalIgnoreCase) || HasCorrected(r.GetValue(common.Vis)!))
                return options;
            Log.For<MsTransformTask>().Warn("Input CORRECTED_DATA does not exist. Will use DATA");
            return options with { DataColumn = "data" };
        }, TransformTask.HanningSmooth));
        return command;
    }

    /// <summary>regridms and its sub-parameters (CASA's defaults).</summary>
    private sealed class RegridOptions
    {
        public readonly Option<bool> RegridMs = Options.Bool("--regridms", "Regrid the spws (frame conversion, new channel grid)", false);
        public readonly Option<string> Mode = Options.Text("--mode", "channel, channel_b, frequency or velocity", "channel");
        public readonly Option<int> NChan = new("--nchan") { Description = "Output channels (-1: keep the bandwidth)", DefaultValueFactory = _ => -1 };
        public readonly Option<string> Start = Options.Text("--start", "First channel: index, frequency or velocity by mode");
        public readonly Option<string> Width = Options.Text("--width", "Channel width: channels, frequency or velocity by mode");
        public readonly Option<string> Interpolation = Options.Text("--interpolation", "nearest, linear, cubic or spline", "linear");
        public readonly Option<string> PhaseCenter = Options.Text("--phasecenter", "Direction for frame conversion: a FIELD id or 'J2000 12h30m00 +12d30m00'");
        public readonly Option<string> RestFreq = Options.Text("--restfreq", "Rest frequency for velocity mode, e.g. '1420.405752MHz'");
        public readonly Option<string> OutFrame = Options.Text("--outframe", "LSRK, LSRD, BARY, GEO, TOPO, GALACTO, LGROUP, CMB ('': keep)");
        public readonly Option<string> VelType = Options.Text("--veltype", "radio or optical", "radio");
        public readonly Option<bool> Preaverage = Options.Bool("--preaverage", "Box-average input channels before a regrid to ≥ 2× wider channels", false);
        public readonly Option<int> NSpw = new("--nspw") { Description = "Output spws after combining (> 1: combine, then separate)", DefaultValueFactory = _ => 1 };

        public Option[] All => [RegridMs, Mode, NChan, Start, Width, Interpolation, PhaseCenter, RestFreq, OutFrame, VelType, Preaverage, NSpw];

        public TransformOptions Apply(TransformOptions o, ParseResult r) => o with
        {
            RegridMs = r.GetValue(RegridMs), Mode = r.GetValue(Mode)!, NChan = r.GetValue(NChan), Start = r.GetValue(Start)!, Width = r.GetValue(Width)!,
            Interpolation = r.GetValue(Interpolation)!, PhaseCenter = r.GetValue(PhaseCenter)!, RestFreq = r.GetValue(RestFreq)!,
            OutFrame = r.GetValue(OutFrame)!, VelType = r.GetValue(VelType)!, Preaverage = r.GetValue(Preaverage), NSpw = r.GetValue(NSpw),
        };
    }

    private static bool HasCorrected(string vis)
    {
        if (!Directory.Exists(vis)) return true;  // the task reports the missing MS itself
        using var t = Casacore.CasaTable.Open(vis);
        return t.HasColumn("CORRECTED_DATA");
    }
}
