using MmsMpi.Casacore;
namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// One baseline's time × channel plane of a chunk for rflag, per product of the correlation expression (a native
/// correlation or a Stokes combination, as complex values): the two statistics it adds to its chunk's histograms,
/// and the cells it flags for given thresholds. Flags of a product are the OR of its correlations' original flags
/// (FLAG as read). docs/rflag-rules.md §2.4–2.6.
/// </summary>
internal sealed class RflagPlane
{
    private readonly int _nt, _nc, _np;
    private readonly float[] _re, _im;     // [p, t, c]
    private readonly bool[] _flag;

    public RflagPlane(FlagBlock block, int[] rows, int[] channels, IReadOnlyList<VisTerm> terms, ComplexF[] vis)
    {
        (_nt, _nc, _np) = (rows.Length, channels.Length, terms.Count);
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

    /// <summary>The window of timesteps around each central one: w = min(winsize, T), half-width (w − 1) / 2.</summary>
    private int HalfWindow(int winsize) => ((_nt > winsize ? winsize : _nt) - 1) / 2;

    /// <summary>Time direction: each central window's RMS of Re and Im (population variances), per channel and product.</summary>
    public void AccumulateTime(RflagHistogram h, int winsize) => EachWindowRms(winsize, (_, _, c, rms) => h.Add(c, rms));

    /// <summary>The cells of every window whose RMS is above noise (all w timesteps of it).</summary>
    public IEnumerable<(int P, int T, int C)> TimeOutliers(double noise, int winsize)
    {
        int d = HalfWindow(winsize);
        var cells = new List<(int, int, int)>();
        EachWindowRms(winsize, (p, t, c, rms) =>
        {
            if (rms <= noise) return;
            for (int s = t - d; s <= t + d; s++) cells.Add((p, s, c));
        });
        return cells;
    }

    private void EachWindowRms(int winsize, Action<int, int, int, double> use)
    {
        int d = HalfWindow(winsize);
        for (int p = 0; p < _np; p++)
            for (int t = d; t < _nt - d; t++)
                for (int c = 0; c < _nc; c++)
                {
                    int n = 0;
                    double sx = 0, sy = 0, sxx = 0, syy = 0;
                    for (int s = t - d; s <= t + d; s++)
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
                    use(p, t, c, Math.Sqrt(Math.Max(0, sxx / n - mx * mx) + Math.Max(0, syy / n - my * my)));
                }
    }

    /// <summary>Frequency direction: each unflagged channel's |Re − median| and |Im − median| of its spectrum.</summary>
    public void AccumulateFreq(RflagHistogram h)
    {
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
            {
                var (mx, my, _, _) = Spectrum(p, t, spreads: false);
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
        var cells = new List<(int, int, int)>();
        for (int p = 0; p < _np; p++)
            for (int t = 0; t < _nt; t++)
            {
                var (mx, my, sx, sy) = Spectrum(p, t, spreads: true);
                bool whole = sx > spectralMax || sy > spectralMax || sx < spectralMin || sy < spectralMin;
                for (int c = 0; c < _nc; c++)
                {
                    int at = At(p, t, c);
                    if (whole || Math.Abs(_re[at] - mx) > cutoff || Math.Abs(_im[at] - my) > cutoff) cells.Add((p, t, c));
                }
            }
        return cells;
    }

    /// <summary>Medians of Re and Im over the spectrum's unflagged channels and, if asked, their spreads (0, 0, 1000, 1000 when none is).</summary>
    private (double Mx, double My, double Sx, double Sy) Spectrum(int p, int t, bool spreads)
    {
        var xs = new List<double>(_nc);
        var ys = new List<double>(_nc);
        for (int c = 0; c < _nc; c++)
        {
            int at = At(p, t, c);
            if (_flag[at]) continue;
            xs.Add(_re[at]);
            ys.Add(_im[at]);
        }
        if (xs.Count == 0) return (0, 0, 1000, 1000);
        double mx = RflagHistogram.Median([.. xs]), my = RflagHistogram.Median([.. ys]);
        if (!spreads) return (mx, my, 0, 0);
        return (mx, my, 1.4826 * RflagHistogram.Median(xs.Select(x => Math.Abs(x - mx)).ToArray()),
            1.4826 * RflagHistogram.Median(ys.Select(y => Math.Abs(y - my)).ToArray()));
    }
}
