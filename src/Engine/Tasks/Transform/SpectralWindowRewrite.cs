using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Transform;

/// <summary>Writes an output MS's SPECTRAL_WINDOW rows as the steps left them (<see cref="IVisStep.UpdateInfo"/>).</summary>
public static class SpectralWindowRewrite
{
    /// <summary>Rewrites the row of every grid a step changed (rows the output does not have are left: an empty selection).</summary>
    public static void Write(string msPath, IEnumerable<SpwGrid> grids)
    {
        using var spw = CasaTable.Open(Path.Combine(msPath, "SPECTRAL_WINDOW"), writable: true);
        foreach (var g in grids.Where(g => g.Changed && g.Row >= 0 && g.Row < spw.NRow))
        {
            spw.PutCell<double>("CHAN_FREQ", g.Row, g.Freq);
            spw.PutCell<double>("CHAN_WIDTH", g.Row, g.Width);
            spw.PutCell<double>("RESOLUTION", g.Row, g.Resolution);
            spw.PutCell<double>("EFFECTIVE_BW", g.Row, g.EffectiveBw);
            spw.PutColumn<int>("NUM_CHAN", g.Row, 1, [g.NChan]);
            spw.PutColumn<double>("TOTAL_BANDWIDTH", g.Row, 1, [g.TotalBandwidth]);
            spw.PutColumn<double>("REF_FREQUENCY", g.Row, 1, [g.RefFrequency]);
            if (g.Frame is { } frame) spw.PutColumn<int>("MEAS_FREQ_REF", g.Row, 1, [(int)frame]);
        }
    }
}
