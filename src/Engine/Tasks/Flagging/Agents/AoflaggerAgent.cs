using MmsMpi.AOFlagger;
using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// AOFlagger's sequences, as the aoflagger tool (3.1) makes them: runs of one FIELD_ID over the data in time order
/// (scans of one field in a row are one sequence), each with its time grid, the distinct TIMEs of all its rows (every
/// baseline and spw). Built on the coordinator from the TIME → FIELD_ID of every sub-MS, so each job gives its
/// baselines the plain MS's grids (a baseline without a time gets a zero column there, as in the tool).
/// docs/aoflagger-rules.md, rules 3 and §5.
/// </summary>
public static class AoSequences
{
    /// <summary>The sequence index of every time, from TIME → FIELD_ID (times in order; a field change starts a new one).</summary>
    public static Dictionary<double, int> Of(IReadOnlyDictionary<double, int> fieldAt)
    {
        var sequence = new Dictionary<double, int>();
        int index = -1, field = int.MinValue;
        foreach (var (time, f) in fieldAt.OrderBy(kv => kv.Key))
        {
            if (f != field) (index, field) = (index + 1, f);
            sequence[time] = index;
        }
        return sequence;
    }
}

/// <summary>The sweep: TIME → FIELD_ID of every row (two fields at one time cannot be put in sequences).</summary>
public sealed class AoTimesAgent : IFlagAgent
{
    private readonly Dictionary<double, int> _fieldAt = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["FIELD_ID"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var time = block.Doubles["TIME"];
        var field = block.Ints["FIELD_ID"];
        foreach (int r in cells.Rows)
            if (_fieldAt.TryGetValue(time[r], out int f) && f != field[r])
                throw new UserError($"aoflagger: fields {f} and {field[r]} both have rows at one time ({time[r]}): AOFlagger's sequences need one field per time");
            else _fieldAt[time[r]] = field[r];
    }

    public CommandReport Report() => new() { FieldAt = _fieldAt };
}

/// <summary>
/// mode='aoflagger': an AOFlagger strategy (the telescope's default or a Lua file) on every cross-correlation's
/// planes, one per (baseline, DDI, sequence) with all correlations and all channels; its flags, and non-finite values
/// per correlation, are OR'ed into the selected cells' FLAG (the tool replaces FLAG instead). Autocorrelations are
/// left alone, as the tool does.
/// </summary>
public sealed class AoflaggerAgent : IFlagAgent, IDisposable
{
    private readonly AoflaggerSpec _spec;
    private readonly Dictionary<double, int> _sequence;
    private readonly AoStrategy _strategy;
    private readonly CommandReport _report = new();

    public AoflaggerAgent(AoflaggerSpec spec, IReadOnlyDictionary<double, int> fieldAt, string telescope)
    {
        _spec = spec;
        _sequence = AoSequences.Of(fieldAt);
        try { _strategy = AoStrategy.Load(spec.Strategy, telescope); }
        catch (AoFlaggerException e) { throw new UserError($"aoflagger: {e.Message}"); }
        Log.For<AoflaggerAgent>().Debug($"AOFlagger {AoStrategy.Version()}, strategy {_strategy.Path} (telescope '{telescope}')");
        Needs = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [spec.DataColumn], chunks: Keys);
    }

    public FlagNeeds Needs { get; }

    /// <summary>A block per sequence (and DDI): the key of each row is its time's sequence.</summary>
    private long[] Keys(CasaTable table) => table.GetColumn<double>("TIME").Select(t => (long)_sequence[t]).ToArray();

    public void Process(FlagBlock block, BlockCells cells)
    {
        if (cells.Rows.Length == 0) return;
        var time = block.Doubles["TIME"];
        int sequence = _sequence[time[cells.Rows[0]]];
        var grid = _sequence.Where(kv => kv.Value == sequence).Select(kv => kv.Key).Order().ToArray();
        var at = grid.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        int nt = grid.Length, nc = block.NChan, np = block.NCorr;
        var vis = block.Vis[_spec.DataColumn];
        var a1 = block.Ints["ANTENNA1"];
        var a2 = block.Ints["ANTENNA2"];
        foreach (var baseline in cells.Rows.Where(r => a1[r] != a2[r]).GroupBy(r => (Math.Min(a1[r], a2[r]), Math.Max(a1[r], a2[r]))))
        {
            var planes = new float[2 * np * nc * nt];
            var existing = new bool[nc * nt];
            Array.Fill(existing, true);
            foreach (int r in baseline)
            {
                int x = at[time[r]];
                for (int c = 0; c < nc; c++)
                {
                    bool any = false;
                    for (int k = 0; k < np; k++)
                    {
                        int cell = block.Index(r, c, k);
                        planes[((2 * k) * nc + c) * nt + x] = vis[cell].Re;
                        planes[((2 * k + 1) * nc + c) * nt + x] = vis[cell].Im;
                        any |= block.Flag[cell];
                    }
                    existing[c * nt + x] = any;
                }
            }
            bool[] mask;
            try { mask = _strategy.Run(nt, nc, np, planes, existing); }
            catch (AoFlaggerException e) { throw new UserError($"aoflagger ({_strategy.Path}): {e.Message}"); }
            foreach (int r in baseline)
            {
                int x = at[time[r]];
                for (int c = 0; c < nc; c++)
                {
                    if (!cells.Channels[c]) continue;
                    for (int k = 0; k < np; k++)
                    {
                        if (!cells.Correlations[k]) continue;
                        var v = vis[block.Index(r, c, k)];
                        if (mask[c * nt + x] || !float.IsFinite(v.Re) || !float.IsFinite(v.Im)) block.Set(r, c, k, true, _report);
                    }
                }
            }
            _report.Selected += baseline.Count() * (long)cells.CellsPerRow;
        }
    }

    public CommandReport Report() => _report;

    public void Dispose() => _strategy.Dispose();
}
