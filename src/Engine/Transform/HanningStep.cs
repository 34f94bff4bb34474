using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Transform;

/// <summary>
/// Hanning smoothing (fact sheet §5.3): [0.25, 0.5, 0.25] over channels, flags OR'ed, edge channels flagged, weight
/// spectrum propagated as 1/Σ(c²/w); WEIGHT/SIGMA from the propagated spectrum. SPECTRAL_WINDOW is unchanged (as CASA).
/// </summary>
public sealed class HanningStep : IVisStep
{
    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        int n = c.NRow * c.CellSize;
        var flag = new bool[n];
        var weight = new float[n];
        var vis = new Dictionary<string, ComplexF[]>();
        foreach (var (col, data) in c.Vis)
        {
            var outVis = new ComplexF[n];
            Hanning.Run(data, c.Flag, c.WeightSpectrum, c.NRow, c.NChan, c.NCorr, outVis, flag, weight);
            vis[col] = outVis;
        }
        var (w, s) = (new float[c.NRow * c.NCorr], new float[c.NRow * c.NCorr]);
        RowWeights.FromSpectrum(weight, flag, c.NRow, c.NChan, c.NCorr, w, s);
        return [c.WithCells(c.NChan, vis, flag, weight, w, s)];
    }
}
