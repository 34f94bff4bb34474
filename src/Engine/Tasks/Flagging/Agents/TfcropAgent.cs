namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// tfcrop (FlagAgentTimeFreqCrop): per chunk of one scan, field and DDI (ntime='scan'), per baseline and per term of
/// the visibility expression, the time × selected-channel plane of values is cleaned by <see cref="TfcropFit"/> along
/// frequency then time (flagdimension 'freqtime'; or the other order, or one of them). With extendflags each
/// baseline's flags are then extended by the extend agent CASA appends after tfcrop (AgentFlagger::parseAgentParameters:
/// growtime 50 %, growfreq 80 %, extendpols; <see cref="ExtendSpec.AfterTfcrop"/>).
/// </summary>
public sealed class TfcropAgent(TfcropSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], wholeScans: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]);
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => cells.Correlations[k]).ToArray();
        foreach (var rows in ExtendAgent.Baselines(block, cells.Rows))
        {
            foreach (var term in terms) Crop(block, rows, channels, term);
            if (spec.ExtendFlags) ExtendRule.Apply(block, rows, channels, corrs, ExtendSpec.AfterTfcrop, _report);
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

    private static bool AnyFlagged(FlagBlock block, int row, int chan, int[] corrs)
    {
        foreach (int k in corrs)
            if (block.Flag[block.Index(row, chan, k)]) return true;
        return false;
    }

    public CommandReport Report() => _report;
}
