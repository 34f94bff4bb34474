using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MmsMpi.Casacore;
using MmsMpi.Runtime;

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
    /// <summary>Each baseline thread's planes and counts, kept from block to block.</summary>
    private readonly ConcurrentBag<BaselineScratch> _scratch = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], wholeScans: true);

    /// <summary>
    /// The block's baselines, side by side on the job's compute threads (<see cref="ComputeThreads"/>): a baseline's
    /// planes, fits and flags touch only its own rows, so the flags are those of one thread.
    /// </summary>
    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = [.. spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol])];
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => cells.Correlations[k]).ToArray();
        var baselines = ExtendAgent.Baselines(block, cells.Rows).ToArray();
        Parallel.For(0, baselines.Length, new ParallelOptions { MaxDegreeOfParallelism = ComputeThreads.ForThisJob },
            () => _scratch.TryTake(out var s) ? s : new BaselineScratch(),
            (b, _, scratch) =>
            {
                var rows = baselines[b];
                int plane = channels.Length * rows.Length;
                scratch.Reserve(terms.Length * plane, plane);
                GatherValues(block, rows, channels, terms, scratch.Values);
                for (int k = 0; k < terms.Length; k++)
                    Crop(block, rows, channels, terms[k], scratch.Values.AsSpan(k * plane, plane), scratch.Flags, scratch.Report);
                if (spec.ExtendFlags) ExtendRule.Apply(block, rows, channels, corrs, ExtendSpec.AfterTfcrop, scratch.Report);
                scratch.Report.Selected += (long)rows.Length * channels.Length * corrs.Length;
                return scratch;
            },
            scratch =>
            {
                lock (_report) _report.Merge(scratch.Report);
                scratch.Report = new CommandReport();
                _scratch.Add(scratch);
            });
    }

    /// <summary>One baseline thread's planes, value[term][chan, time] and one term's flags, and its counts.</summary>
    private sealed class BaselineScratch
    {
        public float[] Values { get; private set; } = [];
        public bool[] Flags { get; private set; } = [];
        public CommandReport Report { get; set; } = new();

        public void Reserve(int values, int flags)
        {
            if (Values.Length < values) Values = new float[values];
            if (Flags.Length < flags) Flags = new bool[flags];
        }
    }

    /// <summary>
    /// Every term's plane of values in one pass over the baseline's rows in storage order (each cell's correlations
    /// read once for all terms); plane k at [k * nChan * nTime + chan * nTime + time].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // per cell: see Kernels/ComplexLanes
    private void GatherValues(FlagBlock block, int[] rows, int[] channels, VisTerm[] terms, float[] values)
    {
        int nChan = channels.Length, nTime = rows.Length, plane = nChan * nTime;
        var vis = block.Vis[spec.DataColumn];
        var function = spec.Expression.Function;
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
            {
                var cell = new ReadOnlySpan<ComplexF>(vis, block.Index(rows[t], channels[c], 0), block.NCorr);
                for (int k = 0; k < terms.Length; k++) values[k * plane + c * nTime + t] = terms[k].Evaluate(function, cell);
            }
    }

    /// <summary>
    /// One term's plane cleaned and its flags set. The plane's flags are read here, after the terms before it set
    /// theirs: two Stokes terms share correlations (I and Q both use XX and YY).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // per cell: see Kernels/ComplexLanes
    private void Crop(FlagBlock block, int[] rows, int[] channels, VisTerm term, ReadOnlySpan<float> values, bool[] flags, CommandReport report)
    {
        int nChan = channels.Length, nTime = rows.Length;
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
                flags[c * nTime + t] = AnyFlagged(block, rows[t], channels[c], term.Corrs);
        foreach (bool alongFrequency in Passes())
            TfcropFit.FitBaseAndFlag(values, flags, nChan, nTime, alongFrequency, alongFrequency ? spec.FreqFitPoly : spec.TimeFitPoly,
                spec.MaxNPieces, alongFrequency ? spec.FreqCutoff : spec.TimeCutoff, spec.WindowStats, spec.HalfWin);
        for (int t = 0; t < nTime; t++)
            for (int c = 0; c < nChan; c++)
                if (flags[c * nTime + t])
                    foreach (int k in term.Corrs) block.Set(rows[t], channels[c], k, true, report);
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
