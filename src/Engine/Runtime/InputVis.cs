using MmsMpi.Casacore;

namespace MmsMpi.Runtime;

/// <summary>Checks on the vis and outputvis parameters shared by every task, with CASA's messages.</summary>
public static class InputVis
{
    /// <summary>
    /// Opens vis read-only, refusing a missing path or a table that is not a MeasurementSet. An MMS must have a known
    /// AxisType (or none) and no links that lead outside it: refused when the task writes into it (writing), warned otherwise.
    /// </summary>
    public static CasaTable OpenMs(string vis, bool writing = false)
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
        try
        {
            if (ms.IsMms())
            {
                if (MmsAssembler.ReadAxisType(vis) is { } axis && MultiMs.Axis(vis) is null)
                    throw new UserError($"'{vis}' has an unknown AxisType '{axis}' in its table.info (expected scan, spw, baseline or scan,spw)");
                Containment.CheckMms(ms, writing, Log.For<CasaTable>());
            }
            MsStructure.Check(ms, vis);
        }
        catch
        {
            ms.Dispose();
            throw;
        }
        return ms;
    }

    /// <summary>Applies a data selection, with casacore's complaint as a one-line error; requireRows: an empty selection is an error too.</summary>
    public static MsSelection Select(CasaTable ms, SelectionExprs exprs, bool requireRows = true)
    {
        MsSelection selection;
        try { selection = MsSelection.Apply(ms, exprs); }
        catch (CasacoreException e) { throw new UserError($"data selection failed: {e.Message.Split('\n')[0].Trim()}"); }
        if (requireRows && selection.Rows.NRow == 0)
        {
            selection.Dispose();
            throw new UserError("the data selection selects no rows");
        }
        return selection;
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
