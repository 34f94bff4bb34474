using System.Runtime.InteropServices;
using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// How one input DDI is regridded: its channel frequencies in the input frame, the output grid in the output frame
/// (built once at the reference epoch), and where/when to convert.
/// </summary>
public sealed record RegridPlan(double[] InFreq, FreqFrame InFrame, FreqFrame OutFrame, FrameContext Frame, double[] OutFreq,
    double WeightScale, InterpolationMethod Method)
{
    public double[] OutWidth { get; init; } = [];

    /// <summary>Input channels per output channel when the output is at least twice as wide (CASA's factor), else 1.</summary>
    public int Factor { get; init; } = 1;

    /// <summary>With Factor ≥ 2: box-average Factor input channels before interpolating (preaverage=true).</summary>
    public bool Preaverage { get; init; }

    /// <summary>
    /// With Factor ≥ 2 and no preaverage (CASA's default since 5.0, "tclean-like"): Factor points spread evenly over
    /// each output channel, interpolated and then averaged with equal weights, flags OR'ed.
    /// </summary>
    public double[] FineFreq => Enumerable.Range(0, OutFreq.Length * Factor)
        .Select(i => OutFreq[i / Factor] + (i % Factor + 0.5 - Factor / 2.0) * OutWidth[i / Factor] / Factor).ToArray();
}

/// <summary>
/// Regridding (fact sheet §5.4): each row's input channel frequencies are converted into the output frame at the row's
/// own time (Doppler tracking, one conversion per timestamp), then every correlation is interpolated onto the output
/// grid; outputs depending on flagged or extrapolated inputs are flagged. The weight spectrum is interpolated the
/// same way and scaled by the width ratio (CASA's weightScale). Output channels at least twice as wide as the input's
/// are either sampled Factor times and averaged (default) or fed from box-averaged input channels (preaverage).
/// </summary>
public sealed class RegridStep(IReadOnlyDictionary<int, RegridPlan> plans) : IVisStep
{
    private readonly Dictionary<(int Ddi, double Time), double[]> _converted = [];
    private readonly Dictionary<int, double[]> _fine = plans.Where(kv => kv.Value.Factor > 1 && !kv.Value.Preaverage)
        .ToDictionary(kv => kv.Key, kv => kv.Value.FineFreq);

    /// <summary>Each planned DDI gets the output grid in the output frame (widths as resolution, as CASA writes them).</summary>
    public SpectralInfo UpdateInfo(SpectralInfo input) => input.With(plans.Select(kv => KeyValuePair.Create(kv.Key,
        SpwGrid.Made(input[kv.Key].Row, kv.Value.OutFreq, kv.Value.OutWidth, kv.Value.OutWidth.Select(Math.Abs).ToArray(), kv.Value.OutFrame))));

    public IEnumerable<VisChunk> Process(VisChunk chunk)
    {
        if (!plans.TryGetValue(chunk.Ddi, out var plan)) return [chunk];
        bool preaverage = plan.Preaverage && plan.Factor > 1;
        // preaverage: the whole chunk is box-averaged by Factor first (the channel-average step); its frequencies are
        // averaged the same way in Converted.
        var c = preaverage ? new ChanAverageStep(new Dictionary<int, int> { [chunk.Ddi] = plan.Factor }).Process(chunk).Single() : chunk;
        var o = c.WithCells(plan.OutFreq.Length);
        // The frequency conversions (cached per timestamp) first, here, then the rows in blocks on the job's compute
        // threads, each block with its own scratch.
        var inFreq = new double[c.NRow][];
        for (int r = 0; r < c.NRow; r++) inFreq[r] = Converted(plan, c.Ddi, c.Time[r]);
        var target = _fine.GetValueOrDefault(c.Ddi, plan.OutFreq);
        double weightScale = preaverage ? plan.WeightScale / plan.Factor : plan.WeightScale;
        ComputeThreads.ForBlocks(c.NRow, c.CellSize, (r0, n) =>
        {
            var rows = new RowRegridder(plan, target, weightScale, c.NCorr, c.CellSize);
            for (int r = r0; r < r0 + n; r++) rows.Regrid(c, o, r, inFreq[r]);
        });
        o.DeriveRowWeights();
        if (preaverage) c.Release();   // the preaveraged chunk is this step's own; the pipeline releases the input
        return [o];
    }

