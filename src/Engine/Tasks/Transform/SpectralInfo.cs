using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// The spectral axis of one DDI as the steps leave it (DP3's DPInfo): channel frequencies, widths, resolutions and
/// effective bandwidths, the totals SPECTRAL_WINDOW keeps, the frame when a step changed it, and the output
/// SPECTRAL_WINDOW row it is written to. Changed: a step made it, so its row is rewritten.
/// </summary>
public sealed record SpwGrid(int Row, double[] Freq, double[] Width, double[] Resolution, double[] EffectiveBw,
    double TotalBandwidth, double RefFrequency, FreqFrame? Frame = null, bool Changed = false)
{
    public int NChan => Freq.Length;

    /// <summary>The input's selected channels, as they enter the steps (not rewritten unless a step changes them).</summary>
    public static SpwGrid Input(int row, double[] freq, double[] width, double[] resolution) =>
        Made(row, freq, width, resolution) with { Changed = false };

    /// <summary>A new grid of channels (a combined or separated spw, a regridded one): widths as resolution and bandwidth.</summary>
    public static SpwGrid Made(int row, double[] freq, double[] width, double[] resolution, FreqFrame? frame = null) =>
        new(row, freq, width, resolution, width.Select(Math.Abs).ToArray(), width.Sum(Math.Abs), freq[0], frame, Changed: true);

    /// <summary>chanbin channels averaged into one (fact sheet §5.1 formulas).</summary>
    public SpwGrid Averaged(int chanbin)
    {
        var a = ChannelAverage.Frequencies(Freq, Width, Resolution, chanbin);
        return this with
        {
            Freq = a.ChanFreq, Width = a.ChanWidth, Resolution = a.Resolution, EffectiveBw = a.EffectiveBw,
            TotalBandwidth = a.TotalBandwidth, RefFrequency = a.RefFrequency, Changed = true,
        };
    }
}

/// <summary>The spectral axis of every DDI flowing through the steps, by DDI id (synthetic ids below 0 for nspw pieces).</summary>
public sealed record SpectralInfo(IReadOnlyDictionary<int, SpwGrid> Ddis)
{
    public SpwGrid this[int ddi] => Ddis[ddi];

    /// <summary>The same with the given DDIs' grids replaced (others kept) and the removed ones gone.</summary>
    public SpectralInfo With(IEnumerable<KeyValuePair<int, SpwGrid>> changed, IEnumerable<int>? removed = null)
    {
        var ddis = Ddis.ToDictionary();
        foreach (var ddi in removed ?? []) ddis.Remove(ddi);
        foreach (var (ddi, grid) in changed) ddis[ddi] = grid;
        return new SpectralInfo(ddis);
    }
}
