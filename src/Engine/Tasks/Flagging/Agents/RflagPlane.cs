using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// One baseline's time × channel plane of a chunk for rflag, per product of the correlation expression (a native
/// correlation or a Stokes combination, as complex values): the two statistics it adds to its chunk's histograms,
/// and the cells it flags for given thresholds. Flags of a product are the OR of its correlations' original flags
/// (FLAG as read). Each window's RMS and each spectrum's medians are computed once, for the statistics and the flags
/// alike. docs/rflag-rules.md §2.4–2.6.
/// </summary>
internal sealed class RflagPlane
{
    private readonly int _nt, _nc, _np, _half;
    private readonly float[] _re, _im;     // [p, t, c]
    private readonly bool[] _flag;
    private double[]? _rms;                // [p, t, c]; NaN: not a central timestep, or nothing unflagged in the window
    private double[]? _median;             // [p, t, 2]: Re, Im
    private double[]? _spread;             // [p, t, 2]

    public RflagPlane(FlagBlock block, int[] rows, int[] channels, IReadOnlyList<VisTerm> terms, ComplexF[] vis, int winsize)
    {
        (_nt, _nc, _np) = (rows.Length, channels.Length, terms.Count);
        // w = min(winsize, T), half-width (w − 1) / 2: an even winsize acts as winsize − 1, as in CASA
        _half = ((_nt > winsize ? winsize : _nt) - 1) / 2;
        _re = new float[_np * _nt * _nc];
        _im = new float[_re.Length];
        _flag = new bool[_re.Length];
        var original = block.OriginalFlag;
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
                for (int c = 0; c < _nc; c++)
                {
                    int at = At(p, t, c), cell = block.Index(rows[t], channels[c], 0);
                    (_re[at], _im[at]) = terms[p].Combine(vis.AsSpan(cell, block.NCorr));
                    foreach (int k in terms[p].Corrs) _flag[at] |= original[cell + k];
                }
    }

    private int At(int p, int t, int c) => (p * _nt + t) * _nc + c;

    /// <summary>
    /// Computes the windows' RMS and the spectra's medians now (and their spreads, which only flagging uses), so
    /// that the planes of a block can do it side by side before their statistics are added up in order.
    /// </summary>
    public void ComputeStatistics(bool spreads)
    {
        Rms();
        if (spreads) Spreads();
        else Medians();
    }

    /// <summary>Time direction: each central window's RMS of Re and Im (population variances), per channel and product.</summary>
    public void AccumulateTime(RflagHistogram h)
    {
        var rms = Rms();
        for (int i = 0; i < rms.Length; i++)
            if (!double.IsNaN(rms[i])) h.Add(i % _nc, rms[i]);
    }

    /// <summary>The cells of every window whose RMS is above noise (all w timesteps of it).</summary>
    public IEnumerable<(int P, int T, int C)> TimeOutliers(double noise)
    {
        var rms = Rms();
        for (int p = 0; p < _np; p++)
            for (int t = _half; t < _nt - _half; t++)
                for (int c = 0; c < _nc; c++)
                    if (rms[At(p, t, c)] > noise)
                        for (int s = t - _half; s <= t + _half; s++) yield return (p, s, c);
    }

    private double[] Rms()
    {
        if (_rms is not null) return _rms;
        _rms = new double[_re.Length];
        Array.Fill(_rms, double.NaN);
        for (int p = 0; p < _np; p++)
            for (int t = _half; t < _nt - _half; t++)
                for (int c = 0; c < _nc; c++)
                {
                    int n = 0;
                    double sx = 0, sy = 0, sxx = 0, syy = 0;
                    for (int s = t - _half; s <= t + _half; s++)
                    {
                        int at = At(p, s, c);
                        if (_flag[at]) continue;
                        float x = _re[at], y = _im[at];
                        n++;
                        (sx, sy) = (sx + x, sy + y);
                        // squares in single precision added in double, as FlagAgentRFlag does
                        (sxx, syy) = (sxx + x * x, syy + y * y);
                    }
                    if (n == 0) continue;
                    double mx = sx / n, my = sy / n;
                    _rms[At(p, t, c)] = Math.Sqrt(Math.Max(0, sxx / n - mx * mx) + Math.Max(0, syy / n - my * my));
                }
        return _rms;
    }

