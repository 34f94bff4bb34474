namespace MmsMpi.Calibration;

/// <summary>spwmap as CTPatchedInterp::setSpwMap reads it, with CASA's messages.</summary>
public static class SpwMapping
{
    /// <summary>
    /// MS spw → table spw: [] or [-1] identity; one value maps every spw to it; a longer list maps the first spws,
    /// the rest keep their own ids.
    /// </summary>
    public static int[] Resolve(int[]? given, int msSpws, CalTable table)
    {
        var map = Enumerable.Range(0, msSpws).ToArray();
        if (given is null || given.Length == 0 || given is [-1]) return map;
        if (given.Length > msSpws)
            throw new UserError($"spwmap for {table.Name}: Specified spwmap has more elements ({given.Length}) than the number of spectral windows in the MS ({msSpws}).");
        if (given.Any(s => s < 0)) throw new UserError($"spwmap for {table.Name}: Please specify positive indices in spwmap.");
        if (given.Any(s => s >= table.SpwFreqs.Length))
            throw new UserError($"spwmap for {table.Name}: Please specify spw indices <= maximum available ({table.SpwFreqs.Length - 1} in {table.Name})");
        if (given.Length == 1) Array.Fill(map, given[0]);
        else given.CopyTo(map, 0);
        return map;
    }
}

/// <summary>gainfield: which solutions a table applies from (SolvableVisCal::loadMemCalTable, CTPatchedInterp::setFldMap).</summary>
public static class FieldMapping
{
    public static bool IsNearest(string gainField) => gainField.Trim().Equals("nearest", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The table's field ids a gainfield selects: null for '' and 'nearest' (all solutions); otherwise ids, id ranges
    /// (a~b) or field names (* and ? wildcards) of the table's FIELD subtable, which must select solutions.
    /// </summary>
    public static HashSet<int>? Selected(string gainField, CalTable table)
    {
        if (string.IsNullOrWhiteSpace(gainField) || IsNearest(gainField)) return null;
        var ids = new HashSet<int>();
        foreach (var item in gainField.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var range = item.Split('~');
            if (range.All(r => int.TryParse(r, out _)) && range.Length <= 2)
            {
                int a = int.Parse(range[0]), b = int.Parse(range[^1]);
                for (int f = a; f <= b; f++) ids.Add(f);
                continue;
            }
            var pattern = new System.Text.RegularExpressions.Regex(
                "^" + System.Text.RegularExpressions.Regex.Escape(item).Replace("\\*", ".*").Replace("\\?", ".") + "$");
            var named = Enumerable.Range(0, table.FieldNames.Length).Where(f => pattern.IsMatch(table.FieldNames[f])).ToList();
            if (named.Count == 0) throw new UserError($"gainfield '{gainField}' for {table.Name}: no field '{item}' in its FIELD table");
            ids.UnionWith(named);
        }
        if (!table.FieldsWithSolutions.Any(ids.Contains))
            throw new UserError($"gainfield '{gainField}' selects no solutions in {table.Name} (its solutions are for field(s) {string.Join(",", table.FieldsWithSolutions)})");
        return ids;
    }

    /// <summary>
    /// gainfield='nearest': for each MS field the table field with solutions nearest on the sky (PHASE_DIR); with
    /// one such field, that one.
    /// </summary>
    public static int[] Nearest(CalTable table, double[] msFieldDirections)
    {
        var candidates = table.FieldsWithSolutions.ToArray();
        int nfield = msFieldDirections.Length / 2;
        var map = new int[nfield];
        for (int f = 0; f < nfield; f++)
        {
            if (candidates.Length == 1) { map[f] = candidates[0]; continue; }
            var seps = candidates.Select(c => Separation(msFieldDirections[2 * f], msFieldDirections[2 * f + 1],
                table.FieldDirections[2 * c], table.FieldDirections[2 * c + 1])).ToArray();
            double min = seps.Min();
            if (seps.Count(s => s == min) > 1)
                throw new UserError($"gainfield 'nearest' for {table.Name}: Found more than one field at minimum distance from MS field {f}, can't decide!");
            map[f] = candidates[Array.IndexOf(seps, min)];
        }
        return map;
    }

    /// <summary>An explicit field map (CTPatchedInterp::setFldMap(Vector)): shorter than the MS's fields, its last entry fills the rest.</summary>
    public static int[] Explicit(int[] given, CalTable table, int msFields)
    {
        if (given.Length == 0 || given.Length > msFields)
            throw new UserError($"fldmap for {table.Name} has {given.Length} entries for {msFields} MS field(s)");
        var available = table.FieldsWithSolutions.ToHashSet();
        foreach (int f in given)
            if (!available.Contains(f)) throw new UserError($"fldmap for {table.Name}: Specified fldmap contains an unavailable field: {f}");
        return Enumerable.Range(0, msFields).Select(i => given[Math.Min(i, given.Length - 1)]).ToArray();
    }

    private static double Separation(double ra1, double dec1, double ra2, double dec2)
    {
        double s = Math.Sin((dec2 - dec1) / 2), t = Math.Sin((ra2 - ra1) / 2);
        return 2 * Math.Asin(Math.Sqrt(Math.Min(1, s * s + Math.Cos(dec1) * Math.Cos(dec2) * t * t)));
    }
}
