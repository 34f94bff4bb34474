using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Transform;

/// <summary>
/// How one input DDI is regridded: its channel frequencies in the input frame, the output grid in the output frame
/// (built once at the reference epoch), and where/when to convert.
/// </summary>
public sealed record RegridPlan(double[] InFreq, FreqFrame InFrame, FreqFrame OutFrame, FrameContext Frame, double[] OutFreq,
    double WeightScale, InterpolationMethod Method)
{
    public double[] OutWidth { get; init; } = [];
}

/// <summary>
/// Regridding (fact sheet §5.4): each row's input channel frequencies are converted into the output frame at the row's
/// own time (Doppler tracking, one conversion per timestamp), then every correlation is interpolated onto the output
/// grid; outputs depending on flagged or extrapolated inputs are flagged. The weight spectrum is interpolated the
/// same way and scaled by the width ratio (CASA's weightScale).
/// </summary>
public sealed class RegridStep(IReadOnlyDictionary<int, RegridPlan> plans) : IVisStep
{
    private readonly Dictionary<(int Ddi, double Time), double[]> _converted = [];

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        if (!plans.TryGetValue(c.Ddi, out var plan)) return [c];
        int nout = plan.OutFreq.Length, ncorr = c.NCorr, nin = c.NChan;
        var vis = c.Vis.ToDictionary(kv => kv.Key, _ => new ComplexF[c.NRow * nout * ncorr]);
        var flag = new bool[c.NRow * nout * ncorr];
        var weight = new float[c.NRow * nout * ncorr];
        var outWeight = new ComplexF[nout * ncorr];
        var inWeight = new ComplexF[nin * ncorr];
        var scratchFlag = new bool[nout * ncorr];
        for (int r = 0; r < c.NRow; r++)
        {
            var inFreq = Converted(plan, c.Ddi, c.Time[r]);
            var cellIn = (r * nin * ncorr, nin * ncorr);
            var cellOut = (r * nout * ncorr, nout * ncorr);
            var inFlag = c.Flag.AsSpan(cellIn.Item1, cellIn.Item2);
            foreach (var (col, data) in c.Vis)
                Interpolate(plan, inFreq, data.AsSpan(cellIn.Item1, cellIn.Item2), inFlag, ncorr,
                    vis[col].AsSpan(cellOut.Item1, cellOut.Item2), flag.AsSpan(cellOut.Item1, cellOut.Item2));
            var w = c.WeightSpectrum.AsSpan(cellIn.Item1, cellIn.Item2);
            for (int i = 0; i < w.Length; i++) inWeight[i] = new ComplexF(w[i], 0);
            Interpolate(plan, inFreq, inWeight, inFlag, ncorr, outWeight, scratchFlag);
            for (int i = 0; i < outWeight.Length; i++) weight[cellOut.Item1 + i] = (float)(outWeight[i].Re * plan.WeightScale);
        }
        var (wr, sr) = (new float[c.NRow * ncorr], new float[c.NRow * ncorr]);
        RowWeights.FromSpectrum(weight, flag, c.NRow, nout, ncorr, wr, sr);
        return [c.WithCells(nout, vis, flag, weight, wr, sr)];
    }

    private double[] Converted(RegridPlan plan, int ddi, double time)
    {
        if (plan.InFrame == plan.OutFrame) return plan.InFreq;
        if (!_converted.TryGetValue((ddi, time), out var f))
        {
            if (_converted.Count > 4096) _converted.Clear();
            _converted[(ddi, time)] = f = FrequencyFrames.Convert(plan.InFreq, plan.InFrame, plan.OutFrame, plan.Frame with { EpochUtcSeconds = time });
        }
        return f;
    }

    /// <summary>The kernel wants ascending frequencies: a descending spw is reversed, interpolated and reversed back.</summary>
    private static void Interpolate(RegridPlan plan, double[] inFreq, ReadOnlySpan<ComplexF> inVis, ReadOnlySpan<bool> inFlag, int ncorr,
        Span<ComplexF> outVis, Span<bool> outFlag)
    {
        bool inDesc = inFreq.Length > 1 && inFreq[^1] < inFreq[0];
        bool outDesc = plan.OutFreq.Length > 1 && plan.OutFreq[^1] < plan.OutFreq[0];
        if (!inDesc && !outDesc)
        {
            Interpolation.Run(plan.Method, inFreq, inVis, inFlag, ncorr, plan.OutFreq, outVis, outFlag);
            return;
        }
        var f = inDesc ? inFreq.Reverse().ToArray() : inFreq;
        var v = inDesc ? ReverseChannels(inVis, ncorr) : inVis.ToArray();
        var fl = inDesc ? ReverseChannels(inFlag, ncorr) : inFlag.ToArray();
        var of = outDesc ? plan.OutFreq.Reverse().ToArray() : plan.OutFreq;
        var ov = new ComplexF[outVis.Length];
        var ofl = new bool[outFlag.Length];
        Interpolation.Run(plan.Method, f, v, fl, ncorr, of, ov, ofl);
        (outDesc ? ReverseChannels<ComplexF>(ov, ncorr) : ov).CopyTo(outVis);
        (outDesc ? ReverseChannels<bool>(ofl, ncorr) : ofl).CopyTo(outFlag);
    }

    private static T[] ReverseChannels<T>(ReadOnlySpan<T> cell, int ncorr)
    {
        int nchan = cell.Length / ncorr;
        var o = new T[cell.Length];
        for (int ch = 0; ch < nchan; ch++) cell.Slice((nchan - 1 - ch) * ncorr, ncorr).CopyTo(o.AsSpan(ch * ncorr, ncorr));
        return o;
    }
}
