namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// quack (FlagAgentQuack): rows of a scan within the quack interval of its start or end (per quackmode, see
/// <see cref="QuackRule"/>) have all their selected cells flagged. Scan bounds come from the sweep over the whole
/// MS or MMS (<see cref="ScanBoundsAgent"/>); a scan absent from them (wholly flagged with quackincrement) is left alone.
/// </summary>
public sealed class QuackAgent(QuackSpec spec, IReadOnlyDictionary<int, ScanBounds> bounds) : IFlagAgent
{
    private readonly CommandReport _report = new();

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["SCAN_NUMBER"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var scan = block.Ints["SCAN_NUMBER"];
        var time = block.Doubles["TIME"];
        int perRow = cells.CellsPerRow;
        foreach (int row in cells.Rows)
        {
            _report.Selected += perRow;
            if (bounds.TryGetValue(scan[row], out var b) && QuackRule.Flags(spec.Mode, spec.Interval, b, time[row]))
                block.SetRow(row, cells, true, _report);
        }
    }

    public CommandReport Report() => _report;
}
