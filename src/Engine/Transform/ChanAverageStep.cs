using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Transform;

/// <summary>
/// Channel averaging (fact sheet §5.1): flag-aware weighted mean over chanbin channels (weights: the weight
/// spectrum, so rows without WEIGHT_SPECTRUM average with their constant WEIGHT, i.e. unit weights as CASA);
/// output weight spectrum = Σ unflagged weights; WEIGHT/SIGMA from it. chanbin per input DDI (1 = untouched).
/// </summary>
public sealed class ChanAverageStep(IReadOnlyDictionary<int, int> chanbinByDdi) : IVisStep
{
    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        int bin = chanbinByDdi.GetValueOrDefault(c.Ddi, 1);
        if (bin <= 1) return [c];
        int nout = ChannelAverage.OutputChannels(c.NChan, bin);
        int n = c.NRow * nout * c.NCorr;
        var flag = new bool[n];
        var weight = new float[n];
        var vis = new Dictionary<string, ComplexF[]>();
        foreach (var (col, data) in c.Vis)
        {
            var outVis = new ComplexF[n];
            ChannelAverage.Run(data, c.Flag, c.WeightSpectrum, c.NRow, c.NChan, c.NCorr, bin, outVis, flag, weight);
            vis[col] = outVis;
        }
        var (w, s) = (new float[c.NRow * c.NCorr], new float[c.NRow * c.NCorr]);
        RowWeights.FromSpectrum(weight, flag, c.NRow, nout, c.NCorr, w, s);
        return [c.WithCells(nout, vis, flag, weight, w, s)];
    }
}
