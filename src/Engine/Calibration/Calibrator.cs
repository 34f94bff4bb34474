using System.Numerics;
using MmsMpi.Casacore;

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
    }

    public IReadOnlyList<JonesTerm> Terms => _terms;

    /// <summary>"table: spw S field F antenna A" for antennas a table has no solutions for where it applies (their data are flagged).</summary>
    public SortedSet<(int Term, int Spw, int Field, int Antenna)> Unsolved { get; } = [];

    /// <summary>Whether some table that applies to data of this spw cannot calibrate it (its rows are then left alone or flagged).</summary>
    public bool MayLeaveUncalibrated(int spw) => _terms.Any(t => !t.Calibrates(spw));

    /// <summary>Whether some table scales weights, so they are reset from the sigmas and written.</summary>
    public bool CalibratesWeights => _mode.WritesData() && _terms.Any(t => t.CalWt);

    public void Apply(CalBlock b, bool[] chanMask, bool[] corrMask, CalCounts counts)
    {
        var products = b.CorrProducts;
        int nchan = b.NChan, ncorr = b.NCorr;
        for (int r = 0; r < b.NRow; r++)
        {
            if (!b.Selected[r]) continue;
            var jones = Get(b.Time[r], b.Field[r], b.Observation[r], b.Spw, b.Freqs);
            if (jones.Uncalibrated)
            {
                counts.UncalibratedSpws.Add(b.Spw);
                if (_mode.Strict()) FlagSelected(b, r, chanMask, corrMask);
                continue;
            }
            int a1 = b.Antenna1[r], a2 = b.Antenna2[r];
            for (int k = 0; k < ncorr; k++)
            {
                if (!corrMask[k]) continue;
                int p = products[2 * k], q = products[2 * k + 1];
                for (int c = 0; c < nchan; c++)
                {
                    if (!chanMask[c]) continue;
                    int cell = (r * nchan + c) * ncorr + k, i1 = Index(a1, p, c, nchan), i2 = Index(a2, q, c, nchan);
                    bool flagged = b.Flag[cell];
                    counts.NVisTotal++;
                    for (int t = 0; t < _terms.Count; t++)
                    {
                        if (jones.Bad[t] is not { } bad) continue;
                        counts.NData[t]++;
                        if (flagged) counts.FlagIn[t]++;
                        flagged |= bad[i1] || bad[i2];
                        if (flagged) counts.FlagOut[t]++;
                    }
                    if (_mode.WritesData())
                    {
                        var v = b.Data[cell];
                        var g = jones.Inverse[i1] * Complex.Conjugate(jones.Inverse[i2]);
                        b.Corrected[cell] = new ComplexF((float)(v.Re * g.Real - v.Im * g.Imaginary), (float)(v.Re * g.Imaginary + v.Im * g.Real));
                    }
                    if (_mode.WritesFlags() && flagged && !b.Flag[cell])
                    {
                        b.Flag[cell] = true;
                        b.FlagChanged[r] = true;
                    }
                }
                if (CalibratesWeights) Reweight(b, r, k, jones.WtScale[a1 * 2 + p] * jones.WtScale[a2 * 2 + q], chanMask);
            }
        }
    }

    private static int Index(int ant, int receptor, int chan, int nchan) => (ant * 2 + receptor) * nchan + chan;

    private static void FlagSelected(CalBlock b, int r, bool[] chanMask, bool[] corrMask)
    {
        for (int c = 0; c < b.NChan; c++)
            for (int k = 0; k < b.NCorr; k++)
            {
                int cell = (r * b.NChan + c) * b.NCorr + k;
                if (!chanMask[c] || !corrMask[k] || b.Flag[cell]) continue;
                b.Flag[cell] = true;
                b.FlagChanged[r] = true;
            }
    }

    /// <summary>Weights from sigmas (0 where sigma is not positive) times the scale; WEIGHT the median over the channels (sorted[n/2]).</summary>
    private static void Reweight(CalBlock b, int r, int k, double scale, bool[] chanMask)
    {
        static float FromSigma(float s, double scale) => s > 0 ? (float)(scale / ((double)s * s)) : 0f;
        int ncorr = b.NCorr;
        if (b.WeightSpectrum.Length == 0)
        {
            b.Weight[r * ncorr + k] = FromSigma(b.Sigma[r * ncorr + k], scale);
            return;
        }
        var chans = new List<float>(b.NChan);
        for (int c = 0; c < b.NChan; c++)
        {
            if (!chanMask[c]) continue;
            int cell = (r * b.NChan + c) * ncorr + k;
            float sigma = b.SigmaSpectrum.Length > 0 ? b.SigmaSpectrum[cell] : b.Sigma[r * ncorr + k];
            chans.Add(b.WeightSpectrum[cell] = FromSigma(sigma, scale));
        }
        chans.Sort();
        b.Weight[r * ncorr + k] = chans[chans.Count / 2];
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
        var combined = new Combined(new Complex[cells], new bool[_terms.Count][], new double[nant * 2]);
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
            for (int i = 0; i < cells; i++)
            {
                bad[i] = !jones.Ok[i];
                if (jones.Ok[i]) combined.Inverse[i] /= jones.J[i];
                else if (_mode != ApplyMode.CalOnly) combined.Inverse[i] = Complex.Zero;
            }
            if (term.CalWt)
                for (int i = 0; i < combined.WtScale.Length; i++) combined.WtScale[i] *= jones.WtScale[i];
        }
        return _cache[key] = combined;
    }

    private sealed record Combined(Complex[] Inverse, bool[]?[] Bad, double[] WtScale)
    {
        public bool Uncalibrated { get; init; }
    }
}
