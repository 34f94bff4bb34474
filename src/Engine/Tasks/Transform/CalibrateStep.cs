using MmsMpi.Calibration;
using MmsMpi.Ms;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// On-the-fly calibration (mstransform --docallib): the first step of the pipeline applies the cal library's tables
/// to DATA in place, with applycal's calflag semantics (the same <see cref="Calibrator"/>), so the chunk then holds
/// what applycal would have written to CORRECTED_DATA, FLAG and the weights, and every later step (averaging,
/// regridding) works on calibrated data. With calwt the reader has put the sigmas into the weight spectrum (see
/// <see cref="SigmaSource"/>): applycal resets weights from the sigmas before scaling them.
/// </summary>
public sealed class CalibrateStep(Calibrator calibrator, VisLayout layout, MsCalLayout ms, CalibrateStep.SigmaSource sigmas) : IVisStep
{
    /// <summary>
    /// Where the weights are reset from when they are calibrated: the rows' SIGMA (an MS without WEIGHT_SPECTRUM: the
    /// chunk's spectrum is WEIGHT repeated, and gets the new WEIGHT), SIGMA_SPECTRUM (which the reader put in the
    /// chunk's weight spectrum), or SIGMA into an existing WEIGHT_SPECTRUM (an MS without SIGMA_SPECTRUM).
    /// </summary>
    public enum SigmaSource { RowSigma, SigmaSpectrum, RowSigmaWithWeightSpectrum }

    private readonly Dictionary<int, (double[] Freqs, int[] Products, bool[] Chans, bool[] Corrs)> _cells = [];

    public IEnumerable<VisChunk> Process(VisChunk chunk)
    {
        var d = layout.Ddis[chunk.Ddi];
        var (freqs, products, chans, corrs) = Cells(chunk.Ddi);
        int cells = chunk.NRow * chunk.CellSize;
        var block = new CalBlock
        {
            Spw = d.Spw, Pol = d.PolId, NChan = chunk.NChan, NCorr = chunk.NCorr, Freqs = freqs, CorrProducts = products,
            Selected = ChunkPool.Rent<bool>(chunk.NRow), Time = chunk.Time, Field = chunk.Field, Antenna1 = chunk.Ant1,
            Antenna2 = chunk.Ant2, Observation = chunk.Observation, Data = chunk.Vis["DATA"], Corrected = chunk.Vis["DATA"],
            Flag = chunk.Flag, FlagRow = chunk.FlagRow, FlagChanged = ChunkPool.RentCleared<bool>(chunk.NRow), Weight = chunk.Weight, Sigma = chunk.Sigma,
            WeightSpectrum = sigmas == SigmaSource.RowSigma ? [] : chunk.WeightSpectrum,
            SigmaSpectrum = sigmas == SigmaSource.SigmaSpectrum ? ChunkPool.Rent<float>(cells) : [],
        };
        Array.Fill(block.Selected, true);
        if (sigmas == SigmaSource.SigmaSpectrum) chunk.WeightSpectrum.AsSpan().CopyTo(block.SigmaSpectrum);
        calibrator.Apply(block, chans, corrs, CalCounts.For(calibrator.Terms.Count));
        ChunkPool.Return(block.SigmaSpectrum);
        ChunkPool.Return(block.Selected);
        for (int r = 0; r < chunk.NRow; r++)
            if (block.FlagChanged[r]) chunk.FlagRow[r] = !chunk.Flag.AsSpan(r * chunk.CellSize, chunk.CellSize).Contains(false);
        ChunkPool.Return(block.FlagChanged);
        if (calibrator.CalibratesWeights && sigmas == SigmaSource.RowSigma)
            for (int i = 0; i < cells; i++) chunk.WeightSpectrum[i] = chunk.Weight[i / chunk.CellSize * chunk.NCorr + i % chunk.NCorr];
        yield return chunk;
    }

    /// <summary>
    /// The frequencies of the chunk's channels and the receptors of its correlations (the selection's slice of the DDI),
    /// and its channel and correlation masks (all cells: the reader has applied the selection already).
    /// </summary>
    private (double[] Freqs, int[] Products, bool[] Chans, bool[] Corrs) Cells(int ddi)
    {
        if (_cells.TryGetValue(ddi, out var hit)) return hit;
        var d = layout.Ddis[ddi];
        var s = layout.Slices[ddi];
        var all = ms.SpwFreqs[d.Spw];
        var freqs = Enumerable.Range(0, d.NChan).Select(i => all[s.ChanStart + i * s.ChanStep]).ToArray();
        var prod = ms.CorrProducts[d.PolId];
        var products = Enumerable.Range(0, d.NCorr).SelectMany(j => new[] { prod[2 * (s.CorrStart + j * s.CorrStep)], prod[2 * (s.CorrStart + j * s.CorrStep) + 1] }).ToArray();
        return _cells[ddi] = (freqs, products, Enumerable.Repeat(true, d.NChan).ToArray(), Enumerable.Repeat(true, d.NCorr).ToArray());
    }
}
