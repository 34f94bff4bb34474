namespace MmsMpi.Ms;

/// <summary>
/// The datacolumn parameter of split/partition/mstransform: which visibility columns the output keeps, and under
/// which names (the chosen column of 'corrected' or 'model' becomes DATA, as CASA's split does).
/// </summary>
public sealed record DataColumns(IReadOnlyDictionary<string, string> OutputFromInput, IReadOnlyList<string> Dropped)
{
    public static readonly string[] VisColumns = ["DATA", "CORRECTED_DATA", "MODEL_DATA", "FLOAT_DATA", "LAG_DATA"];

    public static DataColumns Resolve(string datacolumn, IReadOnlyCollection<string> inputColumns)
    {
        var want = datacolumn.Trim().ToLowerInvariant().Replace(" ", "") switch
        {
            "all" => VisColumns.Where(inputColumns.Contains).Select(c => (c, c)).ToArray(),
            "data" => [Need("DATA", "DATA")],
            "corrected" => [Need("CORRECTED_DATA", "DATA")],
            "model" => [Need("MODEL_DATA", "DATA")],
            "float_data" => [Need("FLOAT_DATA", "FLOAT_DATA")],
            "lag_data" => [Need("LAG_DATA", "LAG_DATA")],
            "data,model,corrected" => [Need("DATA", "DATA"), Need("MODEL_DATA", "MODEL_DATA"), Need("CORRECTED_DATA", "CORRECTED_DATA")],
            "float_data,data" => [Need("FLOAT_DATA", "FLOAT_DATA"), Need("DATA", "DATA")],
            "lag_data,data" => [Need("LAG_DATA", "LAG_DATA"), Need("DATA", "DATA")],
            _ => throw new UserError($"unknown datacolumn '{datacolumn}': use all, data, corrected, model, data,model,corrected, float_data, lag_data, float_data,data or lag_data,data"),
        };
        if (want.Length == 0) throw new UserError("the input MS has no visibility column (DATA, CORRECTED_DATA, MODEL_DATA or FLOAT_DATA)");

        (string, string) Need(string input, string output) => inputColumns.Contains(input)
            ? (input, output)
            : throw new UserError($"Desired column ({input}) not found in the input MS");

        var map = new Dictionary<string, string>();
        foreach (var col in inputColumns.Where(c => !VisColumns.Contains(c))) map[col] = col;
        foreach (var (input, output) in want) map[output] = input;
        // Visibility columns of the input that no output column comes from; the output (a copy of the input's layout) drops them.
        var dropped = VisColumns.Where(c => inputColumns.Contains(c) && !map.ContainsKey(c)).ToList();
        return new DataColumns(map, dropped);
    }

    /// <summary>(input, output) column pairs to copy.</summary>
    public IEnumerable<(string From, string To)> CopyPairs => OutputFromInput.Select(kv => (kv.Value, kv.Key));
}
