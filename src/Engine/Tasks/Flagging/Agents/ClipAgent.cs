using System.Runtime.CompilerServices;
using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// clip (FlagAgentClipping without channel/time averaging): for every selected row and channel, each term of the
/// visibility expression (ABS of each correlation by default) is tested by <see cref="ClipRule"/>; a hit flags the
/// correlations the term is made of. Already flagged cells are tested too, as CASA does.
/// </summary>
public sealed class ClipAgent(ClipSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();
    private readonly ClipRule _rule = new(spec.MinMax, spec.Outside, spec.Zeros);
    private readonly Dictionary<int, VisTerm[]> _terms = [];   // arrays: indexed, not enumerated through an interface per cell

    public FlagNeeds Needs { get; } = FlagNeeds.Of([], [], [spec.DataColumn]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // the per-cell loop of a whole pass (see Kernels/ComplexLanes)
    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]).ToArray();
        var vis = block.Vis[spec.DataColumn];
        var function = spec.Expression.Function;
        if (IsEachCorrelation(terms, block.NCorr) && cells.Channels.All(c => c))
        {
            ClipWholeCells(block, cells, vis, function);
            return;
        }
        // Single-correlation terms (ABS_ALL, REAL_XX, ...: the common case) read their correlation directly, the
        // same value VisTerm.Evaluate gives for them, without the per-cell span and combination loop.
        bool single = terms.All(t => t.Corrs.Length == 1);
        var firstCorr = terms.Select(t => t.Corrs[0]).ToArray();
        long selected = 0;
        int selectedPerCell = terms.Sum(t => t.Corrs.Length);
        foreach (int row in cells.Rows)
            for (int ch = 0; ch < block.NChan; ch++)
            {
                if (!cells.Channels[ch]) continue;
                int at = block.Index(row, ch, 0);
                selected += selectedPerCell;
                for (int t = 0; t < terms.Length; t++)
                {
                    float value = single
                        ? VisTerm.Apply(function, vis[at + firstCorr[t]].Re, vis[at + firstCorr[t]].Im)
                        : terms[t].Evaluate(function, vis.AsSpan(at, block.NCorr));
                    if (!_rule.Flags(value)) continue;
                    foreach (int k in terms[t].Corrs) block.Set(row, ch, k, true, _report);
                }
            }
        _report.Selected += selected;
    }

    /// <summary>Term t is correlation t alone, for every correlation (ABS_ALL and the like: the default).</summary>
    private static bool IsEachCorrelation(VisTerm[] terms, int ncorr) =>
        terms.Length == ncorr && terms.Select((t, i) => t.Corrs.Length == 1 && t.Corrs[0] == i).All(b => b);

    /// <summary>
    /// Every cell of each selected row tested, cell e of the row by the value of its own visibility: the row's values
    /// first (amplitudes through the <see cref="Amplitude"/> kernel), then the rule over the row
    /// (<see cref="ClipRule.FlagAll"/>); the same flags and counts as the cell loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private void ClipWholeCells(FlagBlock block, BlockCells cells, ComplexF[] vis, VisFunction function)
    {
        int size = block.CellSize;
        var values = ChunkPool.Rent<float>(size);
        try
        {
            foreach (int row in cells.Rows)
            {
                int at = block.Index(row, 0, 0);
                var rowVis = vis.AsSpan(at, size);
                if (function == VisFunction.Abs) Amplitude.Of(rowVis, values);
                else
                    for (int e = 0; e < size; e++) values[e] = VisTerm.Apply(function, rowVis[e].Re, rowVis[e].Im);
                block.CountFlagged(row, _rule.FlagAll(values.AsSpan(0, size), block.Flag.AsSpan(at, size)), _report);
            }
        }
        finally { ChunkPool.Return(values); }
        _report.Selected += (long)cells.Rows.Length * size;
    }

    public CommandReport Report() => _report;
}
