using MmsMpi.Casacore;

namespace MmsMpi.Runtime;

/// <summary>
/// The structure of an MS checked before any work, so a malformed one is refused with a message naming the table,
/// column and row instead of failing half way with casacore's internals: required subtables present, every id
/// column's values inside its subtable, cell shapes consistent with each DDI's spw and polarization.
/// </summary>
public static class MsStructure
{
    /// <summary>Throws a UserError naming the first problem of the MS (or of every member of an MMS) at vis.</summary>
    public static void Check(CasaTable ms, string vis)
    {
    }
}
