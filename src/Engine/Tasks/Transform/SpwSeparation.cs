using MmsMpi.Casacore;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// The subtables of an nspw &gt; 1 output: SPECTRAL_WINDOW row 0 (the combined spw) becomes nspw rows (their channel
/// slices are written afterwards from the steps' <see cref="SpectralInfo"/>); DATA_DESCRIPTION row 0 is repeated for
/// each new spw; rows of the spw-indexed subtables that name spw 0 are repeated for each new spw (CASA's
/// separate*Subtable).
/// </summary>
public static class SpwSeparation
{
    public static void Apply(string msPath, int nspw)
    {
        Replicate(Path.Combine(msPath, "SPECTRAL_WINDOW"), "rowid() == 0", nspw, (_, _, _, _) => { });
        Replicate(Path.Combine(msPath, "DATA_DESCRIPTION"), "rowid() == 0", nspw, SetSpw);
        foreach (var name in SpwSubtables.SpwIndexed.Concat(SpwSubtables.SharedByLink).Where(n => n != "POINTING"))
        {
            var path = Path.Combine(msPath, name);
            if (!Directory.Exists(path)) continue;
            using (var t = CasaTable.Open(path)) if (!t.HasColumn("SPECTRAL_WINDOW_ID")) continue;
            Replicate(path, "SPECTRAL_WINDOW_ID == 0", nspw, SetSpw);
        }
    }

    private static void SetSpw(CasaTable t, long at, long n, int k) =>
        t.PutColumn<int>("SPECTRAL_WINDOW_ID", at, n, Enumerable.Repeat(k, (int)n).ToArray());

    /// <summary>Appends, for k = 1..copies−1, a copy of the rows matching the condition and lets fix(table, first, count, k)
    /// adjust it. The rows go through a scratch table, never from a table onto itself.</summary>
    private static void Replicate(string tablePath, string where, int copies, Action<CasaTable, long, long, int> fix)
    {
        var scratch = tablePath + ".rows";
        using (var t = CasaTable.Open(tablePath))
        using (var rows = t.Query($"select from $1 where {where}"))
            rows.DeepCopy(scratch);
        using (var source = CasaTable.Open(scratch))
        using (var t = CasaTable.Open(tablePath, writable: true))
        {
            for (int k = 1; k < copies && source.NRow > 0; k++)
            {
                long at = t.NRow;
                t.CopyRowsFrom(source, at, 0, source.NRow);
                fix(t, at, source.NRow, k);
            }
        }
        Directory.Delete(scratch, recursive: true);
    }
}
