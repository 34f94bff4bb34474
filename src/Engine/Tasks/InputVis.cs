using MmsMpi.Casacore;

namespace MmsMpi.Tasks;

/// <summary>Checks on the vis and outputvis parameters shared by every task, with CASA's messages.</summary>
public static class InputVis
{
    /// <summary>Opens vis read-only, refusing a missing path or a table that is not a MeasurementSet.</summary>
    public static CasaTable OpenMs(string vis)
    {
        RequireExists(vis);
        CasaTable ms;
        try { ms = CasaTable.Open(vis); }
        catch (CasacoreException e) { throw new UserError($"'{vis}' is not a MeasurementSet: {e.Message}"); }
        string[] required = ["TIME", "ANTENNA1", "ANTENNA2", "DATA_DESC_ID", "SCAN_NUMBER", "FIELD_ID"];
        var missing = required.Where(c => !ms.HasColumn(c)).ToList();
        var subtables = ms.SubtableNames;
        if (missing.Count > 0 || !subtables.Contains("DATA_DESCRIPTION") || !subtables.Contains("SPECTRAL_WINDOW"))
        {
            ms.Dispose();
            throw new UserError($"'{vis}' is not a MeasurementSet (missing {string.Join(", ", missing.DefaultIfEmpty("DATA_DESCRIPTION/SPECTRAL_WINDOW subtables"))})");
        }
        return ms;
    }

    public static void RequireExists(string vis)
    {
        if (string.IsNullOrWhiteSpace(vis) || !Directory.Exists(vis))
            throw new UserError($"Visibility data set not found - please verify the name: '{vis}'");
    }

    /// <summary>Refuses an empty or existing outputvis, and an existing outputvis.flagversions (CASA's setupIO).</summary>
    public static string CheckOutput(string outputVis)
    {
        if (string.IsNullOrWhiteSpace(outputVis)) throw new UserError("Please specify outputvis.");
        var full = Path.GetFullPath(outputVis);
        if (Path.Exists(full)) throw new UserError($"Output MS {outputVis} already exists - will not overwrite it.");
        if (Path.Exists(FlagVersions.DirFor(full)))
            throw new UserError($"The flagversions {FlagVersions.DirFor(outputVis)} for the output MS already exists. Please delete it.");
        return full;
    }
}
