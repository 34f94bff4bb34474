using MmsMpi.Casacore;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Flagging.Agents;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// One pass over one MS (a plain MS or one sub-MS; never two writers on a table): resolves every command's selection,
/// reads the union of the selected rows block by block, lets the agents work on each block in command order (as
/// CASA's AgentFlagger runs its agent list on each buffer), and writes back the blocks whose flags changed.
/// A selection that matches nothing in this MS (MSSelection throws or selects no row) leaves its command idle there,
/// as CASA ignores a NullSelection in a sub-MS; the coordinator has validated every selection on the whole data set.
/// </summary>
public static class FlagPass
{

    /// <param name="ms">the table to flag</param>
    /// <param name="commands">all commands, in order</param>
    /// <param name="agentFor">the agent of a command in this pass (null: the command does nothing in this pass)</param>
    /// <param name="write">write changed flags (action 'apply'), or only count them ('calculate', the sweep)</param>
    /// <param name="cancel">a stop request, honoured between blocks (the flags of the blocks written so far stay)</param>
    public static FlagJobReport Run(string ms, IReadOnlyList<FlagCommand> commands, Func<int, MsFlagLayout, IFlagAgent?> agentFor, bool write,
        CancellationToken cancel)
    {
        using var table = CasaTable.Open(ms, writable: write);
        var layout = MsFlagLayout.Read(table);
        var agents = commands.Select((_, i) => agentFor(i, layout)).ToList();
        var selections = commands.Select((c, i) => agents[i] is null ? CommandSelection.None(table.NRow) : CommandSelection.InThisMs(table, c.Selection, layout, $"\"{c.Text}\"")).ToList();
        var active = Enumerable.Range(0, commands.Count).Where(i => agents[i] is not null && selections[i].RowCount > 0).ToList();
        var reports = new CommandReport[commands.Count];
        long rows = 0;
        if (active.Count > 0)
        {
            var needs = FlagNeeds.Union(active.Select(i => agents[i]!.Needs));
            var io = new FlagBlockIo(table, layout, needs);
            var union = new bool[table.NRow];
            foreach (var i in active)
                for (long r = 0; r < union.Length; r++) union[r] |= selections[i].Rows[r];
            rows = union.LongCount(x => x);
            foreach (var runs in BlockPlan.Blocks(union, table.GetColumn<int>("DATA_DESC_ID"), needs.Chunks?.Invoke(table) ?? (needs.WholeScans ? ScanKeys(table) : null), io.MaxRows))
            {
                cancel.ThrowIfCancellationRequested();
                var block = io.Read(runs);
                foreach (var i in active) agents[i]!.Process(block, CellsOf(block, selections[i], layout));
                if (write && block.AnyChanged) io.Write(block);
                RowMeter.Add(block.NRow);
                block.Release();
            }
            if (write) table.Flush();
        }
        for (int i = 0; i < commands.Count; i++) reports[i] = agents[i]?.Report() ?? new CommandReport();
        foreach (var agent in agents.OfType<IDisposable>()) agent.Dispose();
        return new FlagJobReport(rows, reports);
    }

    private static BlockCells CellsOf(FlagBlock block, CommandSelection selection, MsFlagLayout layout)
    {
        var rows = new List<int>();
        for (int r = 0; r < block.NRow; r++)
            if (selection.Rows[block.RowNumbers[r]]) rows.Add(r);
        return new BlockCells(rows.ToArray(), selection.ChannelMask(block.Spw, block.NChan), selection.CorrelationMask(block.Pol, block.NCorr));
    }

    /// <summary>A key per row that changes with scan, field or array (the time chunks of CASA's ntime='scan').</summary>
    private static long[] ScanKeys(CasaTable table)
    {
        var scan = table.GetColumn<int>("SCAN_NUMBER");
        var field = table.GetColumn<int>("FIELD_ID");
        var array = table.GetColumn<int>("ARRAY_ID");
        return scan.Select((s, r) => ((long)array[r] << 48) ^ ((long)field[r] << 24) ^ s).ToArray();
    }
}