    /// <summary>Frequency direction: each unflagged channel's |Re − median| and |Im − median| of its spectrum.</summary>
    public void AccumulateFreq(RflagHistogram h)
    {
        var median = Medians();
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
            {
                double mx = median[2 * (p * _nt + t)], my = median[2 * (p * _nt + t) + 1];
                for (int c = 0; c < _nc; c++)
                {
                    int at = At(p, t, c);
                    if (_flag[at]) continue;
                    h.Add(c, Math.Abs(_re[at] - mx));
                    h.Add(c, Math.Abs(_im[at] - my));
                }
            }
    }

    /// <summary>
    /// The channels to flag per spectrum: all of them when its spread (1.4826 × the median absolute deviation of Re
    /// or Im) is above spectralmax or below spectralmin, else those deviating more than cutoff in Re or Im.
    /// </summary>
    public IEnumerable<(int P, int T, int C)> FreqOutliers(double cutoff, double spectralMax, double spectralMin)
    {
        var median = Medians();
        var spread = Spreads();
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
            {
                int s = 2 * (p * _nt + t);
                bool whole = spread[s] > spectralMax || spread[s + 1] > spectralMax || spread[s] < spectralMin || spread[s + 1] < spectralMin;
                for (int c = 0; c < _nc; c++)
                {
                    int at = At(p, t, c);
                    if (whole || Math.Abs(_re[at] - median[s]) > cutoff || Math.Abs(_im[at] - median[s + 1]) > cutoff) yield return (p, t, c);
                }
            }
    }

    /// <summary>Medians of Re and Im over each spectrum's unflagged channels (0 when none is).</summary>
    private double[] Medians()
    {
        if (_median is not null) return _median;
        _median = new double[2 * _np * _nt];
        var scratch = new double[_nc];
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
                for (int part = 0; part < 2; part++)
                {
                    double m = MedianOfUnflagged(p, t, part, 0, absolute: false, scratch);
                    _median[2 * (p * _nt + t) + part] = double.IsNaN(m) ? 0 : m;
                }
        return _median;
    }

    /// <summary>1.4826 × the median absolute deviation of Re and Im per spectrum (1000 when nothing is unflagged, as CASA).</summary>
    private double[] Spreads()
    {
        if (_spread is not null) return _spread;
        var median = Medians();
        _spread = new double[median.Length];
        var scratch = new double[_nc];
        for (int i = 0; i < median.Length; i++)
        {
            int p = i / 2 / _nt, t = i / 2 % _nt;
            double mad = MedianOfUnflagged(p, t, i % 2, median[i], absolute: true, scratch);
            _spread[i] = double.IsNaN(mad) ? 1000 : 1.4826 * mad;
        }
        return _spread;
    }

    /// <summary>The median of Re (part 0) or Im (part 1), minus offset and made absolute if asked, over the unflagged
    /// channels of (p, t): the mean of the two middle values for an even count; NaN when none is unflagged.</summary>
    private double MedianOfUnflagged(int p, int t, int part, double offset, bool absolute, double[] scratch)
    {
        var values = part == 0 ? _re : _im;
        int n = 0;
        for (int c = 0; c < _nc; c++)
        {
            int at = At(p, t, c);
            if (_flag[at]) continue;
            double v = values[at] - offset;
            scratch[n++] = absolute ? Math.Abs(v) : v;
        }
        return n == 0 ? double.NaN : OrderStatistics.MedianInPlace(scratch.AsSpan(0, n));
    }
}
