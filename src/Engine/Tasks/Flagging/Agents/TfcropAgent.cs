using System.Runtime.CompilerServices;
using MmsMpi.Casacore;

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
    private readonly Dictionary<int, VisTerm[]> _terms = [];
    /// <summary>Planes of one baseline, value[term][chan, time] and one term's flags, reused from baseline to baseline.</summary>
    private float[] _values = [];
    private bool[] _flags = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], wholeScans: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = [.. spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol])];
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => cells.Correlations[k]).ToArray();
        foreach (var rows in ExtendAgent.Baselines(block, cells.Rows))
        {
            int plane = channels.Length * rows.Length;
            if (_values.Length < terms.Length * plane) _values = new float[terms.Length * plane];
            if (_flags.Length < plane) _flags = new bool[plane];
            GatherValues(block, rows, channels, terms);
            for (int k = 0; k < terms.Length; k++) Crop(block, rows, channels, terms[k], _values.AsSpan(k * plane, plane));
            if (spec.ExtendFlags) ExtendRule.Apply(block, rows, channels, corrs, ExtendSpec.AfterTfcrop, _report);
            _report.Selected += (long)rows.Length * channels.Length * cells.Correlations.Count(c => c);
        }
    }

    /// <summary>
    /// Every term's plane of values in one pass over the baseline's rows in storage order (each cell's correlations
    /// read once for all terms); plane k at [k * nChan * nTime + chan * nTime + time].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // per cell: see Kernels/ComplexLanes
    private void GatherValues(FlagBlock block, int[] rows, int[] channels, VisTerm[] terms)
    {
        int nChan = channels.Length, nTime = rows.Length, plane = nChan * nTime;
        var vis = block.Vis[spec.DataColumn];
        var function = spec.Expression.Function;
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
            {
                var cell = new ReadOnlySpan<ComplexF>(vis, block.Index(rows[t], channels[c], 0), block.NCorr);
                for (int k = 0; k < terms.Length; k++) _values[k * plane + c * nTime + t] = terms[k].Evaluate(function, cell);
            }
    }

    /// <summary>
    /// One term's plane cleaned and its flags set. The plane's flags are read here, after the terms before it set
    /// theirs: two Stokes terms share correlations (I and Q both use XX and YY).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // per cell: see Kernels/ComplexLanes
    private void Crop(FlagBlock block, int[] rows, int[] channels, VisTerm term, ReadOnlySpan<float> values)
    {
        int nChan = channels.Length, nTime = rows.Length;
        var flags = _flags;
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
                flags[c * nTime + t] = AnyFlagged(block, rows[t], channels[c], term.Corrs);
        foreach (bool alongFrequency in Passes())
            TfcropFit.FitBaseAndFlag(values, flags, nChan, nTime, alongFrequency, alongFrequency ? spec.FreqFitPoly : spec.TimeFitPoly,
                spec.MaxNPieces, alongFrequency ? spec.FreqCutoff : spec.TimeCutoff, spec.WindowStats, spec.HalfWin);
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
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
