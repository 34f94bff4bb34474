using System.Numerics;
using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Calibration;

/// <summary>
/// Applies the Jones terms of an MS to blocks of rows (VisJones::applyCal2 for diagonal Jones, every table in turn):
/// the visibility of correlation (p, q) on baseline (i, j) becomes V / (J_ip conj(J_jq)) for each table; a table's
/// unusable Jones (flagged or missing solution, zero gain) contributes a zero inverse, as in CASA, and flags the cell —
/// except with applymode calonly, which writes no flags and so passes such cells through that table uncalibrated
/// (CASA zeroes them unflagged; see the README's deviations). With calwt the weights are first reset from the sigmas
/// (VisBuffer2::resetWeightsUsingSigma) and then scaled by |J_ip|² |J_jq|² (B: the mean |B|² of the antenna's unflagged
/// solution channels); WEIGHT is then the channel median of WEIGHT_SPECTRUM when the MS has one. Data of an spw a table
/// cannot calibrate is left alone, or flagged in the strict modes. Already flagged data is calibrated too (as CASA does).
/// </summary>
public sealed class Calibrator
{
    private readonly IReadOnlyList<JonesTerm> _terms;
    private readonly ApplyMode _mode;
    private readonly MsCalLayout _ms;
    private readonly Dictionary<(double Time, int Field, int Obs, int Spw), Combined> _cache = [];

    /// <summary>The terms in CASA's application order (B, K, G, T).</summary>
    public Calibrator(IEnumerable<JonesTerm> terms, ApplyMode mode, MsCalLayout ms)
    {
        _terms = terms.OrderBy(t => t.Type).ToList();
        _mode = mode;
        _ms = ms;
        CalibratesWeights = mode.WritesData() && _terms.Any(t => t.CalWt);
    }

    public IReadOnlyList<JonesTerm> Terms => _terms;

    /// <summary>(term, spw, field, antenna) where a table has no solutions for an antenna it applies to (its data are flagged).</summary>
    public SortedSet<(int Term, int Spw, int Field, int Antenna)> Unsolved { get; } = [];

    /// <summary>Whether some table that applies to data of this spw cannot calibrate it (its rows are then left alone or flagged).</summary>
    public bool MayLeaveUncalibrated(int spw) => _terms.Any(t => !t.Calibrates(spw));

    /// <summary>Whether some table scales weights, so they are reset from the sigmas and written.</summary>
    public bool CalibratesWeights { get; }

    /// <summary>
    /// Calibrates the block's selected rows and adds what it did to <paramref name="counts"/>. The rows' Jones are
    /// looked up first on this thread (the cache and <see cref="Unsolved"/> are this calibrator's own), then the rows
    /// are calibrated in row blocks on the job's compute threads, each block counting for itself: a row's cells
    /// depend on that row alone, so the output is the same however the rows are cut.
    /// </summary>
    public void Apply(CalBlock b, bool[] chanMask, bool[] corrMask, CalCounts counts)
    {
        // Each selected row's index into the distinct Jones of the block (rows of one time are neighbours), −1 if not selected.
        var jones = new List<Combined>();
        var which = ChunkPool.Rent<int>(b.NRow);
        for (int r = 0; r < b.NRow; r++)
        {
            if (!b.Selected[r])
            {
                which[r] = -1;
                continue;
            }
            var j = Get(b.Time[r], b.Field[r], b.Observation[r], b.Spw, b.Freqs);
            if (jones.Count == 0 || !ReferenceEquals(jones[^1], j)) jones.Add(j);
            which[r] = jones.Count - 1;
        }
        var cells = new CellMask(chanMask, corrMask);
        ComputeThreads.ForBlocks(b.NRow, b.CellSize, (r0, n) =>
        {
            var own = CalCounts.For(_terms.Count);
            var factor = ChunkPool.Rent<ComplexF>(b.CellSize);
            for (int r = r0; r < r0 + n; r++)
                if (which[r] >= 0) ApplyRow(b, r, jones[which[r]], cells, factor, own);
            ChunkPool.Return(factor);
            lock (counts) counts.Merge(own);
        });
        ChunkPool.Return(which);
    }

