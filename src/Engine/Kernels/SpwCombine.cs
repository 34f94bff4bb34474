using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MmsMpi.Casacore;
using static MmsMpi.Kernels.ComplexLanes;

namespace MmsMpi.Kernels;

/// <summary>One input channel's share of a combined channel: input spw slot, channel within it, fraction.</summary>
public readonly record struct Contribution(int Slot, int Chan, double Fraction);

/// <summary>
/// The combined channel grid of several spws and, per output channel, its contributions. The kernels read the input
/// slots' rows concatenated in slot order: slot s holds channels [<see cref="SlotOffset"/>(s), + SlotChannels[s]).
/// </summary>
public sealed class CombinePlan
{
    private readonly int[] _offsets;

    /// <summary>Checks that every contribution names an existing slot and channel and has a positive fraction.</summary>
    public CombinePlan(double[] chanFreq, double[] chanWidth, Contribution[][] contributions, int[] slotChannels)
    {
        if (chanWidth.Length != chanFreq.Length || contributions.Length != chanFreq.Length)
            throw new ArgumentException("one width and one contribution list per output channel");
        foreach (var c in contributions.SelectMany(list => list))
            if ((uint)c.Slot >= (uint)slotChannels.Length || (uint)c.Chan >= (uint)slotChannels[c.Slot] || !(c.Fraction > 0))
                throw new ArgumentException($"invalid contribution {c}");
        (ChanFreq, ChanWidth, Contributions, SlotChannels) = (chanFreq, chanWidth, contributions, slotChannels);
        _offsets = new int[slotChannels.Length];
        for (int s = 1; s < slotChannels.Length; s++) _offsets[s] = _offsets[s - 1] + slotChannels[s - 1];
        InputChannels = slotChannels.Sum();
    }

    /// <summary>CHAN_FREQ of the combined spw (ascending).</summary>
    public double[] ChanFreq { get; }
    /// <summary>CHAN_WIDTH of the combined spw (positive).</summary>
    public double[] ChanWidth { get; }
    /// <summary>Per output channel, the input channels it is made of.</summary>
    public Contribution[][] Contributions { get; }
    /// <summary>Number of channels of each input slot.</summary>
    public int[] SlotChannels { get; }
    /// <summary>Channels of the concatenated input row.</summary>
    public int InputChannels { get; }

    /// <summary>First channel of slot <paramref name="slot"/> in the concatenated input row.</summary>
    public int SlotOffset(int slot) => _offsets[slot];
}

/// <summary>
/// Spw combination (mstransform combinespws, cvel2), fact sheet §5.5: CASA MSTransformRegridder::combineSpwsCore for
/// the grid (<see cref="Plan"/>) and MSTransformManager::combineCubeOfData for the data. Per output channel and
/// correlation, over its unflagged contributions (f = fraction, w = weight or 1):
/// out = Σ f·w·v / Σ f·w and weight Σ f·w / Σ f; Σ f ≥ 0.999999 → unflagged; 0 &lt; Σ f &lt; 0.999999 → value kept
/// but flagged; no unflagged contribution → 0, flagged, weight 0. Also flagged (value 0) when Σ f·w is not &gt; 0
/// (zero weights: a choice, CASA would divide by zero). CASA multiplies f by the weight only when the spws'
/// EXPOSUREs differ; here the weights always take part (pass an empty weight span for CASA's unweighted case).
/// Not implemented: CASA's rule dropping partial (f &lt; 1) contributors of an spw with an odd number of them.
/// Fractions are summed in float.
/// </summary>
public static class SpwCombine
{
    private const float Complete = 0.999999f;
    private const double EdgeTolerance = 1e-6;   // relative to the input channel width

    /// <summary>
    /// Builds the combined grid: spws (any direction) are taken in order of their lowest channel frequency;
    /// channels above the grid built so far are appended, channels overlapping it contribute to the covered output
    /// channels with fraction = overlap / input channel width (1 when fully covered), and the part of a channel
    /// sticking out above the grid becomes a new, narrower output channel. Slots are the indices in
    /// <paramref name="spws"/>. Not implemented (documented simplifications): CASA's separate narrow channel for
    /// overlaps below 1% of a channel, and the regridding of the combined spw to a user grid.
    /// </summary>
    public static CombinePlan Plan(IReadOnlyList<(double[] freq, double[] width)> spws)
    {
        var lower = new List<double>();
        var upper = new List<double>();
        var contributions = new List<List<Contribution>>();
        void Append(double lo, double hi, Contribution c)
        {
            lower.Add(lo);
            upper.Add(hi);
            contributions.Add([c]);
        }

        foreach (int slot in Enumerable.Range(0, spws.Count).OrderBy(s => spws[s].freq.Min()))
        {
            var (freq, width) = spws[slot];
            if (width.Length != freq.Length || freq.Length == 0) throw new ArgumentException($"spw slot {slot}: bad channels");
            bool descending = freq.Length > 1 && freq[^1] < freq[0];
            for (int n = 0; n < freq.Length; n++)
            {
                int chan = descending ? freq.Length - 1 - n : n;
                double w = Math.Abs(width[chan]), lo = freq[chan] - w / 2, hi = freq[chan] + w / 2, tol = EdgeTolerance * w;
                double top = upper.Count == 0 ? double.NegativeInfinity : upper[^1];
                if (lo >= top - tol)
                {
                    Append(lo, hi, new Contribution(slot, chan, 1));
                    continue;
                }
                for (int k = upper.Count - 1; k >= 0 && upper[k] > lo + tol; k--)
                {
                    double overlap = Math.Min(hi, upper[k]) - Math.Max(lo, lower[k]);
                    if (overlap <= tol) continue;
                    bool covered = lo >= lower[k] - tol && hi <= upper[k] + tol;
                    contributions[k].Add(new Contribution(slot, chan, covered ? 1 : overlap / w));
                }
                if (hi > top + tol) Append(top, hi, new Contribution(slot, chan, (hi - top) / w));
            }
        }
        return new CombinePlan(lower.Zip(upper, (lo, hi) => (lo + hi) / 2).ToArray(),
                               lower.Zip(upper, (lo, hi) => hi - lo).ToArray(),
                               contributions.Select(list => list.ToArray()).ToArray(),
                               spws.Select(s => s.freq.Length).ToArray());
    }

