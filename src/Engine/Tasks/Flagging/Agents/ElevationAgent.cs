using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// elevation (FlagAgentElevation): a selected row is flagged when antenna 1 or antenna 2 sees the row's field below
/// lowerlimit or above upperlimit. Elevations come from casacore Measures (J2000 → AZEL at the antenna's ITRF position
/// and the row's TIME), computed once per (time, field, antenna) in one native call per block.
/// </summary>
public sealed class ElevationAgent(ElevationSpec spec, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();
    private readonly Dictionary<(double Time, int Field, int Antenna), double> _elevation = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["ANTENNA1", "ANTENNA2", "FIELD_ID"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var (ant1, ant2, field, time) = (block.Ints["ANTENNA1"], block.Ints["ANTENNA2"], block.Ints["FIELD_ID"], block.Doubles["TIME"]);
        Compute(cells.Rows.SelectMany(r => new[] { (time[r], field[r], ant1[r]), (time[r], field[r], ant2[r]) }).Distinct()
            .Where(k => !_elevation.ContainsKey(k)).ToList());
        double lower = spec.LowerLimit * Math.PI / 180, upper = spec.UpperLimit * Math.PI / 180;
        bool Outside(int r, int a) => _elevation[(time[r], field[r], a)] is var e && (e < lower || e > upper);
        int perRow = cells.CellsPerRow;
        foreach (int row in cells.Rows)
        {
            _report.Selected += perRow;
            if (Outside(row, ant1[row]) || Outside(row, ant2[row])) block.SetRow(row, cells, true, _report);
        }
    }

    private void Compute(List<(double Time, int Field, int Antenna)> keys)
    {
        if (keys.Count == 0) return;
        var xyz = keys.SelectMany(k => layout.AntennaPositions.AsSpan(3 * k.Antenna, 3).ToArray()).ToArray();
        var el = Horizon.Elevations(xyz, keys.Select(k => k.Time).ToArray(),
            keys.Select(k => layout.FieldDirections[2 * k.Field]).ToArray(), keys.Select(k => layout.FieldDirections[2 * k.Field + 1]).ToArray());
        for (int i = 0; i < keys.Count; i++) _elevation[keys[i]] = el[i];
    }

    public CommandReport Report() => _report;
}
