namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// manual (flag) and unflag (FlagAgentManual with apply=False): every selected cell is set. With autocorr only rows
/// with ANTENNA1 == ANTENNA2 whose processor is a CORRELATOR are flagged (FlagAgentBase, CAS-5286).
/// </summary>
public sealed class ManualAgent(bool flag, bool autoCorrOnly, MsFlagLayout layout) : IFlagAgent
{
    private readonly CommandReport _report = new();

    public FlagNeeds Needs { get; } = autoCorrOnly ? FlagNeeds.Of(["ANTENNA1", "ANTENNA2", "PROCESSOR_ID"], [], []) : new FlagNeeds();

    public void Process(FlagBlock block, BlockCells cells)
    {
        int perRow = cells.CellsPerRow;
        foreach (int row in cells.Rows)
        {
            if (autoCorrOnly && !IsCorrelatorAutoCorrelation(block, row)) continue;
            _report.Selected += perRow;
            block.SetRow(row, cells, flag, _report);
        }
    }

    private bool IsCorrelatorAutoCorrelation(FlagBlock block, int row) =>
        block.Ints["ANTENNA1"][row] == block.Ints["ANTENNA2"][row] && layout.IsCorrelator(block.Ints["PROCESSOR_ID"][row]);

    public CommandReport Report() => _report;
}
