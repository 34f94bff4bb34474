namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// What an agent reads besides FLAG: scalar int/double columns, visibility datacolumns, UVW, and whether it needs a
/// whole scan of a DDI in one block (time-frequency agents).
/// </summary>
public sealed class FlagNeeds
{
    public HashSet<string> Ints { get; } = [];
    public HashSet<string> Doubles { get; } = [];
    public HashSet<string> VisColumns { get; } = [];
    public bool Uvw { get; init; }
    public bool WholeScans { get; init; }
    /// <summary>
    /// Rows that must be in one block, coarser than whole scans: a key per table row (AOFlagger's sequences, runs of
    /// one field over consecutive scans). Null: blocks by scan (with <see cref="WholeScans"/>) or by size.
    /// </summary>
    public Func<Casacore.CasaTable, long[]>? Chunks { get; init; }
    /// <summary>
    /// Weights per cell for averaging (CASA's averaging TVIs): "SIGMA" for 1/σ² (SIGMA_SPECTRUM, else SIGMA over the
    /// channels), "WEIGHT" (WEIGHT_SPECTRUM, else WEIGHT over the channels); null: none read.
    /// </summary>
    public string? CellWeights { get; init; }
    /// <summary>FLAG as read, kept apart from the flags the commands before change (rflag's statistics use only those).</summary>
    public bool OriginalFlags { get; init; }

    public static FlagNeeds Of(IEnumerable<string> ints, IEnumerable<string> doubles, IEnumerable<string> vis, bool wholeScans = false, bool uvw = false,
        bool originalFlags = false, Func<Casacore.CasaTable, long[]>? chunks = null, string? cellWeights = null)
    {
        var n = new FlagNeeds { WholeScans = wholeScans, Uvw = uvw, OriginalFlags = originalFlags, Chunks = chunks, CellWeights = cellWeights };
        n.Ints.UnionWith(ints);
        n.Doubles.UnionWith(doubles);
        n.VisColumns.UnionWith(vis);
        return n;
    }

    public static FlagNeeds Union(IEnumerable<FlagNeeds> all)
    {
        var list = all.ToList();
        var chunks = list.Select(n => n.Chunks).OfType<Func<Casacore.CasaTable, long[]>>().ToList();
        if (chunks.Count > 1) throw new UserError("only one aoflagger command per flagdata run");
        var weights = list.Select(n => n.CellWeights).OfType<string>().Distinct().ToList();
        if (weights.Count > 1) throw new UserError("clip commands averaging different data columns (weights from SIGMA and WEIGHT) in one list");
        return Of(list.SelectMany(n => n.Ints), list.SelectMany(n => n.Doubles), list.SelectMany(n => n.VisColumns), list.Any(n => n.WholeScans),
            list.Any(n => n.Uvw), list.Any(n => n.OriginalFlags), chunks.FirstOrDefault(), weights.FirstOrDefault());
    }
}

/// <summary>
/// One flag command at work on one MS (CASA's FlagAgentBase subclasses): it sees every block in table order, with the
/// cells its command selected, changes flags through the block, and reports what it did.
/// </summary>
public interface IFlagAgent
{
    FlagNeeds Needs { get; }

    void Process(FlagBlock block, BlockCells cells);

    CommandReport Report();
}
