using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Kernels;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// The steps of one output MS and what they make of its spectral axis, planned from the input's tables before any row
/// is read: the selected DDIs and their channel grids enter, each step is built from the grids the steps before it
/// leave (<see cref="IVisStep.UpdateInfo"/>, DP3's updateInfo) and says what it leaves, and the output's
/// SPECTRAL_WINDOW is written from the last step's grids. Built from the tables (not from the rows present), so
/// every sub-MS of an MMS plans the same.
/// </summary>
public sealed class SpectralPlan
{
    private readonly TransformOptions _o;
    private readonly VisLayout _layout;
    private readonly List<DdiInfo> _selected;
    private readonly List<IVisStep> _steps = [];
    private SpectralInfo _info;

    public SpwReindex Reindex { get; }

    /// <summary>CASA's order: time average, spw combination, channel average, Hanning, regrid, spw separation.</summary>
    public IReadOnlyList<IVisStep> Steps => _steps;

    public SpectralPlan(CasaTable input, CasaTable rows, VisLayout layout, SelectionExprs selection, MsSelection parsed, TransformOptions o)
    {
        (_o, _layout) = (o, layout);
        var spwSelected = string.IsNullOrWhiteSpace(selection.Spw) ? null : parsed.Channels.Select(c => c.Spw).ToHashSet();
        _selected = layout.Ddis.Values.Where(d => spwSelected?.Contains(d.Spw) ?? true).OrderBy(d => d.Ddi).ToList();
        bool combine = (o.CombineSpws || o.NSpw > 1) && _selected.Select(d => d.Spw).Distinct().Count() > 1;
        if (combine)
        {
            var ddiMap = new Dictionary<int, int> { [_selected[0].Ddi] = 0 };
            for (int k = 0; k < o.NSpw; k++) ddiMap[SeparateSpwsStep.OutputDdi(k)] = k;
            Reindex = new SpwReindex(ddiMap, new Dictionary<int, int> { [_selected[0].Spw] = 0 });
        }
        else
        {
            if (o.CombineSpws) Log.For<SpectralPlan>().Warn("There is only one selected SPW, no need to combine");
            Reindex = string.IsNullOrWhiteSpace(selection.Spw) && string.IsNullOrWhiteSpace(selection.Correlation) ? SpwReindex.Identity : SpwReindex.For(_selected);
        }
        _info = SelectedGrids(input);

        if (o.TimeAverage) Add(new TimeAverageStep(o.TimeBinSeconds, AveragingSpan.Parse(o.TimeSpanText), o.MaxUvwDistance));
        if (combine) Add(new CombineSpwsStep(Combine(), _selected.Select((d, i) => (d.Ddi, i)).ToDictionary(x => x.Ddi, x => x.i), _selected[0].Ddi));
        if (o.ChanAverage) Add(new ChanAverageStep(ChanBins()));
        if (o.Hanning) Add(new HanningStep());
        if (o.RegridMs) Add(new RegridStep(PlanRegrid(input, rows)));
        if (o.NSpw > 1) Add(new SeparateSpwsStep(_selected[0].Ddi, o.NSpw));
    }

    private void Add(IVisStep step)
    {
        _steps.Add(step);
        _info = step.UpdateInfo(_info);
    }

    public int MaxCorr => _selected.Max(d => d.NCorr);

    public int MaxChanOut => _info.Ddis.Values.Max(g => g.NChan);

    /// <summary>After the rows: re-indexed subtables, the nspw spw rows, then each spw row as the steps left it.</summary>
    public void RewriteSubtables(string msPath, IReadOnlyList<string> subtables)
    {
        if (!Reindex.IsIdentity)
            SpwSubtables.Apply(msPath, new SpwSubset(new(Reindex.Ddi), new(Reindex.Spw), Reindex.Spw.Keys.ToArray(),
                new(_layout.Channels), new(_layout.Correlations)), subtables);
        if (_o.NSpw > 1) SpwSeparation.Apply(msPath, _o.NSpw);
        SpectralWindowRewrite.Write(msPath, _info.Ddis.Values);
    }

    /// <summary>The selected channels of every selected DDI, on the output spw row the re-index gives its spw (-1: none, it is combined into the first's).</summary>
    private SpectralInfo SelectedGrids(CasaTable input)
    {
        using var spw = input.OpenSubtable("SPECTRAL_WINDOW");
        return new SpectralInfo(_selected.ToDictionary(d => d.Ddi, d =>
        {
            var range = _layout.Channels.GetValueOrDefault(d.Spw, new ChannelRange(d.Spw, 0, d.NChan - 1, 1));
            double[] Pick(string col) => range.Pick(spw.GetCell<double>(col, d.Spw));
            return SpwGrid.Input(Reindex.IsIdentity ? d.Spw : Reindex.Spw.GetValueOrDefault(d.Spw, -1), Pick("CHAN_FREQ"), Pick("CHAN_WIDTH"), Pick("RESOLUTION"));
        }));
    }

    private CombinePlan Combine()
    {
        var counts = _selected.Select(d => d.NChan).Distinct().ToList();
        if (counts.Count > 1)
            throw new UserError($"Currently the option 'combinespws' is only supported when the number of channels is the same for all the spw's selected. One of the SPWs selected has {counts[0]} channels, but another selected SPW has {counts[1]} channels.");
        if (_selected.Select(d => d.NCorr).Distinct().Count() > 1)
            throw new UserError("combinespws needs the same correlations in every selected spw");
        if (_o.ChanAverage && _o.ChanBin.Length > 1) throw new UserError("If SPW combination is active, chanbin cannot be an array");
        return SpwCombine.Plan(_selected.Select(d => (_info[d.Ddi].Freq, _info[d.Ddi].Width)).ToList());
    }

    /// <summary>chanbin per DDI entering the channel average: one value for all, or one per selected spw in spw order (CASA's list form).</summary>
    private Dictionary<int, int> ChanBins()
    {
        var spws = _info.Ddis.Keys.Select(d => _layout.Ddis[d].Spw).Distinct().Order().ToList();
        if (_o.ChanBin.Length != 1 && _o.ChanBin.Length != spws.Count)
            throw new UserError($"Number of chanbin values ({_o.ChanBin.Length}) is different from the number of spw ({spws.Count})");
        var bins = new Dictionary<int, int>();
        foreach (var (ddi, g) in _info.Ddis)
        {
            int spw = _layout.Ddis[ddi].Spw;
            int bin = _o.ChanBin.Length == 1 ? _o.ChanBin[0] : _o.ChanBin[spws.IndexOf(spw)];
            if (bin > g.NChan) throw new UserError($"chanbin {bin} is larger than the {g.NChan} selected channels of spw {spw}");
            bins[ddi] = bin;
        }
        return bins;
    }

    /// <summary>Regrid plans per DDI from the grids entering the regrid, at the coordinator's reference epoch and direction.</summary>
    private Dictionary<int, RegridPlan> PlanRegrid(CasaTable input, CasaTable rows)
    {
        double epoch = _o.RefEpoch ?? RowBlocks.Min(rows, "TIME").Min;
        var firstField = new int[1];
        rows.GetColumn<int>("FIELD_ID", 0, 1, firstField);
        return RegridPlanner.Plan(input, _o, _info.Ddis.ToDictionary(kv => kv.Key, kv => (kv.Value.Freq, kv.Value.Width)), _layout.Ddis, firstField[0], epoch);
    }
}
