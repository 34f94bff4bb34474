namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// FlagAgentExtension::computeAntennaPairFlags on one baseline's cells of a chunk (rows in time order × selected
/// channels × selected correlations), in CASA's order whatever the parameter order: (1) flagneartime, flagnearfreq
/// and growaround from one snapshot (no cascading; growaround flags an unflagged cell with ≥ 5 of its up to 8
/// neighbours flagged); (2) growfreq and growtime from counts taken once after step 1 (a time with ≥ growfreq % of
/// its channels flagged is flagged in all; a channel with ≥ growtime % of its times likewise; 0 switches off);
/// (3) extendpols: a cell flagged in one selected correlation is flagged in all selected ones.
/// docs/flag-modes-rules.md §1.3.
/// </summary>
public static class ExtendRule
{
    public static void Apply(FlagBlock block, int[] rows, int[] channels, int[] corrs, ExtendSpec spec, CommandReport report)
    {
        int nt = rows.Length, nc = channels.Length, np = corrs.Length;
        if (nt == 0 || nc == 0 || np == 0) return;
        bool Flagged(int p, int c, int t) => block.Flag[block.Index(rows[t], channels[c], corrs[p])];
        void Flag(int p, int c, int t) => block.Set(rows[t], channels[c], corrs[p], true, report);

        if (spec.FlagNearTime || spec.FlagNearFreq || spec.GrowAround)
        {
            var grow = new List<(int P, int C, int T)>();
            for (int p = 0; p < np; p++)
                for (int c = 0; c < nc; c++)
                    for (int t = 0; t < nt; t++)
                    {
                        if (Flagged(p, c, t))
                        {
                            if (spec.FlagNearTime) grow.AddRange([(p, c, t - 1), (p, c, t + 1)]);
                            if (spec.FlagNearFreq) grow.AddRange([(p, c - 1, t), (p, c + 1, t)]);
                        }
                        else if (spec.GrowAround && FlaggedNeighbours(p, c, t) > 4) grow.Add((p, c, t));
                    }
            foreach (var (p, c, t) in grow)
                if (c >= 0 && c < nc && t >= 0 && t < nt) Flag(p, c, t);
        }

        if (spec.GrowFreq > 0 || spec.GrowTime > 0)
        {
            var perTime = new int[np, nt];
            var perChan = new int[np, nc];
            // in storage order (a row's cells are contiguous): the counts do not depend on the order they are taken in
            for (int t = 0; t < nt; t++)
                for (int c = 0; c < nc; c++)
                {
                    int cell = block.Index(rows[t], channels[c], 0);
                    for (int p = 0; p < np; p++)
                        if (block.Flag[cell + corrs[p]]) { perTime[p, t]++; perChan[p, c]++; }
                }
            for (int p = 0; p < np; p++)
            {
                if (spec.GrowFreq > 0)
                    for (int t = 0; t < nt; t++)
                        if (100.0 * perTime[p, t] / nc >= spec.GrowFreq)
                            for (int c = 0; c < nc; c++) Flag(p, c, t);
                if (spec.GrowTime > 0)
                    for (int c = 0; c < nc; c++)
                        if (100.0 * perChan[p, c] / nt >= spec.GrowTime)
                            for (int t = 0; t < nt; t++) Flag(p, c, t);
            }
        }

        // each (time, channel) on its own, so in storage order too
        if (spec.ExtendPols && np > 1)
            for (int t = 0; t < nt; t++)
                for (int c = 0; c < nc; c++)
                {
                    int cell = block.Index(rows[t], channels[c], 0);
                    bool any = false;
                    for (int p = 0; p < np && !any; p++) any = block.Flag[cell + corrs[p]];
                    if (any)
                        for (int p = 0; p < np; p++) Flag(p, c, t);
                }

        int FlaggedNeighbours(int p, int c, int t)
        {
            int n = 0;
            for (int dc = -1; dc <= 1; dc++)
                for (int dt = -1; dt <= 1; dt++)
                    if ((dc != 0 || dt != 0) && c + dc >= 0 && c + dc < nc && t + dt >= 0 && t + dt < nt && Flagged(p, c + dc, t + dt)) n++;
            return n;
        }
    }
}

/// <summary>mode='extend': each baseline's flags of a scan (ntime='scan') grown by <see cref="ExtendRule"/>.</summary>
public sealed class ExtendAgent(ExtendSpec spec) : IFlagAgent
{
    private readonly CommandReport _report = new();

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [], wholeScans: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var channels = Enumerable.Range(0, block.NChan).Where(c => cells.Channels[c]).ToArray();
        var corrs = Enumerable.Range(0, block.NCorr).Where(k => cells.Correlations[k]).ToArray();
        foreach (var rows in Baselines(block, cells.Rows))
        {
            ExtendRule.Apply(block, rows, channels, corrs, spec, _report);
            _report.Selected += (long)rows.Length * channels.Length * corrs.Length;
        }
    }

    /// <summary>The block rows of each baseline (ANTENNA1, ANTENNA2), in time order: the maps CASA's antenna-pair agents work on.</summary>
    public static IEnumerable<int[]> Baselines(FlagBlock block, int[] rows)
    {
        var time = block.Doubles["TIME"];
        return rows.GroupBy(r => (block.Ints["ANTENNA1"][r], block.Ints["ANTENNA2"][r])).Select(g => g.OrderBy(r => time[r]).ToArray());
    }

    public CommandReport Report() => _report;
}
