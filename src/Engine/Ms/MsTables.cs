using MmsMpi.Casacore;

namespace MmsMpi.Ms;

/// <summary>Small lookups in an MS's subtables that several tasks need.</summary>
public static class MsTables
{
    /// <summary>SPECTRAL_WINDOW_ID of every DATA_DESCRIPTION row (index = DDI).</summary>
    public static int[] SpwOfDdi(this CasaTable ms)
    {
        using var dd = ms.OpenSubtable("DATA_DESCRIPTION");
        return dd.GetColumn<int>("SPECTRAL_WINDOW_ID");
    }

    /// <summary>NUM_CHAN of every SPECTRAL_WINDOW row (index = spw id).</summary>
    public static int[] ChannelsOfSpw(this CasaTable ms)
    {
        using var spw = ms.OpenSubtable("SPECTRAL_WINDOW");
        return spw.GetColumn<int>("NUM_CHAN");
    }

    /// <summary>casacore's MDirection types by code (a VarRefCol column holds these).</summary>
    private static readonly string[] DirectionTypes =
    [
        "J2000", "JMEAN", "JTRUE", "APP", "B1950", "B1950_VLA", "BMEAN", "BTRUE", "GALACTIC", "HADEC", "AZEL", "AZELSW",
        "AZELGEO", "AZELSWGEO", "JNAT", "ECLIPTIC", "MECLIPTIC", "TECLIPTIC", "SUPERGAL", "ITRF", "TOPO", "ICRS",
    ];

    /// <summary>
    /// Each FIELD row's direction frame: MEASINFO Ref (J2000 when none is given, as casacore assumes), or the row's
    /// code in the VarRefCol column that CASA's fillers add (PhaseDir_Ref).
    /// </summary>
    public static string[] DirectionFrames(this CasaTable field)
    {
        var kw = field.ColumnKeywords("PHASE_DIR");
        int n = (int)field.NRow;
        if (!kw.TryGetValue("MEASINFO.VarRefCol", out var refColumn))
            return Enumerable.Repeat(kw.TryGetValue("MEASINFO.Ref", out var r) ? r : "J2000", n).ToArray();
        return field.GetColumn<int>(refColumn).Select(c => c >= 0 && c < DirectionTypes.Length ? DirectionTypes[c] : $"code {c}").ToArray();
    }
}
