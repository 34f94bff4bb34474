using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Tasks.Transform;

/// <summary>Rewrites SPECTRAL_WINDOW rows of an output MS for channel averaging (fact sheet §5.1 formulas).</summary>
public static class SpectralWindowRewrite
{
    /// <summary>Writes one spw row's channel grid (a combined spw): widths as resolution and effective bandwidth.</summary>
    public static void Grid(string msPath, int row, double[] freq, double[] width, double[] resolution)
    {
        using var spw = CasaTable.Open(Path.Combine(msPath, "SPECTRAL_WINDOW"), writable: true);
        spw.PutCell<double>("CHAN_FREQ", row, freq);
        spw.PutCell<double>("CHAN_WIDTH", row, width);
        spw.PutCell<double>("RESOLUTION", row, resolution);
        spw.PutCell<double>("EFFECTIVE_BW", row, width.Select(Math.Abs).ToArray());
        spw.PutColumn<int>("NUM_CHAN", row, 1, [freq.Length]);
        spw.PutColumn<double>("TOTAL_BANDWIDTH", row, 1, [width.Sum(Math.Abs)]);
        spw.PutColumn<double>("REF_FREQUENCY", row, 1, [freq[0]]);
    }

    /// <summary>Rewrites regridded spws: the new grid, its frame, widths as resolution and effective bandwidth.</summary>
    public static void Regrid(string msPath, IReadOnlyDictionary<int, RegridPlan> planBySpw)
    {
        using var spw = CasaTable.Open(Path.Combine(msPath, "SPECTRAL_WINDOW"), writable: true);
        foreach (var (row, plan) in planBySpw.Where(kv => kv.Key < spw.NRow))
        {
            var width = plan.OutWidth;
            var abs = width.Select(Math.Abs).ToArray();
            spw.PutCell<double>("CHAN_FREQ", row, plan.OutFreq);
            spw.PutCell<double>("CHAN_WIDTH", row, width);
            spw.PutCell<double>("RESOLUTION", row, abs);
            spw.PutCell<double>("EFFECTIVE_BW", row, abs);
            spw.PutColumn<int>("NUM_CHAN", row, 1, [plan.OutFreq.Length]);
            spw.PutColumn<double>("TOTAL_BANDWIDTH", row, 1, [abs.Sum()]);
            spw.PutColumn<double>("REF_FREQUENCY", row, 1, [plan.OutFreq[0]]);
            spw.PutColumn<int>("MEAS_FREQ_REF", row, 1, [(int)plan.OutFrame]);
        }
    }

    /// <param name="chanbinBySpw">Output spw id (row) → chanbin; rows not named (or chanbin 1) are left alone.</param>
    public static void ChannelAverage(string msPath, IReadOnlyDictionary<int, int> chanbinBySpw)
    {
        using var spw = CasaTable.Open(Path.Combine(msPath, "SPECTRAL_WINDOW"), writable: true);
        foreach (var (row, bin) in chanbinBySpw.Where(kv => kv.Value > 1 && kv.Key < spw.NRow))
        {
            var avg = Kernels.ChannelAverage.Frequencies(spw.GetCell<double>("CHAN_FREQ", row), spw.GetCell<double>("CHAN_WIDTH", row),
                spw.GetCell<double>("RESOLUTION", row), bin);
            spw.PutCell<double>("CHAN_FREQ", row, avg.ChanFreq);
            spw.PutCell<double>("CHAN_WIDTH", row, avg.ChanWidth);
            spw.PutCell<double>("RESOLUTION", row, avg.Resolution);
            spw.PutCell<double>("EFFECTIVE_BW", row, avg.EffectiveBw);
            spw.PutColumn<int>("NUM_CHAN", row, 1, [avg.ChanFreq.Length]);
            spw.PutColumn<double>("TOTAL_BANDWIDTH", row, 1, [avg.TotalBandwidth]);
            spw.PutColumn<double>("REF_FREQUENCY", row, 1, [avg.RefFrequency]);
        }
    }
}
