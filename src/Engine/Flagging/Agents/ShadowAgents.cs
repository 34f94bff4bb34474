namespace MmsMpi.Flagging.Agents;

/// <summary>
/// The shadow pre-sweep (FlagAgentShadow::decideBaselineShadow) over every cross-correlation row, whatever the
/// command's selection: at each TIME, a baseline whose projected length √(u²+v²) is below the mean dish diameter minus
/// the tolerance shadows one of its antennas: antenna1 when w &lt; 0, else antenna2 (CASA ≥ 4.1 convention).
/// </summary>
/// <remarks>
/// CASA recomputes the uvw of every antenna pair from the antenna positions (casacore Measures, in C++); this uses
/// the UVW of the baselines present in the data, so pairs without any row (and addantenna) are not considered.
/// </remarks>
public sealed class ShadowSweepAgent(ShadowSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly Dictionary<double, SortedSet<int>> _shadowed = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2"], ["TIME"], [], uvw: true);

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
            if (!_shadowed.TryGetValue(time[row], out var set)) _shadowed[time[row]] = set = [];
            set.Add(w < 0 ? a1 : a2);
        }
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
