using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Channel averaging (fact sheet §5.1): flag-aware weighted mean over chanbin channels (weights: the weight
/// spectrum, so rows without WEIGHT_SPECTRUM average with their constant WEIGHT, i.e. unit weights as CASA);
/// output weight spectrum = Σ unflagged weights; WEIGHT/SIGMA from it. chanbin per input DDI (1 = untouched).
/// Row blocks on the job's compute threads.
/// </summary>
public sealed class ChanAverageStep(IReadOnlyDictionary<int, int> chanbinByDdi) : IVisStep
{
    public SpectralInfo UpdateInfo(SpectralInfo input) => input.With(chanbinByDdi
        .Where(kv => kv.Value > 1 && input.Ddis.ContainsKey(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, input[kv.Key].Averaged(kv.Value))));

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        int bin = chanbinByDdi.GetValueOrDefault(c.Ddi, 1);
        if (bin <= 1) return [c];
        var o = c.WithCells(ChannelAverage.OutputChannels(c.NChan, bin));
        int cellIn = c.CellSize, cellOut = o.CellSize;
        ComputeThreads.ForBlocks(c.NRow, cellIn, (r0, n) =>
        {
            foreach (var (col, data) in c.Vis)
                ChannelAverage.Run(data.AsSpan(r0 * cellIn, n * cellIn), c.Flag.AsSpan(r0 * cellIn, n * cellIn),
                    c.WeightSpectrum.AsSpan(r0 * cellIn, n * cellIn), n, c.NChan, c.NCorr, bin,
                    o.Vis[col].AsSpan(r0 * cellOut, n * cellOut), o.Flag.AsSpan(r0 * cellOut, n * cellOut), o.WeightSpectrum.AsSpan(r0 * cellOut, n * cellOut));
        });
        o.DeriveRowWeights();
        return [o];
    }
}