    /// <summary>The cells of a row a job calibrates: its channel and correlation masks, and whether that is all of them.</summary>
    private sealed record CellMask(bool[] Chans, bool[] Corrs)
    {
        public bool Whole { get; } = !Chans.Contains(false) && !Corrs.Contains(false);
        public int Count { get; } = Chans.Count(c => c) * Corrs.Count(c => c);
    }

    private void ApplyRow(CalBlock b, int r, Combined jones, CellMask cells, ComplexF[] factor, CalCounts counts)
    {
        var (chanMask, corrMask) = (cells.Chans, cells.Corrs);
        if (jones.Uncalibrated)
        {
            counts.UncalibratedSpws.Add(b.Spw);
            if (_mode.Strict()) FlagSelected(b, r, chanMask, corrMask);
            return;
        }
        int a1 = b.Antenna1[r], a2 = b.Antenna2[r], row0 = r * b.CellSize;
        counts.NVisTotal += cells.Count;
        if (jones.AntennaBad[a1] || jones.AntennaBad[a2]) CountAndFlag(b, r, jones, chanMask, corrMask, counts);
        else
        {
            // No table flags anything on this baseline: every table sees the row's own flags.
            long flagged = cells.Whole ? b.Flag.AsSpan(row0, b.CellSize).Count(true) : CountFlagged(b, r, chanMask, corrMask);
            for (int t = 0; t < _terms.Count; t++)
                if (jones.Bad[t] is not null) { counts.NData[t] += cells.Count; counts.FlagIn[t] += flagged; counts.FlagOut[t] += flagged; }
        }
        if (_mode.WritesData()) Correct(b, r, jones, factor, cells.Whole, chanMask, corrMask);
        if (CalibratesWeights)
            for (int k = 0; k < b.NCorr; k++)
                if (corrMask[k])
                    Reweight(b, r, k, jones.WtScale[a1 * 2 + b.CorrProducts[2 * k]] * jones.WtScale[a2 * 2 + b.CorrProducts[2 * k + 1]], chanMask);
    }

    /// <summary>
    /// CORRECTED = DATA × J1⁻¹ conj(J2⁻¹) per cell (the row's factors first, then the kernel over the row). With
    /// calonly a table whose solution is unusable on the baseline leaves the cell alone (both antennas' factors).
    /// </summary>
    private void Correct(CalBlock b, int r, Combined jones, ComplexF[] factor, bool whole, bool[] chanMask, bool[] corrMask)
    {
        int nchan = b.NChan, ncorr = b.NCorr, cell = b.CellSize, row0 = r * cell;
        int i1 = b.Antenna1[r] * 2 * nchan, i2 = b.Antenna2[r] * 2 * nchan;
        bool passThrough = _mode == ApplyMode.CalOnly && (jones.AntennaBad[b.Antenna1[r]] || jones.AntennaBad[b.Antenna2[r]]);
        var inv = jones.InverseF;
        for (int k = 0; k < ncorr; k++)
        {
            int p = i1 + b.CorrProducts[2 * k] * nchan, q = i2 + b.CorrProducts[2 * k + 1] * nchan;
            for (int c = 0; c < nchan; c++)
            {
                if (passThrough)
                {
                    factor[c * ncorr + k] = UsableProduct(jones, p + c, q + c);
                    continue;
                }
                ComplexF g1 = inv[p + c], g2 = inv[q + c];
                factor[c * ncorr + k] = new ComplexF(g1.Re * g2.Re + g1.Im * g2.Im, g1.Im * g2.Re - g1.Re * g2.Im);
            }
        }
        if (whole)
        {
            ComplexMultiply.Apply(b.Data.AsSpan(row0, cell), factor.AsSpan(0, cell), b.Corrected.AsSpan(row0, cell));
            return;
        }
        for (int c = 0; c < nchan; c++)
            for (int k = 0; k < ncorr; k++)
                if (chanMask[c] && corrMask[k])
                    ComplexMultiply.Scalar(b.Data.AsSpan(row0 + c * ncorr + k, 1), factor.AsSpan(c * ncorr + k, 1), b.Corrected.AsSpan(row0 + c * ncorr + k, 1));
    }