    /// <summary>Runs <see cref="Simd"/> where AVX2 is available, else <see cref="Scalar"/>.</summary>
    public static void Run(CombinePlan plan, ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                           int ncorr, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (IsSupported) Simd(plan, vis, flag, weight, ncorr, outVis, outFlag, outWeight);
        else Scalar(plan, vis, flag, weight, ncorr, outVis, outFlag, outWeight);
    }

    /// <summary>
    /// Combines one row: <paramref name="vis"/>, <paramref name="flag"/>, <paramref name="weight"/> are the slots'
    /// rows concatenated in slot order (<see cref="CombinePlan.SlotOffset"/>), the output is one row of
    /// <c>plan.ChanFreq.Length × ncorr</c>. Reference implementation of the class summary's formulas.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Scalar(CombinePlan plan, ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              int ncorr, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        Check(plan, vis, flag, weight, ncorr, outVis, outFlag, outWeight);
        for (int k = 0; k < plan.ChanFreq.Length; k++)
        for (int corr = 0; corr < ncorr; corr++)
        {
            float re = 0, im = 0, sumFw = 0, sumF = 0;
            foreach (var c in plan.Contributions[k])
            {
                int e = (plan.SlotOffset(c.Slot) + c.Chan) * ncorr + corr;
                if (flag[e]) continue;
                float f = (float)c.Fraction, fw = f * KernelArgs.Weight(weight, e);
                re += fw * vis[e].Re;
                im += fw * vis[e].Im;
                sumFw += fw;
                sumF += f;
            }
            int o = k * ncorr + corr;
            bool ok = sumFw > 0;
            outVis[o] = ok ? new ComplexF(re / sumFw, im / sumFw) : default;
            outFlag[o] = !(ok && sumF >= Complete);
            if (!outWeight.IsEmpty) outWeight[o] = sumF > 0 ? sumFw / sumF : 0;
        }
    }

    /// <summary>
    /// AVX2 path: per output channel, the correlations four at a time (the last group of ncorr mod 4 padded), each
    /// contribution adding one vector with the flagged lanes masked off. Same operations in the same order as
    /// <see cref="Scalar"/>: bit-identical results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Simd(CombinePlan plan, ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                            int ncorr, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (!IsSupported)
        {
            Scalar(plan, vis, flag, weight, ncorr, outVis, outFlag, outWeight);
            return;
        }
        Check(plan, vis, flag, weight, ncorr, outVis, outFlag, outWeight);
        var visF = MemoryMarshal.Cast<ComplexF, float>(vis);
        var outF = MemoryMarshal.Cast<ComplexF, float>(outVis);
        var complete = Vector256.Create(Complete);
        for (int k = 0; k < plan.ChanFreq.Length; k++)
        for (int c0 = 0; c0 < ncorr; c0 += Width)
        {
            int count = Math.Min(Width, ncorr - c0);
            Vector256<float> s = default, sumFw = default, sumF = default;
            foreach (var c in plan.Contributions[k])
            {
                int e = (plan.SlotOffset(c.Slot) + c.Chan) * ncorr + c0;
                var (v, unflagged, w) = count == Width
                    ? (Load(visF, e), UnflaggedMask(FlagWord(flag, e)), LoadWeights(weight, e))
                    : LoadPartial(visF, flag, weight, e, count);
                var f = Vector256.Create((float)c.Fraction) & unflagged;
                var fw = (Vector256.Create((float)c.Fraction) * w) & unflagged;
                s += (fw * v) & unflagged;
                sumFw += fw;
                sumF += f;
            }
            var ok = Vector256.GreaterThan(sumFw, Vector256<float>.Zero);
            var weightOut = Vector256.GreaterThan(sumF, Vector256<float>.Zero) & (sumFw / sumF);
            StoreResult(ok & (s / sumFw), ~(ok & Vector256.GreaterThanOrEqual(sumF, complete)), weightOut,
                        outF, outFlag, outWeight, k * ncorr + c0, count);
        }
    }

    private static void Check(CombinePlan plan, ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              int ncorr, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        KernelArgs.Positive(("ncorr", ncorr));
        KernelArgs.Cube("input", plan.InputChannels * ncorr, vis, flag, weight);
        KernelArgs.Cube("output", plan.ChanFreq.Length * ncorr, outVis, outFlag, outWeight);
    }
}
