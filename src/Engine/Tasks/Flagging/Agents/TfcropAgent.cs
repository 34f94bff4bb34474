namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// tfcrop (FlagAgentTimeFreqCrop): per chunk of one scan, field and DDI (ntime='scan'), per baseline and per term of
/// the visibility expression, the time × selected-channel plane of values is cleaned by <see cref="TfcropFit"/> along
/// frequency then time (flagdimension 'freqtime'; or the other order, or one of them). With extendflags the flags of
/// each baseline are then extended as task_flagdata's extend agent does after tfcrop: a time flagged in ≥ 50% of its
/// channels or a channel flagged in ≥ 50% of its times is flagged entirely, then across correlations.
/// </summary>
public sealed class TfcropAgent(TfcropSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private const double GrowPercent = 50;
    private readonly CommandReport _report = new();
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], wholeScans: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]);
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var time = block.Doubles["TIME"];
        var baselines = cells.Rows.GroupBy(r => (block.Ints["ANTENNA1"][r], block.Ints["ANTENNA2"][r]));
        foreach (var baseline in baselines)
        {
            var rows = baseline.OrderBy(r => time[r]).ToArray();
            foreach (var term in terms) Crop(block, rows, channels, term);
            if (spec.ExtendFlags) Extend(block, rows, channels, cells.Correlations);
            _report.Selected += (long)rows.Length * channels.Length * cells.Correlations.Count(c => c);
        }
    }

    private void Crop(FlagBlock block, int[] rows, int[] channels, VisTerm term)
    {
        int nChan = channels.Length, nTime = rows.Length;
        var values = new float[nChan * nTime];
        var flags = new bool[nChan * nTime];
        var vis = block.Vis[spec.DataColumn];
        for (int c = 0; c < nChan; c++)
            for (int t = 0; t < nTime; t++)
            {
                values[c * nTime + t] = term.Evaluate(spec.Expression.Function, vis.AsSpan(block.Index(rows[t], channels[c], 0), block.NCorr));
                flags[c * nTime + t] = AnyFlagged(block, rows[t], channels[c], term.Corrs);
            }
        foreach (bool alongFrequency in Passes())
            TfcropFit.FitBaseAndFlag(values, flags, nChan, nTime, alongFrequency, alongFrequency ? spec.FreqFitPoly : spec.TimeFitPoly,
                spec.MaxNPieces, alongFrequency ? spec.FreqCutoff : spec.TimeCutoff, spec.WindowStats, spec.HalfWin);
        for (int c = 0; c < nChan; c++)
            for (int t = 0; t < nTime; t++)
                if (flags[c * nTime + t])
                    foreach (int k in term.Corrs) block.Set(rows[t], channels[c], k, true, _report);
    }

    /// <summary>The fit directions in order: true = along frequency (with freqfit), false = along time (with timefit).</summary>
    private IEnumerable<bool> Passes() => spec.FlagDimension switch
    {
        "freq" => [true],
        "time" => [false],
        "timefreq" => [false, true],
        _ => [true, false],
    };

    /// <summary>FlagAgentExtension with growtime = growfreq = 50 and extendpols, on one baseline's selected cells.</summary>
    private void Extend(FlagBlock block, int[] rows, int[] channels, bool[] correlations)
    {
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => correlations[k]).ToArray();
        bool F(int t, int c, int k) => block.Flag[block.Index(rows[t], channels[c], k)];
        var perTime = new int[rows.Length, corrs.Length];
        var perChan = new int[channels.Length, corrs.Length];
        for (int t = 0; t < rows.Length; t++)
            for (int c = 0; c < channels.Length; c++)
                for (int k = 0; k < corrs.Length; k++)
                    if (F(t, c, corrs[k])) { perTime[t, k]++; perChan[c, k]++; }
        for (int t = 0; t < rows.Length; t++)
            for (int c = 0; c < channels.Length; c++)
                for (int k = 0; k < corrs.Length; k++)
                    if (100.0 * perTime[t, k] / channels.Length >= GrowPercent || 100.0 * perChan[c, k] / rows.Length >= GrowPercent)
                        block.Set(rows[t], channels[c], corrs[k], true, _report);
        for (int t = 0; t < rows.Length; t++)
            for (int c = 0; c < channels.Length; c++)
                if (AnyFlagged(block, rows[t], channels[c], corrs))
                    foreach (int k in corrs) block.Set(rows[t], channels[c], k, true, _report);
    }

    private static bool AnyFlagged(FlagBlock block, int row, int chan, int[] corrs)
    {
        foreach (int k in corrs)
            if (block.Flag[block.Index(row, chan, k)]) return true;
        return false;
    }

    public CommandReport Report() => _report;
}