    /// <summary>A row's input channel frequencies in the output frame at its time (Factor-averaged with preaverage), cached per timestamp.</summary>
    private double[] Converted(RegridPlan plan, int ddi, double time)
    {
        bool preaverage = plan.Preaverage && plan.Factor > 1;
        if (plan.InFrame == plan.OutFrame && !preaverage) return plan.InFreq;
        if (!_converted.TryGetValue((ddi, time), out var f))
        {
            if (_converted.Count > 4096) _converted.Clear();
            f = plan.InFrame == plan.OutFrame ? plan.InFreq
                : FrequencyFrames.Convert(plan.InFreq, plan.InFrame, plan.OutFrame, plan.Frame with { EpochUtcSeconds = time });
            if (preaverage) f = Enumerable.Range(0, f.Length / plan.Factor).Select(k => f.AsSpan(k * plan.Factor, plan.Factor).ToArray().Average()).ToArray();
            _converted[(ddi, time)] = f;
        }
        return f;
    }

    /// <summary>
    /// Regrids rows one at a time onto the target grid (the output grid, or its Factor fine samples), with the scratch
    /// of one thread: one per block of rows.
    /// </summary>
    private sealed class RowRegridder
    {
        private readonly RegridPlan _plan;
        private readonly double[] _target;
        private readonly double _weightScale;
        private readonly int _ncorr;
        private readonly bool _packWeights;
        private readonly ComplexF[] _outWeight, _inWeight, _sampled;
        private readonly bool[] _scratchFlag, _sampledFlag;
        // scratch for descending grids: the input cell reversed, the samples on the ascending target
        private readonly ComplexF[] _reversedVis, _ascendingSamples;
        private readonly bool[] _reversedFlag, _ascendingSampleFlags;
        private readonly double[] _ascendingTarget;
        private readonly bool _outDescending;
        private double[]? _lastIn;   // the input grid _ascendingIn, _inDescending and _stencil were made for
        private double[] _ascendingIn = [];
        private bool _inDescending;
        private LinearStencil? _stencil;

        public RowRegridder(RegridPlan plan, double[] target, double weightScale, int ncorr, int cellIn)
        {
            (_plan, _target, _weightScale, _ncorr) = (plan, target, weightScale, ncorr);
            int cellOut = plan.OutFreq.Length * ncorr;
            _outWeight = new ComplexF[cellOut];
            _inWeight = new ComplexF[cellIn];
            _scratchFlag = new bool[cellOut];
            _sampled = new ComplexF[target.Length * ncorr];
            _sampledFlag = new bool[target.Length * ncorr];
            _outDescending = target.Length > 1 && target[^1] < target[0];
            _ascendingTarget = _outDescending ? target.Reverse().ToArray() : target;
            _reversedVis = new ComplexF[cellIn];
            _reversedFlag = new bool[cellIn];
            _ascendingSamples = new ComplexF[_outDescending ? _sampled.Length : 0];
            _ascendingSampleFlags = new bool[_outDescending ? _sampled.Length : 0];
            // Linear and nearest interpolation treat the real and imaginary parts alike and apart, whatever the flags
            // (they only decide output flags, which the weights do not use), so pairs of correlations' weights can
            // share one complex value: the same floats come out. Cubic, spline and fftshift mix the parts or need every flag.
            _packWeights = ncorr % 2 == 0 && plan.Method is InterpolationMethod.Linear or InterpolationMethod.Nearest;
        }

        /// <summary>Row r of c into row r of o, from the row's input frequencies in the output frame.</summary>
        public void Regrid(VisChunk c, VisChunk o, int r, double[] inFreq)
        {
            int cellIn = c.CellSize, cellOut = o.CellSize;
            bool plain = _target == _plan.OutFreq;
            var inFlag = c.Flag.AsSpan(r * cellIn, cellIn);
            foreach (var (col, data) in c.Vis)
            {
                Interpolate(inFreq, data.AsSpan(r * cellIn, cellIn), inFlag, _ncorr);
                Reduce(_plan.Factor, plain, _ncorr, o.Vis[col].AsSpan(r * cellOut, cellOut), o.Flag.AsSpan(r * cellOut, cellOut));
            }
            var w = c.WeightSpectrum.AsSpan(r * cellIn, cellIn);
            var outW = o.WeightSpectrum.AsSpan(r * cellOut, cellOut);
            if (_packWeights)
            {
                // the weights of two correlations as the two parts of one complex value: half the interpolation
                Interpolate(inFreq, MemoryMarshal.Cast<float, ComplexF>(w), inFlag[..(cellIn / 2)], _ncorr / 2);
                Reduce(_plan.Factor, plain, _ncorr / 2, _outWeight.AsSpan(0, cellOut / 2), _scratchFlag);
                var packed = MemoryMarshal.Cast<ComplexF, float>(_outWeight.AsSpan(0, cellOut / 2));
                for (int i = 0; i < outW.Length; i++) outW[i] = (float)(packed[i] * _weightScale);
                return;
            }
            for (int i = 0; i < w.Length; i++) _inWeight[i] = new ComplexF(w[i], 0);
            Interpolate(inFreq, _inWeight, inFlag, _ncorr);
            Reduce(_plan.Factor, plain, _ncorr, _outWeight, _scratchFlag);
            for (int i = 0; i < _outWeight.Length; i++) outW[i] = (float)(_outWeight[i].Re * _weightScale);
        }

