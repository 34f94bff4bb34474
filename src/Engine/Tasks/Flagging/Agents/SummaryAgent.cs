namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// summary (FlagAgentSummary::computeRowFlags): per selected row, flagged and total selected cells are added to the
/// row's antenna (both antennas of a cross-correlation, one of an auto-correlation), array, field (name), observation,
/// scan, spw and to each correlation (name); optionally spw:channel, spw:correlation, baseline ('A1&amp;&amp;A2') with
/// antenna:scan, and a breakdown per field. Counts are accumulated with integer keys and named at the end.
/// </summary>
/// <remarks>spw:channel keys use the absolute channel number; CASA numbers the selected channels from 0.</remarks>
public sealed class SummaryAgent(SummarySpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly Dictionary<int, Counter> _byField = [];

    public FlagNeeds Needs { get; } =
        FlagNeeds.Of(["ANTENNA1", "ANTENNA2", "FIELD_ID", "SCAN_NUMBER", "ARRAY_ID", "OBSERVATION_ID"], [], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var ant1 = block.Ints["ANTENNA1"];
        var ant2 = block.Ints["ANTENNA2"];
        var field = block.Ints["FIELD_ID"];
        var scan = block.Ints["SCAN_NUMBER"];
        var array = block.Ints["ARRAY_ID"];
        var obs = block.Ints["OBSERVATION_ID"];
        int nchan = cells.Channels.Count(c => c), ncorr = cells.Correlations.Count(c => c);
        long rowTotal = (long)nchan * ncorr;
        var perCorr = new long[block.NCorr];
        var perChan = new long[block.NChan];
        foreach (int row in cells.Rows)
        {
            Array.Clear(perCorr);
            long rowFlags = 0;
            for (int ch = 0; ch < block.NChan; ch++)
            {
                if (!cells.Channels[ch]) continue;
                int chanFlags = 0;
                for (int k = 0; k < block.NCorr; k++)
                    if (cells.Correlations[k] && block.Flag[block.Index(row, ch, k)]) { chanFlags++; perCorr[k]++; }
                perChan[ch] = chanFlags;
                rowFlags += chanFlags;
            }
            var c = CounterFor(spec.FieldCnt ? field[row] : -1);
            c.All.Add(rowFlags, rowTotal);
            c.Add("array", array[row], rowFlags, rowTotal);
            c.Add("field", field[row], rowFlags, rowTotal);
            c.Add("spw", block.Spw, rowFlags, rowTotal);
            c.Add("scan", scan[row], rowFlags, rowTotal);
            c.Add("observation", obs[row], rowFlags, rowTotal);
            c.Add("antenna", ant1[row], rowFlags, rowTotal);
            if (ant1[row] != ant2[row]) c.Add("antenna", ant2[row], rowFlags, rowTotal);
            for (int k = 0; k < block.NCorr; k++)
            {
                if (!cells.Correlations[k]) continue;
                int corrType = layout.PolCorrTypes[block.Pol][k];
                c.Add("correlation", corrType, perCorr[k], nchan);
                if (spec.SpwCorr) c.Add("spw:correlation", Key(block.Spw, corrType), perCorr[k], nchan);
            }
            if (spec.SpwChan)
                for (int ch = 0; ch < block.NChan; ch++)
                    if (cells.Channels[ch]) c.Add("spw:channel", Key(block.Spw, ch), perChan[ch], ncorr);
            if (spec.BaseCnt)
            {
                c.Add("baseline", Key(ant1[row], ant2[row]), rowFlags, rowTotal);
                c.Add("antenna:scan", Key(ant1[row], scan[row]), rowFlags, rowTotal);
                if (ant1[row] != ant2[row]) c.Add("antenna:scan", Key(ant2[row], scan[row]), rowFlags, rowTotal);
            }
        }
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    private Counter CounterFor(int field)
    {
        if (!_byField.TryGetValue(field, out var c)) _byField[field] = c = new Counter();
        return c;
    }

    public CommandReport Report()
    {
        var summary = new FlagSummary();
        if (spec.FieldCnt)
        {
            summary.Fields = new SortedDictionary<string, FlagSummary>(StringComparer.Ordinal);
            foreach (var (field, counter) in _byField)
            {
                var s = counter.Named(this);
                summary.Fields[layout.FieldNames[field]] = s;
                summary.All.Add(s.All.Flagged, s.All.Total);
            }
        }
        else if (_byField.TryGetValue(-1, out var counter)) summary = counter.Named(this);
        return new CommandReport { Summary = summary, Selected = (long)summary.All.Total };
    }

    /// <summary>The name CASA gives an integer key of a category.</summary>
    private string Name(string category, long key)
    {
        int hi = (int)(key >> 32), lo = (int)(key & 0xffffffff);
        return category switch
        {
            "antenna" => layout.AntennaNames[lo],
            "field" => layout.FieldNames[lo],
            "correlation" => CorrelationNames.Name(lo),
            "spw:correlation" => $"{hi}:{CorrelationNames.Name(lo)}",
            "spw:channel" => $"{hi}:{lo}",
            "baseline" => $"{layout.AntennaNames[hi]}&&{layout.AntennaNames[lo]}",
            "antenna:scan" => $"{layout.AntennaNames[hi]}:{lo}",
            _ => lo.ToString(),
        };
    }

    /// <summary>Counts with integer keys per category (names resolved once, at the end).</summary>
    private sealed class Counter
    {
        public readonly FlagCount All = new();
        private readonly Dictionary<(string Category, long Key), FlagCount> _counts = [];

        public void Add(string category, long key, long flagged, long total)
        {
            if (!_counts.TryGetValue((category, key), out var c)) _counts[(category, key)] = c = new FlagCount();
            c.Add(flagged, total);
        }

        public FlagSummary Named(SummaryAgent agent)
        {
            var s = new FlagSummary();
            s.All.Add(All.Flagged, All.Total);
            foreach (var ((category, key), count) in _counts) s.Add(category, agent.Name(category, key), count.Flagged, count.Total);
            return s;
        }
    }
}
