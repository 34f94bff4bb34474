using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Hanning smoothing (fact sheet §5.3): [0.25, 0.5, 0.25] over channels, flags OR'ed, edge channels flagged, weight
/// spectrum propagated as 1/Σ(c²/w); WEIGHT/SIGMA from the propagated spectrum. SPECTRAL_WINDOW is unchanged (as CASA).
/// Row blocks on the job's compute threads.
/// </summary>
public sealed class HanningStep : IVisStep
{
    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        var o = c.WithCells(c.NChan);
        int cell = c.CellSize;
        ComputeThreads.ForBlocks(c.NRow, cell, (r0, n) =>
        {
            var (at, size) = (r0 * cell, n * cell);
            foreach (var (col, data) in c.Vis)
                Hanning.Run(data.AsSpan(at, size), c.Flag.AsSpan(at, size), c.WeightSpectrum.AsSpan(at, size), n, c.NChan, c.NCorr,
                    o.Vis[col].AsSpan(at, size), o.Flag.AsSpan(at, size), o.WeightSpectrum.AsSpan(at, size));
        });
        o.DeriveRowWeights();
        return [o];
    }
}
