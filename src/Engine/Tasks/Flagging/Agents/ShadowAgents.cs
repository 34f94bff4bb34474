namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// The shadow pre-sweep (FlagAgentShadow::decideBaselineShadow) over every cross-correlation row, whatever the
/// command's selection: at each TIME, a baseline whose projected length √(u²+v²) is below the mean dish diameter minus
/// the tolerance shadows one of its antennas: antenna1 when w &lt; 0, else antenna2 (CASA ≥ 4.1 convention).
/// </summary>
/// <remarks>
/// CASA recomputes the uvw of every antenna pair from the antenna positions (casacore Measures, in C++); this uses
/// the UVW of the baselines present in the data, so pairs without any row are not considered. Antennas of addantenna
/// have no rows: for them the geometry comes from positions — the field's direction as an ITRF unit vector s at the
/// row's time; an added antenna e shadows an MS antenna i when it is in front, (p_e − p_i)·s &gt; 0, and the offset
/// across the line of sight is below the mean dish diameter minus the tolerance.
/// </remarks>
public sealed class ShadowSweepAgent(ShadowSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly Dictionary<double, SortedSet<int>> _shadowed = [];
    private readonly HashSet<(double Time, int Field)> _swept = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2", "FIELD_ID"], ["TIME"], [], uvw: true);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var ant1 = block.Ints["ANTENNA1"];
        var ant2 = block.Ints["ANTENNA2"];
        var time = block.Doubles["TIME"];
        foreach (int row in cells.Rows)
        {
            int a1 = ant1[row], a2 = ant2[row];
            if (a1 == a2) continue;
            double u = block.Uvw[3 * row], v = block.Uvw[3 * row + 1], w = block.Uvw[3 * row + 2];
            double reach = (layout.DishDiameters[a1] + layout.DishDiameters[a2]) / 2 - spec.Tolerance;
            if (Math.Sqrt(u * u + v * v) >= reach) continue;
            Shadowed(time[row]).Add(w < 0 ? a1 : a2);
        }
        if (spec.Extra.Count > 0) ShadowByAddedAntennas(block, cells);
    }

    private SortedSet<int> Shadowed(double time)
    {
        if (!_shadowed.TryGetValue(time, out var set)) _shadowed[time] = set = [];
        return set;
    }

    private void ShadowByAddedAntennas(FlagBlock block, BlockCells cells)
    {
        var (time, field, ant1, ant2) = (block.Doubles["TIME"], block.Ints["FIELD_ID"], block.Ints["ANTENNA1"], block.Ints["ANTENNA2"]);
        var antennasAt = cells.Rows.GroupBy(r => (time[r], field[r])).Where(g => _swept.Add(g.Key))
            .ToDictionary(g => g.Key, g => g.SelectMany(r => new[] { ant1[r], ant2[r] }).ToHashSet());
        if (antennasAt.Count == 0) return;
        var keys = antennasAt.Keys.ToList();
        var s = MmsMpi.Casacore.Horizon.ItrfDirections(keys.Select(k => k.Item1).ToArray(),
            keys.Select(k => layout.FieldDirections[2 * k.Item2]).ToArray(), keys.Select(k => layout.FieldDirections[2 * k.Item2 + 1]).ToArray(),
            layout.AntennaPositions.AsSpan(0, 3));
        for (int k = 0; k < keys.Count; k++)
            foreach (int i in antennasAt[keys[k]])
                foreach (var e in spec.Extra)
                    if (InFrontAndClose(e, i, s.AsSpan(3 * k, 3))) Shadowed(keys[k].Item1).Add(i);
    }

    private bool InFrontAndClose(ExtraAntenna e, int i, ReadOnlySpan<double> s)
    {
        double bx = e.X - layout.AntennaPositions[3 * i], by = e.Y - layout.AntennaPositions[3 * i + 1], bz = e.Z - layout.AntennaPositions[3 * i + 2];
        double along = bx * s[0] + by * s[1] + bz * s[2];
        double across2 = bx * bx + by * by + bz * bz - along * along;
        double reach = (layout.DishDiameters[i] + e.Diameter) / 2 - spec.Tolerance;
        return along > 0 && across2 < reach * reach;
    }

    public CommandReport Report() => new() { Shadowed = _shadowed };
}

/// <summary>shadow (FlagAgentShadow::computeRowFlags): a selected row is flagged when either antenna is shadowed at its TIME.</summary>
public sealed class ShadowAgent(IReadOnlyDictionary<double, SortedSet<int>> shadowed) : IFlagAgent
{
    private readonly CommandReport _report = new();

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var ant1 = block.Ints["ANTENNA1"];
        var ant2 = block.Ints["ANTENNA2"];
        var time = block.Doubles["TIME"];
        int perRow = cells.CellsPerRow;
        foreach (int row in cells.Rows)
        {
            _report.Selected += perRow;
            if (shadowed.TryGetValue(time[row], out var set) && (set.Contains(ant1[row]) || set.Contains(ant2[row])))
                block.SetRow(row, cells, true, _report);
        }
    }

    public CommandReport Report() => _report;
}
