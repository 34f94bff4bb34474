using MmsMpi.Casacore;
using MmsMpi.Tasks.Flagging;

namespace MmsMpi.Calibration;

/// <summary>
/// What applying calibration needs from an MS's subtables besides flagging's layout: every spw's channel
/// frequencies, and every polarization setup's CORR_PRODUCT (the receptors of antenna 1 and 2 of each correlation).
/// </summary>
public sealed record MsCalLayout(MsFlagLayout Flags, double[][] SpwFreqs, int[][] CorrProducts)
{
    public int NAnt => Flags.AntennaNames.Length;

    public static MsCalLayout Read(CasaTable ms)
    {
        using var spw = ms.OpenSubtable("SPECTRAL_WINDOW");
        using var pol = ms.OpenSubtable("POLARIZATION");
        return new MsCalLayout(MsFlagLayout.Read(ms),
            Enumerable.Range(0, (int)spw.NRow).Select(r => spw.GetCell<double>("CHAN_FREQ", r)).ToArray(),
            Enumerable.Range(0, (int)pol.NRow).Select(r => pol.GetCell<int>("CORR_PRODUCT", r)).ToArray());
    }
}
