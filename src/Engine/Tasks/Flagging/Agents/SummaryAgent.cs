using System.Runtime.InteropServices;
using MmsMpi.Kernels;

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
        // Every cell of a row selected and no count per channel (a summary without spw or correlation selection):
        // the row's flags are counted per correlation in one pass over its cell.
        bool wholeCells = nchan == block.NChan && ncorr == block.NCorr && !spec.SpwChan;
        foreach (int row in cells.Rows)
        {
            Array.Clear(perCorr);
            long rowFlags = wholeCells ? CountWholeCell(block, row, perCorr) : CountSelected(block, cells, row, perCorr, perChan);
            var c = CounterFor(spec.FieldCnt ? field[row] : -1);
            c.All.Add(rowFlags, rowTotal);
            c.Add(Category.Array, array[row], rowFlags, rowTotal);
            c.Add(Category.Field, field[row], rowFlags, rowTotal);
            c.Add(Category.Spw, block.Spw, rowFlags, rowTotal);
            c.Add(Category.Scan, scan[row], rowFlags, rowTotal);
            c.Add(Category.Observation, obs[row], rowFlags, rowTotal);
            c.Add(Category.Antenna, ant1[row], rowFlags, rowTotal);
            if (ant1[row] != ant2[row]) c.Add(Category.Antenna, ant2[row], rowFlags, rowTotal);
            for (int k = 0; k < block.NCorr; k++)
            {
                if (!cells.Correlations[k]) continue;
                int corrType = layout.PolCorrTypes[block.Pol][k];
                c.Add(Category.Correlation, corrType, perCorr[k], nchan);
                if (spec.SpwCorr) c.Add(Category.SpwCorrelation, Key(block.Spw, corrType), perCorr[k], nchan);
            }
            if (spec.SpwChan)
                for (int ch = 0; ch < block.NChan; ch++)
                    if (cells.Channels[ch]) c.Add(Category.SpwChannel, Key(block.Spw, ch), perChan[ch], ncorr);
            if (spec.BaseCnt)
            {
                c.Add(Category.Baseline, Key(ant1[row], ant2[row]), rowFlags, rowTotal);
                c.Add(Category.AntennaScan, Key(ant1[row], scan[row]), rowFlags, rowTotal);
                if (ant1[row] != ant2[row]) c.Add(Category.AntennaScan, Key(ant2[row], scan[row]), rowFlags, rowTotal);
            }
        }
    }

    private static long CountWholeCell(FlagBlock block, int row, long[] perCorr)
    {
        CellFlagCount.PerCorrelation(block.Flag.AsSpan(block.Index(row, 0, 0), block.CellSize), block.NCorr, perCorr);
        return perCorr.Sum();
    }

    /// <summary>The row's flagged cells among the selected channels and correlations, also per channel.</summary>
    private static long CountSelected(FlagBlock block, BlockCells cells, int row, long[] perCorr, long[] perChan)
    {
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
        return rowFlags;
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

    private enum Category { Array, Field, Spw, Scan, Observation, Antenna, Correlation, SpwCorrelation, SpwChannel, Baseline, AntennaScan }

    /// <summary>The name CASA gives a category.</summary>
    private static string CategoryName(Category category) => category switch
    {
        Category.SpwCorrelation => "spw:correlation",
        Category.SpwChannel => "spw:channel",
        Category.AntennaScan => "antenna:scan",
        _ => category.ToString().ToLowerInvariant(),
    };

    /// <summary>The name CASA gives an integer key of a category.</summary>
    private string Name(Category category, long key)
    {
        int hi = (int)(key >> 32), lo = (int)(key & 0xffffffff);
        return category switch
        {
            Category.Antenna => layout.AntennaNames[lo],
            Category.Field => layout.FieldNames[lo],
            Category.Correlation => CorrelationNames.Name(lo),
            Category.SpwCorrelation => $"{hi}:{CorrelationNames.Name(lo)}",
            Category.SpwChannel => $"{hi}:{lo}",
            Category.Baseline => $"{layout.AntennaNames[hi]}&&{layout.AntennaNames[lo]}",
            Category.AntennaScan => $"{layout.AntennaNames[hi]}:{lo}",
            _ => lo.ToString(),
        };
    }

    /// <summary>
    /// Counts with integer keys per category (names resolved once, at the end): a dictionary per category, as a row
    /// adds to eight or more of them and a string in the key would be hashed and compared each time.
    /// </summary>
    private sealed class Counter
    {
        public readonly FlagCount All = new();
        private readonly Dictionary<long, FlagCount>[] _counts = Enum.GetValues<Category>().Select(_ => new Dictionary<long, FlagCount>()).ToArray();

        public void Add(Category category, long key, long flagged, long total)
        {
            ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts[(int)category], key, out _);
            (c ??= new FlagCount()).Add(flagged, total);
        }

        public FlagSummary Named(SummaryAgent agent)
        {
            var s = new FlagSummary();
            s.All.Add(All.Flagged, All.Total);
            for (int category = 0; category < _counts.Length; category++)
                foreach (var (key, count) in _counts[category])
                    s.Add(CategoryName((Category)category), agent.Name((Category)category, key), count.Flagged, count.Total);
            return s;
        }
    }
}
