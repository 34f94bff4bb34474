using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>
/// CASA's scratch columns (CORRECTED_DATA, MODEL_DATA), added in place by applycal and clearcal to an MS or to every
/// sub-MS of an MMS (a ConcatTable cannot add a column; its readers then see it in every part).
/// </summary>
public static class ScratchColumns
{
    /// <summary>
    /// Adds the missing columns to every member before any job writes, so the sub-MSs of an MMS keep one column
    /// description even when a run stops half way (a ConcatTable refuses to open parts that differ). Their cells stay
    /// undefined until a job fills them (see <see cref="Filled"/>).
    /// </summary>
    public static void Add(IEnumerable<string> members, params string[] columns)
    {
        foreach (var member in members)
        {
            using var table = CasaTable.Open(member, writable: true);
            var missing = columns.Where(c => !table.HasColumn(c)).ToList();
            if (missing.Count == 0) continue;
            using var spw = table.OpenSubtable("SPECTRAL_WINDOW");
            using var pol = table.OpenSubtable("POLARIZATION");
            int nchan = spw.GetColumn<int>("NUM_CHAN").DefaultIfEmpty(1).Max(), ncorr = pol.GetColumn<int>("NUM_CORR").DefaultIfEmpty(1).Max();
            foreach (var col in missing) table.AddDataColumn(col, ncorr, nchan);
        }
    }

    /// <summary>
    /// Whether every cell of a column added by <see cref="Add"/> has been written: jobs fill a new column whole in row
    /// order, so one that was interrupted leaves its last row undefined (and is filled whole again on resume).
    /// </summary>
    public static bool Filled(CasaTable table, string column) => table.NRow == 0 || table.IsDefined(column, table.NRow - 1);
}
