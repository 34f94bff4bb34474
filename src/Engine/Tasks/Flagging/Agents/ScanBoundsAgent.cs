namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// The quack pre-sweep (FlagDataHandler::generateScanStartStopMap): first and last TIME of each scan over the selected
/// rows, or with quackincrement over the rows that still have an unflagged selected cell. Changes no flag.
/// </summary>
public sealed class ScanBoundsAgent(bool increment) : IFlagAgent
{
    private readonly Dictionary<int, ScanBounds> _bounds = [];

    public FlagNeeds Needs { get; } = FlagNeeds.Of(["SCAN_NUMBER"], ["TIME"], []);

    public void Process(FlagBlock block, BlockCells cells)
    {
        var scan = block.Ints["SCAN_NUMBER"];
        var time = block.Doubles["TIME"];
        foreach (int row in cells.Rows)
        {
            if (increment && !HasUnflagged(block, row, cells)) continue;
            var here = new ScanBounds(time[row], time[row]);
            _bounds[scan[row]] = _bounds.TryGetValue(scan[row], out var b) ? b.Union(here) : here;
        }
    }

    private static bool HasUnflagged(FlagBlock block, int row, BlockCells cells)
    {
        for (int ch = 0; ch < block.NChan; ch++)
            if (cells.Channels[ch])
                for (int k = 0; k < block.NCorr; k++)
                    if (cells.Correlations[k] && !block.Flag[block.Index(row, ch, k)]) return true;
        return false;
    }

    public CommandReport Report() => new() { ScanBounds = _bounds };
}
