using System.Runtime.CompilerServices;

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

    public CommandReport Report() => _report;
}
