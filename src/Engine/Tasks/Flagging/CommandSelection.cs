using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// A command's data selection resolved on one MS: which rows, which channels of each spw (several ranges and steps
/// allowed, e.g. '0:1~3;10~20'), which correlations of each polarization setup. Cells are selected when all three are.
/// </summary>
public sealed class CommandSelection
{
    private readonly Dictionary<int, bool[]> _channels;
    private readonly Dictionary<int, int[]> _correlations;

    /// <summary>Selected rows of the table, indexed by row number.</summary>
    public bool[] Rows { get; }

    public long RowCount { get; }

    private CommandSelection(bool[] rows, long count, Dictionary<int, bool[]> channels, Dictionary<int, int[]> correlations)
    {
        Rows = rows;
        RowCount = count;
        _channels = channels;
        _correlations = correlations;
    }

    /// <summary>Applies the expressions with casacore's MSSelection; its errors (CasacoreException) propagate.</summary>
    public static CommandSelection Resolve(CasaTable ms, SelectionExprs exprs, MsFlagLayout layout)
    {
        long nrow = ms.NRow;
        var rows = new bool[nrow];
        if (exprs.IsEmpty)
        {
            Array.Fill(rows, true);
            return new CommandSelection(rows, nrow, [], []);
        }
        using var selection = MsSelection.Apply(ms, exprs);
        var numbers = selection.Rows.RowNumbers();
        foreach (var r in numbers) rows[r] = true;
        var channels = new Dictionary<int, bool[]>();
        foreach (var range in selection.Channels)
        {
            if (!channels.TryGetValue(range.Spw, out var mask))
                channels[range.Spw] = mask = new bool[layout.SpwNChan[range.Spw]];
            for (int c = range.Start; c <= range.End && c < mask.Length; c += Math.Max(1, range.Step)) mask[c] = true;
        }
        return new CommandSelection(rows, numbers.Length, channels, new Dictionary<int, int[]>(selection.Correlations));
    }

    /// <summary>
    /// The selection in one MS of a data set whose selection the coordinator has checked: where it matches nothing in
    /// this MS (MSSelection throws, e.g. a spw this sub-MS lacks) nothing is selected, as CASA ignores a NullSelection
    /// in a sub-MS. what names the selection in the debug line.
    /// </summary>
    public static CommandSelection InThisMs(CasaTable ms, SelectionExprs exprs, MsFlagLayout layout, string what)
    {
        try { return Resolve(ms, exprs, layout); }
        catch (CasacoreException e)
        {
            Logger.Debug($"{ms.Name}: no data for {what} ({e.Message.Split('\n')[0]})");
            return None(ms.NRow);
        }
    }

    private static readonly NLog.Logger Logger = Log.For<CommandSelection>();

    /// <summary>Nothing selected (a sub-MS where the selection matches no data: CASA's NullSelection).</summary>
    public static CommandSelection None(long nrow) => new(new bool[nrow], 0, [], []);

    public bool[] ChannelMask(int spw, int nchan)
    {
        if (_channels.TryGetValue(spw, out var mask)) return mask;
        var all = new bool[nchan];
        Array.Fill(all, true);
        return all;
    }

    public bool[] CorrelationMask(int pol, int ncorr)
    {
        var mask = new bool[ncorr];
        if (_correlations.TryGetValue(pol, out var idx) && idx.Length > 0)
            foreach (var i in idx.Where(i => i < ncorr)) mask[i] = true;
        else
            Array.Fill(mask, true);
        return mask;
    }
}