    /// <summary>The product over the tables usable on this cell's baseline of J1⁻¹ conj(J2⁻¹) (calonly).</summary>
    private static ComplexF UsableProduct(Combined jones, int i1, int i2)
    {
        var f = Complex.One;
        for (int t = 0; t < jones.Bad.Length; t++)
            if (jones.Bad[t] is { } bad && !bad[i1] && !bad[i2])
                f *= jones.TermInverse[t]![i1] * Complex.Conjugate(jones.TermInverse[t]![i2]);
        return new ComplexF((float)f.Real, (float)f.Imaginary);
    }

    /// <summary>A row with an unusable solution on its baseline: per cell, each table's flags in and out, and the new flags.</summary>
    private void CountAndFlag(CalBlock b, int r, Combined jones, bool[] chanMask, bool[] corrMask, CalCounts counts)
    {
        int nchan = b.NChan, ncorr = b.NCorr, a1 = b.Antenna1[r], a2 = b.Antenna2[r];
        for (int k = 0; k < ncorr; k++)
        {
            if (!corrMask[k]) continue;
            int p = b.CorrProducts[2 * k], q = b.CorrProducts[2 * k + 1];
            for (int c = 0; c < nchan; c++)
            {
                if (!chanMask[c]) continue;
                int cell = (r * nchan + c) * ncorr + k, i1 = Index(a1, p, c, nchan), i2 = Index(a2, q, c, nchan);
                bool flagged = b.Flag[cell], unusable = false;
                for (int t = 0; t < _terms.Count; t++)
                {
                    if (jones.Bad[t] is not { } bad) continue;
                    counts.NData[t]++;
                    if (flagged) counts.FlagIn[t]++;
                    unusable |= bad[i1] || bad[i2];
                    flagged |= unusable;
                    if (flagged) counts.FlagOut[t]++;
                }
                // A row with a cell the solutions flag is written even when the cell was flagged already: a resumed
                // run must also rewrite FLAG_ROW where an interrupted one left FLAG on disk and FLAG_ROW not.
                if (_mode.WritesFlags() && unusable)
                {
                    b.Flag[cell] = true;
                    b.FlagChanged[r] = true;
                }
            }
        }
    }

    private static long CountFlagged(CalBlock b, int r, bool[] chanMask, bool[] corrMask)
    {
        long n = 0;
        for (int c = 0; c < b.NChan; c++)
            for (int k = 0; k < b.NCorr; k++)
                if (chanMask[c] && corrMask[k] && b.Flag[(r * b.NChan + c) * b.NCorr + k]) n++;
        return n;
    }

    private static int Index(int ant, int receptor, int chan, int nchan) => (ant * 2 + receptor) * nchan + chan;

    /// <summary>Flags a row's selected cells (strict modes), written whole for the same reason as in <see cref="CountAndFlag"/>.</summary>
    private static void FlagSelected(CalBlock b, int r, bool[] chanMask, bool[] corrMask)
    {
        for (int c = 0; c < b.NChan; c++)
            for (int k = 0; k < b.NCorr; k++)
                if (chanMask[c] && corrMask[k]) b.Flag[(r * b.NChan + c) * b.NCorr + k] = true;
        b.FlagChanged[r] = true;
    }