        /// <summary>Fine samples → output channels: the mean of each group of Factor (flag = OR); a plain grid is copied.</summary>
        private void Reduce(int factor, bool plain, int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
        {
            if (plain)
            {
                _sampled.AsSpan(0, outVis.Length).CopyTo(outVis);
                _sampledFlag.AsSpan(0, outFlag.Length).CopyTo(outFlag);
                return;
            }
            for (int ch = 0; ch < outVis.Length / ncorr; ch++)
                for (int k = 0; k < ncorr; k++)
                {
                    float re = 0, im = 0;
                    bool any = false;
                    for (int f = 0; f < factor; f++)
                    {
                        int i = ((ch * factor) + f) * ncorr + k;
                        (re, im, any) = (re + _sampled[i].Re, im + _sampled[i].Im, any | _sampledFlag[i]);
                    }
                    outVis[ch * ncorr + k] = new ComplexF(re / factor, im / factor);
                    outFlag[ch * ncorr + k] = any;
                }
        }

        /// <summary>
        /// Onto the target grid into the samples. The kernels want ascending frequencies: a descending spw's cell is
        /// reversed into scratch, interpolated, and the samples reversed back.
        /// </summary>
        private void Interpolate(double[] inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag, int ncorr)
        {
            var outVis = _sampled.AsSpan(0, _target.Length * ncorr);
            var outFlag = _sampledFlag.AsSpan(0, _target.Length * ncorr);
            AscendingInput(inFreq);
            if (_inDescending)
            {
                inVis = ReverseChannels(inVis, ncorr, _reversedVis);
                inFlag = ReverseChannels(inFlag, ncorr, _reversedFlag);
            }
            if (!_outDescending)
            {
                Run(inVis, inFlag, ncorr, outVis, outFlag);
                return;
            }
            var ascVis = _ascendingSamples.AsSpan(0, outVis.Length);
            var ascFlag = _ascendingSampleFlags.AsSpan(0, outFlag.Length);
            Run(inVis, inFlag, ncorr, ascVis, ascFlag);
            ReverseChannels<ComplexF>(ascVis, ncorr, outVis);
            ReverseChannels<bool>(ascFlag, ncorr, outFlag);
        }

        /// <summary>
        /// The input grid of the last row seen, ascending, and its linear stencil: the rows of one timestamp (every
        /// baseline) and the weights share their grid, so both are made once per timestamp.
        /// </summary>
        private void AscendingInput(double[] inFreq)
        {
            if (ReferenceEquals(inFreq, _lastIn)) return;
            _lastIn = inFreq;
            _inDescending = inFreq.Length > 1 && inFreq[^1] < inFreq[0];
            _ascendingIn = _inDescending ? inFreq.Reverse().ToArray() : inFreq;
            _stencil = _plan.Method == InterpolationMethod.Linear ? new LinearStencil(_ascendingIn, _ascendingTarget) : null;
        }

        /// <summary>One row on the ascending grids (the data already reversed where their grid descends).</summary>
        private void Run(ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag, int ncorr, Span<ComplexF> outVis, Span<bool> outFlag)
        {
            if (_stencil is not null) Interpolation.Linear(_stencil, inVis, inFlag, ncorr, outVis, outFlag);
            else Interpolation.Run(_plan.Method, _ascendingIn, inVis, inFlag, ncorr, _ascendingTarget, outVis, outFlag);
        }

        /// <summary>The cell's channels in reverse order (correlations kept) into the start of scratch.</summary>
        private static Span<T> ReverseChannels<T>(ReadOnlySpan<T> cell, int ncorr, Span<T> scratch)
        {
            int nchan = cell.Length / ncorr;
            var o = scratch[..cell.Length];
            for (int ch = 0; ch < nchan; ch++) cell.Slice((nchan - 1 - ch) * ncorr, ncorr).CopyTo(o.Slice(ch * ncorr, ncorr));
            return o;
        }
    }
}
