using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Hanning smoothing (fact sheet §5.3): [0.25, 0.5, 0.25] over channels, flags OR'ed, edge channels flagged, weight
/// spectrum propagated as 1/Σ(c²/w); WEIGHT/SIGMA from the propagated spectrum. SPECTRAL_WINDOW is unchanged (as CASA).
/// </summary>
public sealed class HanningStep : IVisStep
{
    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        var o = c.WithCells(c.NChan);
        foreach (var (col, data) in c.Vis)
            Hanning.Run(data, c.Flag, c.WeightSpectrum, c.NRow, c.NChan, c.NCorr, o.Vis[col], o.Flag, o.WeightSpectrum);
        o.DeriveRowWeights();
        return [o];
    }
}
