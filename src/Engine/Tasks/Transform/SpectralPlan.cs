using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Kernels;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// What happens to the spectral axis of one output MS, planned from the input's tables before any row is read:
/// the selected DDIs and their channel grids, an optional spw combination into one DDI, chanbin per DDI, the averaged
/// grids, regrid plans, the DDI/spw re-index, and the SPECTRAL_WINDOW rows to write afterwards. Built from the
/// tables (not from the rows present), so every sub-MS of an MMS plans the same.
/// </summary>
public sealed class SpectralPlan
{
    private readonly TransformOptions _o;
    private readonly VisLayout _layout;
    private readonly List<DdiInfo> _selected;
    private readonly CombinePlan? _combine;
    private readonly int _combinedDdi;
    /// <summary>The DDIs that flow through the frequency steps (the combined one, or each selected one).</summary>
    private readonly Dictionary<int, (double[] Freq, double[] Width, double[] Res, int Spw)> _grids = [];
    private readonly Dictionary<int, int> _chanbin = [];
    private readonly Dictionary<int, RegridPlan> _regrid;

    public SpwReindex Reindex { get; }

    public SpectralPlan(CasaTable input, CasaTable rows, VisLayout layout, SelectionExprs selection, MsSelection parsed, TransformOptions o)
    {
        (_o, _layout) = (o, layout);
        var spwSelected = string.IsNullOrWhiteSpace(selection.Spw) ? null : parsed.Channels.Select(c => c.Spw).ToHashSet();
        _selected = layout.Ddis.Values.Where(d => spwSelected?.Contains(d.Spw) ?? true).OrderBy(d => d.Ddi).ToList();
        var selectedGrids = SelectedGrids(input);
        if ((o.CombineSpws || o.NSpw > 1) && _selected.Select(d => d.Spw).Distinct().Count() > 1)
        {
            _combine = Combine(selectedGrids);
            _combinedDdi = _selected[0].Ddi;
            _grids[_combinedDdi] = (_combine.ChanFreq, _combine.ChanWidth, _combine.ChanWidth, _selected[0].Spw);
            var ddiMap = new Dictionary<int, int> { [_combinedDdi] = 0 };
            for (int k = 0; k < o.NSpw; k++) ddiMap[SeparateSpwsStep.OutputDdi(k)] = k;
            Reindex = new SpwReindex(ddiMap, new Dictionary<int, int> { [_selected[0].Spw] = 0 });
        }
        else
        {
            if (o.CombineSpws) Log.For<SpectralPlan>().Warn("There is only one selected SPW, no need to combine");
            foreach (var d in _selected) _grids[d.Ddi] = selectedGrids[d.Ddi];
            Reindex = string.IsNullOrWhiteSpace(selection.Spw) && string.IsNullOrWhiteSpace(selection.Correlation) ? SpwReindex.Identity : SpwReindex.For(_selected);
        }
        ChanBins();
        _regrid = o.RegridMs ? PlanRegrid(input, rows) : [];
    }

    public int MaxCorr => _selected.Max(d => d.NCorr);

    public int MaxChanOut => _grids.Keys.Max(d => Separated(_regrid.TryGetValue(d, out var p) ? p.OutFreq.Length : _grids[d].Freq.Length / _chanbin.GetValueOrDefault(d, 1)));

    /// <summary>nspw &gt; 1 cuts the combined spw into nspw spws of ceil(nchan/nspw) channels.</summary>
    private int Separated(int nchan) => _o.NSpw > 1 ? SeparateSpwsStep.ChannelsPerSpw(nchan, _o.NSpw) : nchan;

    /// <summary>CASA's order: time average, spw combination, channel average, Hanning, regrid.</summary>
    public List<IVisStep> Steps()
    {
        var steps = new List<IVisStep>();
        if (_o.TimeAverage) steps.Add(new TimeAverageStep(_o.TimeBinSeconds, AveragingSpan.Parse(_o.TimeSpanText), _o.MaxUvwDistance));
        if (_combine is not null) steps.Add(new CombineSpwsStep(_combine, _selected.Select((d, i) => (d.Ddi, i)).ToDictionary(x => x.Ddi, x => x.i), _combinedDdi));
        if (_o.ChanAverage) steps.Add(new ChanAverageStep(_chanbin));
        if (_o.Hanning) steps.Add(new HanningStep());
        if (_regrid.Count > 0) steps.Add(new RegridStep(_regrid));
        if (_o.NSpw > 1) steps.Add(new SeparateSpwsStep(_grids.Keys.Single(), _o.NSpw));
        return steps;
    }

