using System.Numerics;

namespace MmsMpi.Calibration;

/// <summary>
/// One calibration table applied to one MS (CASA's CTPatchedInterp for it): the MS spw → table spw map, the solution
/// time series per antenna (all fields merged, those of the selected gainfield, or per field with gainfield='nearest'
/// or a cal library's fldmap list), and the evaluation of every antenna's Jones at a data time, field and spw: time
/// interpolation, then for B tables frequency interpolation onto the data channels, for K tables the delay's phase
/// slope across them.
/// </summary>
public sealed class JonesTerm
{
    private readonly CalTable _table;
    private readonly CalInterp _interp;
    private readonly int[] _spwMap;
    private readonly int[]? _fieldMap;
    private readonly Dictionary<(int Ant, int Spw, int Field), SolutionSeries> _series = [];
    private readonly MsCalLayout _ms;

    public ApplySpec Spec { get; }
    public CalType Type => _table.Type;
    public string Name => _table.Name;

    /// <summary>calwt as applied: delays never scale weights (KJones enforces calwt=false).</summary>
    public bool CalWt => Spec.CalWt && Type != CalType.K;

    public JonesTerm(CalTable table, ApplySpec spec, MsCalLayout ms)
    {
        _table = table;
        _ms = ms;
        Spec = spec;
        _interp = spec.ParsedInterp;
        _spwMap = SpwMapping.Resolve(spec.SpwMap, ms.SpwFreqs.Length, table);
        var fields = FieldMapping.Selected(spec.GainField, table);
        _fieldMap = spec.FieldMap is { } given ? FieldMapping.Explicit(given, table, ms.Flags.FieldNames.Length)
            : FieldMapping.IsNearest(spec.GainField) ? FieldMapping.Nearest(table, ms.Flags.FieldDirections) : null;
        foreach (var (spw, s) in table.Spws)
            foreach (var g in Enumerable.Range(0, s.Time.Length).Where(r => fields is null || fields.Contains(s.Field[r]))
                         .GroupBy(r => (s.Antenna[r], _fieldMap is null ? -1 : s.Field[r])))
                _series[(g.Key.Item1, spw, g.Key.Item2)] = new SolutionSeries(s, g.ToArray());
    }

    /// <summary>Whether the table has solutions for this MS spw (after spwmap); data of other spws it cannot calibrate.</summary>
    public bool Calibrates(int msSpw) => msSpw < _spwMap.Length && _series.Keys.Any(k => k.Spw == _spwMap[msSpw]);

    /// <summary>The antennas of the MS this table has no solutions for in an spw it calibrates (they are flagged).</summary>
    public IEnumerable<int> AntennasWithout(int msSpw, int field) =>
        Enumerable.Range(0, _ms.NAnt).Where(a => Series(a, msSpw, field) is null);

    /// <summary>
    /// Every antenna's Jones at time t for data of this field and spw, at these channel frequencies (Hz). Where every
    /// antenna has a single solution (a bandpass), the result does not depend on time and is computed once.
    /// </summary>
    public void Evaluate(double t, int field, int msSpw, double[] freqs, AntennaJones dest)
    {
        var key = (msSpw, _fieldMap is null ? -1 : _fieldMap[field], freqs);
        if (_constant.TryGetValue(key, out var known)) { known.CopyTo(dest); return; }
        Compute(t, field, msSpw, freqs, dest);
        var series = (key.msSpw, key.Item2);
        if (!_timeIndependent.TryGetValue(series, out bool single))
            _timeIndependent[series] = single = Enumerable.Range(0, dest.NAnt).All(a => Series(a, msSpw, field) is not { Length: > 1 });
        if (single) _constant[key] = dest.Copy();
    }

    private readonly Dictionary<(int Spw, int Field, double[] Freqs), AntennaJones> _constant = [];
    private readonly Dictionary<(int Spw, int Field), bool> _timeIndependent = [];

    /// <summary>One antenna's interpolated solutions, reused from evaluation to evaluation.</summary>
    private Complex[] _value = [];
    private bool[] _flag = [];

    private void Compute(double t, int field, int msSpw, double[] freqs, AntennaJones dest)
    {
        int ctSpw = _spwMap[msSpw];
        for (int ant = 0; ant < dest.NAnt; ant++)
        {
            var series = Series(ant, msSpw, field);
            if (series is null) { dest.SetMissing(ant); continue; }
            int cell = series.NChan * series.NPol;
            if (_value.Length != cell) (_value, _flag) = (new Complex[cell], new bool[cell]);
            var (v, f) = (_value, _flag);
            series.Interpolate(t, _interp.TimeNearest, Type != CalType.K, v, f);
            for (int r = 0; r < 2; r++)
            {
                int p = series.NPol == 1 ? 0 : r;
                switch (Type)
                {
                    case CalType.K:
                        Delay(dest, ant, r, v[p].Real, f[p], freqs, ReferenceFrequency(ctSpw));
                        break;
                    case CalType.B:
                        Bandpass(dest, ant, r, v, f, p, series.NPol, _table.SpwFreqs[ctSpw], freqs);
                        break;
                    default:
                        Constant(dest, ant, r, v[p], f[p]);
                        break;
                }
            }
        }
    }

    private SolutionSeries? Series(int ant, int msSpw, int field) =>
        _series.GetValueOrDefault((ant, _spwMap[msSpw], _fieldMap is null ? -1 : _fieldMap[field]));

