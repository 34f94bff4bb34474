namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// flagdata's datacolumn values and the MS columns behind them (FlagAgentBase): RESIDUAL is CORRECTED_DATA − MODEL_DATA,
/// RESIDUAL_DATA is DATA − MODEL_DATA; FLOAT_DATA and WEIGHT_SPECTRUM are real columns (read as REAL).
/// </summary>
public static class FlagColumns
{
    public static readonly string[] Known = ["DATA", "CORRECTED", "MODEL", "RESIDUAL", "RESIDUAL_DATA", "FLOAT_DATA", "WEIGHT_SPECTRUM"];

    public static bool IsFloat(string datacolumn) => datacolumn is "FLOAT_DATA" or "WEIGHT_SPECTRUM";

    /// <summary>The MS columns read for a datacolumn: one column, or (minuend, subtrahend) for the residuals.</summary>
    public static string[] Sources(string datacolumn) => datacolumn switch
    {
        "DATA" => ["DATA"],
        "CORRECTED" => ["CORRECTED_DATA"],
        "MODEL" => ["MODEL_DATA"],
        "RESIDUAL" => ["CORRECTED_DATA", "MODEL_DATA"],
        "RESIDUAL_DATA" => ["DATA", "MODEL_DATA"],
        _ => [datacolumn],
    };

    /// <summary>Refuses a datacolumn whose MS columns are missing, with CASA's wording.</summary>
    public static void Require(string datacolumn, IReadOnlyCollection<string> msColumns)
    {
        foreach (var c in Sources(datacolumn).Where(c => !msColumns.Contains(c)))
            throw new UserError($"Desired column ({c}) not found in the input MS (datacolumn '{datacolumn.ToLowerInvariant()}')");
    }
}
