using MmsMpi.Calibration;
using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Runtime;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// mstransform of one input (an MS, a sub-MS, or a whole MMS read as one MS) into one output MS: selection, then
/// reader → time average → channel average → Hanning → writer, then the subtables (spw re-index, averaged
/// SPECTRAL_WINDOW). An input whose selection is empty gives an empty result (CASA's NullSelection), not an error.
/// </summary>
public sealed record TransformJob(string InputVis, string OutputPath, SelectionExprs Selection, TransformOptions Options) : Job, IOutputJob
{
    public override string Name => Path.GetFileName(InputVis);

    /// <summary>Calibration tables of --docallib are read once per process, under a lock (CalTable.Read).</summary>
    public override IReadOnlyList<string> Holds => [InputVis, OutputPath];

    public override JobResult Run(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        using var input = CasaTable.Open(InputVis);
        using (var selection = Runtime.InputVis.Select(input, Options.WithKeepFlags(Selection), requireRows: false))
        {
            if (selection.Rows.NRow == 0) return new JobResult(0);
            var layout = VisLayout.Read(input, selection);
            // On-the-fly calibration makes the corrected data from DATA (CalibrateStep).
            var columns = DataColumns.Resolve(Options.Calibration is null ? Options.DataColumn : "data", input.ColumnNames.ToList());
            var vis = columns.OutputFromInput.Where(kv => DataColumns.VisColumns.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (vis.ContainsKey("LAG_DATA")) throw new UserError("mstransform does not transform LAG_DATA");

            var plan = new SpectralPlan(input, selection.Rows, layout, Selection, selection, Options);
            var runs = RowRun.Consecutive(selection.Rows);
            bool weightSpectrum = Options.UseWeightSpectrum || CellReads.Filled(input, "WEIGHT_SPECTRUM", runs[0].Start);
            long rows;
            (double Read, double Steps, double Write) busy;
            using (var output = MsWriter.CreateFresh(input, OutputPath, vis.Keys.Concat(weightSpectrum ? ["WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"] : []),
                       [], plan.MaxCorr, plan.MaxChanOut))
            {
                var steps = plan.Steps.ToList();
                string? spectrum = input.HasColumn("WEIGHT_SPECTRUM") ? "WEIGHT_SPECTRUM" : null;
                if (Options.Calibration is { } tables) steps.Insert(0, Calibrate(input, layout, tables, ref spectrum));
                var reader = new VisReader(input, vis, layout.Ddis.ToDictionary(kv => kv.Key, kv => (kv.Value.NChan, kv.Value.NCorr, Slice(layout.Slices[kv.Key], kv.Value))),
                    spectrum);
                var writer = new VisWriter(output, weightSpectrum, plan.Reindex.Ddi);
                var pipeline = new Pipeline(steps, writer);
                pipeline.Run(reader.Read(runs), cancel);
                rows = writer.Rows;
                busy = pipeline.Busy;
            }
            plan.RewriteSubtables(OutputPath, SubtablesOf(OutputPath));
            Log.For<TransformJob>().Info($"wrote {Path.GetFileName(OutputPath)}: {rows} rows from {selection.Rows.NRow} in {clock.Elapsed.TotalSeconds:F1} s (busy: read {busy.Read:F1} s, steps {busy.Steps:F1} s, write {busy.Write:F1} s)");
            return new JobResult(rows);
        }
    }

    /// <summary>
    /// The calibration step of --docallib; when it calibrates weights from an MS's SIGMA_SPECTRUM, the reader reads that
    /// column into the chunks' weight spectrum (spectrum), which the step turns into weights.
    /// </summary>
    private static CalibrateStep Calibrate(CasaTable input, VisLayout layout, IReadOnlyList<ApplySpec> tables, ref string? spectrum)
    {
        var ms = MsCalLayout.Read(input);
        var calibrator = new Calibrator(tables.Select(t => new JonesTerm(CalTable.Read(t.Table), t, ms)),
            ApplyMode.CalFlag, ms);
        bool weightSpectrum = spectrum is not null && input.NRow > 0 && input.IsDefined(spectrum, 0);
        bool sigmaSpectrum = weightSpectrum && CellReads.Filled(input, "SIGMA_SPECTRUM", 0);
        var sigmas = !calibrator.CalibratesWeights || !weightSpectrum ? CalibrateStep.SigmaSource.RowSigma
            : sigmaSpectrum ? CalibrateStep.SigmaSource.SigmaSpectrum : CalibrateStep.SigmaSource.RowSigmaWithWeightSpectrum;
        if (sigmas == CalibrateStep.SigmaSource.SigmaSpectrum) spectrum = "SIGMA_SPECTRUM";
        return new CalibrateStep(calibrator, layout, ms, sigmas);
    }

    /// <summary>The cell slice of a DDI's selection (lengths are the selected counts), or null for whole cells.</summary>
    private static CellSlice? Slice(VisSlice s, DdiInfo d) =>
        s.ChanCount < 0 && s.CorrCount < 0 ? null
        : new CellSlice([s.CorrStart, s.ChanStart], [d.NCorr, d.NChan], [s.CorrStep, s.ChanStep]);

    private static IReadOnlyList<string> SubtablesOf(string ms)
    {
        using var t = CasaTable.Open(ms);
        return t.SubtableNames;
    }
}
