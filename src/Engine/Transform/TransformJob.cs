using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Kernels;
using MmsMpi.Runtime;
using MmsMpi.Tasks;

namespace MmsMpi.Transform;

/// <summary>
/// mstransform of one input (an MS, a sub-MS, or a whole MMS read as one MS) into one output MS: selection, then
/// reader → time average → channel average → Hanning → writer, then the subtables (spw re-index, averaged
/// SPECTRAL_WINDOW). An input whose selection is empty gives an empty result (CASA's NullSelection), not an error.
/// </summary>
public sealed record TransformJob(string InputVis, string OutputPath, SelectionExprs Selection, TransformOptions Options) : Job
{
    public override JobResult Run()
    {
        var clock = Stopwatch.StartNew();
        using var input = CasaTable.Open(InputVis);
        MsSelection selection;
        try { selection = MsSelection.Apply(input, Options.WithKeepFlags(Selection)); }
        catch (CasacoreException e) { throw new UserError($"data selection failed: {e.Message.Split('\n')[0].Trim()}"); }
        using (selection)
        {
            if (selection.Rows.NRow == 0) return new JobResult(0, 0);
            var layout = VisLayout.Read(input, selection);
            var columns = DataColumns.Resolve(Options.DataColumn, input.ColumnNames.ToList());
            var vis = columns.OutputFromInput.Where(kv => DataColumns.VisColumns.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            if (vis.ContainsKey("FLOAT_DATA") || vis.ContainsKey("LAG_DATA"))
                throw new UserError("mstransform handles DATA, CORRECTED_DATA and MODEL_DATA; FLOAT_DATA and LAG_DATA are not supported yet");

            var rowNumbers = selection.Rows.RowNumbers();
            var ddiOfRow = selection.Rows.GetColumn<int>("DATA_DESC_ID");
            // From the tables, not from the rows this input happens to hold: every sub-MS of an MMS must agree on
            // chanbin per spw, on the re-index and on the SPECTRAL_WINDOW rows it rewrites.
            var spwSelected = string.IsNullOrWhiteSpace(Selection.Spw) ? null : selection.Channels.Select(c => c.Spw).ToHashSet();
            var selectedDdis = layout.Ddis.Values.Where(d => spwSelected?.Contains(d.Spw) ?? true).OrderBy(d => d.Ddi).ToList();
            var reindex = string.IsNullOrWhiteSpace(Selection.Spw) && string.IsNullOrWhiteSpace(Selection.Correlation)
                ? SpwReindex.Identity : SpwReindex.For(selectedDdis);
            var chanbin = ChanBins(selectedDdis);
            var regrid = Options.RegridMs ? Regrid(input, selection.Rows, layout, selectedDdis, chanbin) : [];
            bool weightSpectrum = Options.UseWeightSpectrum || (input.HasColumn("WEIGHT_SPECTRUM") && input.IsDefined("WEIGHT_SPECTRUM", rowNumbers[0]));
            int maxChanOut = selectedDdis.Max(d => regrid.TryGetValue(d.Ddi, out var plan) ? plan.OutFreq.Length : d.NChan / chanbin.GetValueOrDefault(d.Ddi, 1));

            long rows;
            using (var output = MsWriter.CreateFresh(input, OutputPath, vis.Keys.Concat(weightSpectrum ? ["WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"] : []),
                       [], selectedDdis.Max(d => d.NCorr), maxChanOut))
            {
                var reader = new VisReader(input, vis, layout.Ddis.ToDictionary(kv => kv.Key, kv => (kv.Value.NChan, kv.Value.NCorr, Slice(layout.Slices[kv.Key], kv.Value))),
                    input.HasColumn("WEIGHT_SPECTRUM"));
                var writer = new VisWriter(output, weightSpectrum, reindex.Ddi);
                new Pipeline(Steps(chanbin, regrid), writer).Run(reader.Read(Runs(rowNumbers, ddiOfRow)));
                rows = writer.Rows;
            }
            if (!reindex.IsIdentity)
                SpwSubtables.Apply(OutputPath, new SpwSubset(new(reindex.Ddi), new(reindex.Spw), reindex.Spw.Keys.ToArray(),
                    new(layout.Channels), new(layout.Correlations)), SubtablesOf(OutputPath));
            SpectralWindowRewrite.ChannelAverage(OutputPath, selectedDdis.GroupBy(d => reindex.NewSpw(d.Spw))
                .ToDictionary(g => g.Key, g => chanbin.GetValueOrDefault(g.First().Ddi, 1)));
            SpectralWindowRewrite.Regrid(OutputPath, selectedDdis.Where(d => regrid.ContainsKey(d.Ddi))
                .GroupBy(d => reindex.NewSpw(d.Spw)).ToDictionary(g => g.Key, g => regrid[g.First().Ddi]));
            Log.For<TransformJob>().Info($"wrote {Path.GetFileName(OutputPath)}: {rows} rows from {selection.Rows.NRow} in {clock.Elapsed.TotalSeconds:F1} s");
            return new JobResult(rows, DiskUsage.Bytes(OutputPath));
        }
    }

    /// <summary>CASA's order: time average, channel average, Hanning, regrid.</summary>
    private List<IVisStep> Steps(IReadOnlyDictionary<int, int> chanbin, IReadOnlyDictionary<int, RegridPlan> regrid)
    {
        var steps = new List<IVisStep>();
        if (Options.TimeAverage) steps.Add(new TimeAverageStep(Options.TimeBinSeconds, AveragingSpan.Parse(Options.TimeSpanText), Options.MaxUvwDistance));
        if (Options.ChanAverage) steps.Add(new ChanAverageStep(chanbin));
        if (Options.Hanning) steps.Add(new HanningStep());
        if (regrid.Count > 0) steps.Add(new RegridStep(regrid));
        return steps;
    }

    /// <summary>Regrid plans per DDI from the selected (and channel-averaged) grids, at the coordinator's reference epoch.</summary>
    private Dictionary<int, RegridPlan> Regrid(CasaTable input, CasaTable rows, VisLayout layout, IReadOnlyList<DdiInfo> ddis, IReadOnlyDictionary<int, int> chanbin)
    {
        using var spw = input.OpenSubtable("SPECTRAL_WINDOW");
        var grids = new Dictionary<int, (double[] Freq, double[] Width)>();
        foreach (var d in ddis)
        {
            var range = layout.Channels.GetValueOrDefault(d.Spw, new ChannelRange(d.Spw, 0, d.NChan - 1, 1));
            double[] Pick(string col) { var v = spw.GetCell<double>(col, d.Spw); return Enumerable.Range(0, range.Count).Select(i => v[range.Start + i * range.Step]).ToArray(); }
            var (freq, width) = (Pick("CHAN_FREQ"), Pick("CHAN_WIDTH"));
            int bin = chanbin.GetValueOrDefault(d.Ddi, 1);
            if (bin > 1)
            {
                var avg = ChannelAverage.Frequencies(freq, width, Pick("RESOLUTION"), bin);
                (freq, width) = (avg.ChanFreq, avg.ChanWidth);
            }
            grids[d.Ddi] = (freq, width);
        }
        double epoch = Options.RefEpoch ?? rows.GetColumn<double>("TIME").Min();
        var firstField = new int[1];
        rows.GetColumn<int>("FIELD_ID", 0, 1, firstField);
        return RegridPlanner.Plan(input, Options, grids, layout.Ddis, firstField[0], epoch);
    }

    /// <summary>chanbin per input DDI: one value for all, or one per selected spw in spw order (CASA's list form).</summary>
    private Dictionary<int, int> ChanBins(IReadOnlyList<DdiInfo> ddis)
    {
        if (!Options.ChanAverage) return [];
        var spws = ddis.Select(d => d.Spw).Distinct().Order().ToList();
        if (Options.ChanBin.Length != 1 && Options.ChanBin.Length != spws.Count)
            throw new UserError($"Number of chanbin values ({Options.ChanBin.Length}) is different from the number of spw ({spws.Count})");
        var bins = ddis.ToDictionary(d => d.Ddi, d => Options.ChanBin.Length == 1 ? Options.ChanBin[0] : Options.ChanBin[spws.IndexOf(d.Spw)]);
        foreach (var d in ddis.Where(d => bins[d.Ddi] > d.NChan))
            throw new UserError($"chanbin {bins[d.Ddi]} is larger than the {d.NChan} selected channels of spw {d.Spw}");
        return bins;
    }

    private static List<RowRun> Runs(long[] rows, int[] ddi)
    {
        var runs = new List<RowRun>();
        for (int i = 0; i < rows.Length; i++)
        {
            if (runs.Count > 0 && runs[^1].Ddi == ddi[i] && runs[^1].Start + runs[^1].Length == rows[i])
                runs[^1] = runs[^1] with { Length = runs[^1].Length + 1 };
            else
                runs.Add(new RowRun(rows[i], 1, ddi[i]));
        }
        return runs;
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