    /// <summary>
    /// Weights from sigmas (0 where sigma is not positive) times the scale; WEIGHT the median over the channels
    /// (sorted[n/2], casacore's median without the even mean), short-cut when the channels' weights are all equal.
    /// </summary>
    private static void Reweight(CalBlock b, int r, int k, double scale, bool[] chanMask)
    {
        static float FromSigma(float s, double scale) => s > 0 ? (float)(scale / ((double)s * s)) : 0f;
        int ncorr = b.NCorr;
        if (b.WeightSpectrum.Length == 0)
        {
            b.Weight[r * ncorr + k] = FromSigma(b.Sigma[r * ncorr + k], scale);
            return;
        }
        Span<float> chans = stackalloc float[b.NChan];
        int n = 0;
        bool equal = true;
        for (int c = 0; c < b.NChan; c++)
        {
            if (!chanMask[c]) continue;
            int cell = (r * b.NChan + c) * ncorr + k;
            float sigma = b.SigmaSpectrum.Length > 0 ? b.SigmaSpectrum[cell] : b.Sigma[r * ncorr + k];
            chans[n] = b.WeightSpectrum[cell] = FromSigma(sigma, scale);
            equal &= chans[n] == chans[0];
            n++;
        }
        if (!equal) chans[..n].Sort();
        b.Weight[r * ncorr + k] = chans[n / 2];
    }

    /// <summary>
    /// Every antenna's combined inverse Jones at a time, field, observation and spw (its channels as the block has them: a
    /// job's channel selection is fixed per spw, so the spw is the key): the product of the inverses of the
    /// tables that apply there, each table's unusable cells, and the product of the weight scales of calwt tables.
    /// </summary>
    private Combined Get(double time, int field, int obs, int spw, double[] freqs)
    {
        var key = (time, field, obs, spw);
        if (_cache.TryGetValue(key, out var hit)) return hit;
        if (_cache.Count > 256) _cache.Clear();
        int nant = _ms.NAnt, nchan = freqs.Length, cells = nant * 2 * nchan;
        var combined = new Combined(new Complex[cells], new bool[_terms.Count][], new double[nant * 2], new ComplexF[cells], new bool[nant],
            new Complex[_terms.Count][]);
        Array.Fill(combined.Inverse, Complex.One);
        Array.Fill(combined.WtScale, 1.0);
        var jones = new AntennaJones(nant, nchan);
        for (int t = 0; t < _terms.Count; t++)
        {
            var term = _terms[t];
            if (!term.Spec.AppliesTo(field, spw, obs)) continue;
            if (!term.Calibrates(spw)) return _cache[key] = combined with { Uncalibrated = true };
            term.Evaluate(time, field, spw, freqs, jones);
            foreach (int a in term.AntennasWithout(spw, field)) Unsolved.Add((t, spw, field, a));
            var bad = combined.Bad[t] = new bool[cells];
            var inverse = combined.TermInverse[t] = new Complex[cells];
            for (int i = 0; i < cells; i++)
            {
                bad[i] = !jones.Ok[i];
                inverse[i] = jones.Ok[i] ? Complex.One / jones.J[i] : Complex.Zero;
                if (jones.Ok[i]) combined.Inverse[i] *= inverse[i];
                else if (_mode != ApplyMode.CalOnly) combined.Inverse[i] = Complex.Zero;
            }
            if (term.CalWt)
                for (int i = 0; i < combined.WtScale.Length; i++) combined.WtScale[i] *= jones.WtScale[i];
        }
        for (int i = 0; i < cells; i++)
        {
            combined.InverseF[i] = new ComplexF((float)combined.Inverse[i].Real, (float)combined.Inverse[i].Imaginary);
            foreach (var bad in combined.Bad)
                if (bad is not null && bad[i]) combined.AntennaBad[i / (2 * nchan)] = true;
        }
        return _cache[key] = combined;
    }

    /// <summary>
    /// The tables' product at one time, field and spw: inverse Jones [antenna][receptor][channel] (double, and as
    /// floats for the data), each applying table's unusable cells and inverse (null: the table does not apply here),
    /// the weight scale per antenna and receptor, and which antennas have an unusable cell in some table.
    /// </summary>
    private sealed record Combined(Complex[] Inverse, bool[]?[] Bad, double[] WtScale, ComplexF[] InverseF, bool[] AntennaBad, Complex[]?[] TermInverse)
    {
        public bool Uncalibrated { get; init; }
    }
}
