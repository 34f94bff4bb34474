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

    public override JobResult Run(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        using var input = CasaTable.Open(InputVis);
        using (var selection = Runtime.InputVis.Select(input, Options.WithKeepFlags(Selection), requireRows: false))
        {
            if (selection.Rows.NRow == 0) return new JobResult(0);
            var layout = VisLayout.Read(input, selection);
            var columns = DataColumns.Resolve(Options.DataColumn, input.ColumnNames.ToList());
            var vis = columns.OutputFromInput.Where(kv => DataColumns.VisColumns.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (vis.ContainsKey("LAG_DATA")) throw new UserError("mstransform does not transform LAG_DATA");

            var rowNumbers = selection.Rows.RowNumbers();
            var plan = new SpectralPlan(input, selection.Rows, layout, Selection, selection, Options);
            bool weightSpectrum = Options.UseWeightSpectrum || (input.HasColumn("WEIGHT_SPECTRUM") && input.IsDefined("WEIGHT_SPECTRUM", rowNumbers[0]));
            long rows;
            (double Read, double Steps, double Write) busy;
            using (var output = MsWriter.CreateFresh(input, OutputPath, vis.Keys.Concat(weightSpectrum ? ["WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"] : []),
                       [], plan.MaxCorr, plan.MaxChanOut))
            {
                var reader = new VisReader(input, vis, layout.Ddis.ToDictionary(kv => kv.Key, kv => (kv.Value.NChan, kv.Value.NCorr, Slice(layout.Slices[kv.Key], kv.Value))),
                    input.HasColumn("WEIGHT_SPECTRUM"));
                var writer = new VisWriter(output, weightSpectrum, plan.Reindex.Ddi);
                var pipeline = new Pipeline(plan.Steps(), writer);
                pipeline.Run(reader.Read(RowRun.Consecutive(rowNumbers, selection.Rows.GetColumn<int>("DATA_DESC_ID"))), cancel);
                rows = writer.Rows;
                busy = pipeline.Busy;
            }
            plan.RewriteSubtables(OutputPath, SubtablesOf(OutputPath));
            Log.For<TransformJob>().Info($"wrote {Path.GetFileName(OutputPath)}: {rows} rows from {selection.Rows.NRow} in {clock.Elapsed.TotalSeconds:F1} s (busy: read {busy.Read:F1} s, steps {busy.Steps:F1} s, write {busy.Write:F1} s)");
            return new JobResult(rows);
        }
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
