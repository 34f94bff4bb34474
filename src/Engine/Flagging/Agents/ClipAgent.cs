namespace MmsMpi.Flagging.Agents;

/// <summary>
/// clip (FlagAgentClipping without channel/time averaging): for every selected row and channel, each term of the
/// visibility expression (ABS of each correlation by default) is tested by <see cref="ClipRule"/>; a hit flags the
/// correlations the term is made of. Already flagged cells are tested too, as CASA does.
/// </summary>
public sealed class ClipAgent(ClipSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();
    private readonly ClipRule _rule = new(spec.MinMax, spec.Outside, spec.Zeros);
    private readonly Dictionary<int, IReadOnlyList<VisTerm>> _terms = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of([], [], [spec.DataColumn]);

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (!_terms.TryGetValue(block.Pol, out var terms))
            _terms[block.Pol] = terms = spec.Expression.TermsFor(layout.PolCorrTypes[block.Pol]);
        var vis = block.Vis[spec.DataColumn];
        foreach (int row in cells.Rows)
            for (int ch = 0; ch < block.NChan; ch++)
            {
                if (!cells.Channels[ch]) continue;
                var cell = vis.AsSpan(block.Index(row, ch, 0), block.NCorr);
                foreach (var term in terms)
                {
                    _report.Selected += term.Corrs.Length;
                    if (!_rule.Flags(term.Evaluate(spec.Expression.Function, cell))) continue;
                    foreach (int k in term.Corrs) block.Set(row, ch, k, true, _report);
                }
            }
    }

    public CommandReport Report() => _report;
}
