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
}