    /// <summary>After the rows: re-indexed subtables, then each output spw row as combination, averaging and regridding left it.</summary>
    public void RewriteSubtables(string msPath, IReadOnlyList<string> subtables)
    {
        if (!Reindex.IsIdentity)
            SpwSubtables.Apply(msPath, new SpwSubset(new(Reindex.Ddi), new(Reindex.Spw), Reindex.Spw.Keys.ToArray(),
                new(_layout.Channels), new(_layout.Correlations)), subtables);
        foreach (var (ddi, grid) in _grids)
        {
            int row = Reindex.NewSpw(grid.Spw);
            if (_combine is not null) SpectralWindowRewrite.Grid(msPath, row, grid.Freq, grid.Width, grid.Res);
            SpectralWindowRewrite.ChannelAverage(msPath, new Dictionary<int, int> { [row] = _chanbin.GetValueOrDefault(ddi, 1) });
            if (_regrid.TryGetValue(ddi, out var plan)) SpectralWindowRewrite.Regrid(msPath, new Dictionary<int, RegridPlan> { [row] = plan });
        }
        if (_o.NSpw > 1) SpwSeparation.Apply(msPath, _o.NSpw);
    }

    private Dictionary<int, (double[] Freq, double[] Width, double[] Res, int Spw)> SelectedGrids(CasaTable input)
    {
        using var spw = input.OpenSubtable("SPECTRAL_WINDOW");
        return _selected.ToDictionary(d => d.Ddi, d =>
        {
            var range = _layout.Channels.GetValueOrDefault(d.Spw, new ChannelRange(d.Spw, 0, d.NChan - 1, 1));
            double[] Pick(string col) => range.Pick(spw.GetCell<double>(col, d.Spw));
            return (Pick("CHAN_FREQ"), Pick("CHAN_WIDTH"), Pick("RESOLUTION"), d.Spw);
        });
    }

    private CombinePlan Combine(Dictionary<int, (double[] Freq, double[] Width, double[] Res, int Spw)> grids)
    {
        var counts = _selected.Select(d => d.NChan).Distinct().ToList();
        if (counts.Count > 1)
            throw new UserError($"Currently the option 'combinespws' is only supported when the number of channels is the same for all the spw's selected. One of the SPWs selected has {counts[0]} channels, but another selected SPW has {counts[1]} channels.");
        if (_selected.Select(d => d.NCorr).Distinct().Count() > 1)
            throw new UserError("combinespws needs the same correlations in every selected spw");
        if (_o.ChanAverage && _o.ChanBin.Length > 1) throw new UserError("If SPW combination is active, chanbin cannot be an array");
        return SpwCombine.Plan(_selected.Select(d => (grids[d.Ddi].Freq, grids[d.Ddi].Width)).ToList());
    }

    /// <summary>chanbin per DDI of the frequency steps: one value for all, or one per selected spw in spw order (CASA's list form).</summary>
    private void ChanBins()
    {
        if (!_o.ChanAverage) return;
        var spws = _grids.Values.Select(g => g.Spw).Distinct().Order().ToList();
        if (_o.ChanBin.Length != 1 && _o.ChanBin.Length != spws.Count)
            throw new UserError($"Number of chanbin values ({_o.ChanBin.Length}) is different from the number of spw ({spws.Count})");
        foreach (var (ddi, g) in _grids)
        {
            int bin = _o.ChanBin.Length == 1 ? _o.ChanBin[0] : _o.ChanBin[spws.IndexOf(g.Spw)];
            if (bin > g.Freq.Length) throw new UserError($"chanbin {bin} is larger than the {g.Freq.Length} selected channels of spw {g.Spw}");
            _chanbin[ddi] = bin;
        }
    }

    /// <summary>Regrid plans per DDI from the (combined, averaged) grids, at the coordinator's reference epoch and direction.</summary>
    private Dictionary<int, RegridPlan> PlanRegrid(CasaTable input, CasaTable rows)
    {
        var grids = _grids.ToDictionary(kv => kv.Key, kv =>
        {
            int bin = _chanbin.GetValueOrDefault(kv.Key, 1);
            if (bin <= 1) return (kv.Value.Freq, kv.Value.Width);
            var avg = ChannelAverage.Frequencies(kv.Value.Freq, kv.Value.Width, kv.Value.Res, bin);
            return (avg.ChanFreq, avg.ChanWidth);
        });
        double epoch = _o.RefEpoch ?? rows.GetColumn<double>("TIME").Min();
        var firstField = new int[1];
        rows.GetColumn<int>("FIELD_ID", 0, 1, firstField);
        return RegridPlanner.Plan(input, _o, grids, _layout.Ddis, firstField[0], epoch);
    }
}
