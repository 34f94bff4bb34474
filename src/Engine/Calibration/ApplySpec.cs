namespace MmsMpi.Calibration;

/// <summary>
/// How one calibration table is applied, as CASA's setapply takes it (from applycal's gaintable/gainfield/interp/
/// spwmap/calwt lists or a cal-library line): the table's absolute path (every worker opens it), the interp string,
/// spwmap (empty: identity), the field selection of solutions ('' all fields merged, 'nearest', or ids/names), calwt.
/// A cal-library entry may also restrict the MS data it applies to (fields, spws, observations; null: all).
/// </summary>
public sealed record ApplySpec(string Table, string Interp = "linear", int[]? SpwMap = null, string GainField = "", bool CalWt = true)
{
    /// <summary>A cal library's fldmap list: MS field i takes the solutions of table field FieldMap[i] (the last for the rest).</summary>
    public int[]? FieldMap { get; init; }

    public int[]? MsFields { get; init; }
    public int[]? MsSpws { get; init; }
    public int[]? MsObservations { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public CalInterp ParsedInterp => CalInterp.Parse(Interp);

    /// <summary>Whether this entry applies to data of this field, spw and observation.</summary>
    public bool AppliesTo(int field, int spw, int observation) =>
        (MsFields is null || MsFields.Contains(field)) && (MsSpws is null || MsSpws.Contains(spw))
        && (MsObservations is null || MsObservations.Contains(observation));
}