    /// <summary>
    /// KJones' frequency pivot: the centre channel of the table's spw (CASA 5.3 and later record CASA_Version); a table
    /// without the keyword is from an older CASA, which used REF_FREQUENCY (usually the band edge).
    /// </summary>
    private double ReferenceFrequency(int ctSpw)
    {
        var f = _table.SpwFreqs[ctSpw];
        return _table.HasCasaVersion ? f[f.Length / 2] : _table.SpwRefFreq[ctSpw];
    }

    private static void Constant(AntennaJones dest, int ant, int r, Complex g, bool flagged)
    {
        bool ok = !flagged && g.Magnitude > 0;
        for (int c = 0; c < dest.NChan; c++)
        {
            int i = dest.Index(ant, r, c);
            dest.J[i] = g;
            dest.Ok[i] = ok;
        }
        dest.WtScale[ant * 2 + r] = ok ? g.Magnitude * g.Magnitude : 1;
    }

    /// <summary>A delay τ (ns) is the phase 2π τ (ν − ν_ref) at each channel, ν in GHz (KJones::calcAllJones).</summary>
    private static void Delay(AntennaJones dest, int ant, int r, double delayNs, bool flagged, double[] freqs, double reference)
    {
        for (int c = 0; c < dest.NChan; c++)
        {
            int i = dest.Index(ant, r, c);
            dest.J[i] = Complex.FromPolarCoordinates(1, 2 * Math.PI * delayNs * (freqs[c] - reference) / 1e9);
            dest.Ok[i] = !flagged;
        }
        dest.WtScale[ant * 2 + r] = 1;
    }

    /// <summary>
    /// A bandpass at the data channels (CTPatchedInterp::resampleInFreq): from the unflagged solution channels only,
    /// amplitude and (unwrapped) phase separately, the edge values beyond them; flagged solution channels are
    /// interpolated over, or flag the data there with a 'flag' frequency interp. Its weight scale is the mean squared
    /// amplitude over the unflagged solution channels (BJones::calcWtScale).
    /// </summary>
    private void Bandpass(AntennaJones dest, int ant, int r, Complex[] v, bool[] f, int p, int npol, double[] solFreqs, double[] freqs)
    {
        int nsol = solFreqs.Length;
        var good = Enumerable.Range(0, nsol).Where(c => !f[c * npol + p]).OrderBy(c => solFreqs[c]).ToArray();
        if (good.Length == 0)
        {
            for (int c = 0; c < dest.NChan; c++) { dest.J[dest.Index(ant, r, c)] = 0; dest.Ok[dest.Index(ant, r, c)] = false; }
            dest.WtScale[ant * 2 + r] = 1;
            return;
        }
        var x = good.Select(c => solFreqs[c]).ToArray();
        var amp = good.Select(c => v[c * npol + p].Magnitude).ToArray();
        var phase = good.Select(c => v[c * npol + p].Phase).ToArray();
        for (int i = 1; i < phase.Length; i++)
            phase[i] -= 2 * Math.PI * Math.Round((phase[i] - phase[i - 1]) / (2 * Math.PI));
        bool nearest = _interp.FreqNearest || nsol == 1;
        for (int c = 0; c < dest.NChan; c++)
        {
            var (a, ph) = Resample(x, amp, phase, freqs[c], nearest);
            int i = dest.Index(ant, r, c);
            dest.J[i] = Complex.FromPolarCoordinates(a, ph);
            dest.Ok[i] = a > 0 && !(_interp.FreqFlag && RegisteredFlag(solFreqs, f, npol, p, freqs[c], nearest));
        }
        dest.WtScale[ant * 2 + r] = amp.Average(a => a * a);
    }

    private static (double Amp, double Phase) Resample(double[] x, double[] amp, double[] phase, double at, bool nearest)
    {
        if (at <= x[0]) return (amp[0], phase[0]);
        if (at >= x[^1]) return (amp[^1], phase[^1]);
        int hi = Array.BinarySearch(x, at);
        if (hi >= 0) return (amp[hi], phase[hi]);
        hi = ~hi;
        int lo = hi - 1;
        if (nearest)
        {
            int k = x[hi] - at < at - x[lo] ? hi : lo;
            return (amp[k], phase[k]);
        }
        double w = (at - x[lo]) / (x[hi] - x[lo]);
        return (amp[lo] + w * (amp[hi] - amp[lo]), phase[lo] + w * (phase[hi] - phase[lo]));
    }

    /// <summary>CTPatchedInterp::resampleFlagsInFreq with a 'flag' interp: the flag of the solution channel(s) a data channel registers on.</summary>
    private static bool RegisteredFlag(double[] solFreqs, bool[] f, int npol, int p, double at, bool nearest)
    {
        int n = solFreqs.Length;
        bool Flag(int c) => f[c * npol + p];
        int pos = Array.BinarySearch(solFreqs, at);
        if (pos < 0) pos = ~pos;
        if (pos < n && solFreqs[pos] == at) return Flag(pos);
        int reg = Math.Min(Math.Max(pos - 1, 0), n - 1);
        if (nearest)
        {
            if (reg < n - 1 && Math.Abs(at - solFreqs[reg]) > Math.Abs(solFreqs[reg + 1] - at)) reg++;
            return Flag(reg);
        }
        if (reg == n - 1) reg--;
        return Flag(reg) || Flag(reg + 1);
    }
}
