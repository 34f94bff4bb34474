using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MmsMpi.Casacore;
using static MmsMpi.Kernels.ComplexLanes;

namespace MmsMpi.Kernels;

/// <summary>
/// Channel averaging (mstransform chanaverage/chanbin, split width) on a block of rows, fact sheet §5.1.
/// Data follow CASA MSTransformManager::flagWeightNonZeroAverageKernel, weights flagCumSumNonZero. Per row,
/// output channel and correlation, over the <c>chanbin</c> input channels of the bin:
/// <list type="bullet">
/// <item>some input unflagged: out = Σ_unflagged w·v / Σ_unflagged w, unflagged, weight Σ_unflagged w;</item>
/// <item>all inputs flagged: out = Σ w·v / Σ w over all of them, flagged, weight Σ w;</item>
/// <item>that Σ w not &gt; 0 (CASA's "normalization &gt; 0" test): out 0, flagged, weight Σ w.</item>
/// </list>
/// Only whole bins are produced (<c>MTM::dropNonUniformWidthChannels</c>: the partial last bin is dropped when
/// channel averaging is the only frequency transform). Empty weights mean unit weights (CASA's flagsNonZero mode);
/// an empty output weight span means no weight output.
/// </summary>
public static class ChannelAverage
{
    /// <summary>Number of output channels: nchan / chanbin, the partial last bin dropped.</summary>
    public static int OutputChannels(int nchan, int chanbin)
    {
        KernelArgs.Positive(("chanbin", chanbin));
        return nchan / chanbin;
    }

    /// <summary>Runs <see cref="Simd"/> where AVX2 is available, else <see cref="Scalar"/>.</summary>
    public static void Run(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                           int nrow, int nchan, int ncorr, int chanbin,
                           Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (IsSupported) Simd(vis, flag, weight, nrow, nchan, ncorr, chanbin, outVis, outFlag, outWeight);
        else Scalar(vis, flag, weight, nrow, nchan, ncorr, chanbin, outVis, outFlag, outWeight);
    }

    /// <summary>Reference implementation: the formulas of the class summary as straight loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Scalar(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              int nrow, int nchan, int ncorr, int chanbin,
                              Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        int nout = Check(vis, flag, weight, nrow, nchan, ncorr, chanbin, outVis, outFlag, outWeight);
        for (int row = 0; row < nrow; row++)
        for (int oc = 0; oc < nout; oc++)
        for (int corr = 0; corr < ncorr; corr++)
        {
            float unflRe = 0, unflIm = 0, unflW = 0, allRe = 0, allIm = 0, allW = 0;
            bool anyUnflagged = false;
            for (int i = 0; i < chanbin; i++)
            {
                int e = (row * nchan + oc * chanbin + i) * ncorr + corr;
                float w = KernelArgs.Weight(weight, e);
                allRe += w * vis[e].Re;
                allIm += w * vis[e].Im;
                allW += w;
                if (flag[e]) continue;
                unflRe += w * vis[e].Re;
                unflIm += w * vis[e].Im;
                unflW += w;
                anyUnflagged = true;
            }
            float re = anyUnflagged ? unflRe : allRe, im = anyUnflagged ? unflIm : allIm, sw = anyUnflagged ? unflW : allW;
            int o = (row * nout + oc) * ncorr + corr;
            bool ok = sw > 0;
            outVis[o] = ok ? new ComplexF(re / sw, im / sw) : default;
            outFlag[o] = !(ok && anyUnflagged);
            if (!outWeight.IsEmpty) outWeight[o] = sw;
        }
    }

    /// <summary>
    /// AVX2 path. The <c>chanbin·ncorr</c> elements of a bin are contiguous; they are summed four at a time (one
    /// complex per 64-bit lane; the partial last group, zero-padded, is added first), so lane q holds correlation q mod ncorr when
    /// ncorr divides 4, and the lanes of one correlation are then folded together. ncorr = 4 keeps the scalar
    /// summation order (bit-identical results); ncorr = 1, 2 reassociate the sums. Other ncorr, or no AVX2, run
    /// <see cref="Scalar"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Simd(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                            int nrow, int nchan, int ncorr, int chanbin,
                            Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (!IsSupported || ncorr < 1 || Width % ncorr != 0)
        {
            Scalar(vis, flag, weight, nrow, nchan, ncorr, chanbin, outVis, outFlag, outWeight);
            return;
        }
        int nout = Check(vis, flag, weight, nrow, nchan, ncorr, chanbin, outVis, outFlag, outWeight);
        var visF = MemoryMarshal.Cast<ComplexF, float>(vis);
        var outF = MemoryMarshal.Cast<ComplexF, float>(outVis);
        int binLen = chanbin * ncorr;
        for (int row = 0; row < nrow; row++)
        for (int oc = 0; oc < nout; oc++)
        {
            int e0 = (row * nchan + oc * chanbin) * ncorr;
            Vector256<float> unflVis = default, unflW = default, allVis = default, allW = default, any = default;
            int whole = binLen - binLen % Width;
            if (whole < binLen)   // the partial group first (the order the summary gives)
            {
                var (v, unflagged, w) = LoadPartial(visF, flag, weight, e0 + whole, binLen - whole);
                Add(v, unflagged, w, ref unflVis, ref unflW, ref allVis, ref allW, ref any);
            }
            for (int e = 0; e < whole; e += Width)
                Add(Load(visF, e0 + e), UnflaggedMask(FlagWord(flag, e0 + e)), LoadWeights(weight, e0 + e),
                    ref unflVis, ref unflW, ref allVis, ref allW, ref any);
            if (ncorr <= 2) Fold(0b01_00_11_10, ref unflVis, ref unflW, ref allVis, ref allW, ref any);   // lanes (0,2), (1,3)
            if (ncorr == 1) Fold(0b10_11_00_01, ref unflVis, ref unflW, ref allVis, ref allW, ref any);   // lanes (0,1), (2,3)
            var s = Vector256.ConditionalSelect(any, unflVis, allVis);
            var sw = Vector256.ConditionalSelect(any, unflW, allW);
            var ok = Vector256.GreaterThan(sw, Vector256<float>.Zero);
            StoreResult(ok & (s / sw), ~(ok & any), sw, outF, outFlag, outWeight, (row * nout + oc) * ncorr, ncorr);
        }
    }

    /// <summary>Adds four elements to the bin's running sums (unflagged and all; weights duplicated over Re, Im).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Vector256<float> v, Vector256<float> unflagged, Vector256<float> w,
                            ref Vector256<float> unflVis, ref Vector256<float> unflW,
                            ref Vector256<float> allVis, ref Vector256<float> allW, ref Vector256<float> any)
    {
        var wv = w * v;
        allVis += wv;
        allW += w;
        unflVis += wv & unflagged;
        unflW += w & unflagged;
        any |= unflagged;
    }

    /// <summary>Adds (ORs, for the mask) each sum's complex lanes permuted by <paramref name="control"/> into it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold([ConstantExpected] byte control, ref Vector256<float> unflVis, ref Vector256<float> unflW,
                             ref Vector256<float> allVis, ref Vector256<float> allW, ref Vector256<float> any)
    {
        unflVis += Permute(unflVis, control);
        unflW += Permute(unflW, control);
        allVis += Permute(allVis, control);
        allW += Permute(allW, control);
        any |= Permute(any, control);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Permute(Vector256<float> v, [ConstantExpected] byte control) =>
        Avx2.Permute4x64(v.AsDouble(), control).AsSingle();

    private static int Check(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                             int nrow, int nchan, int ncorr, int chanbin,
                             Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        KernelArgs.Positive(("nchan", nchan), ("ncorr", ncorr), ("chanbin", chanbin));
        int nout = nchan / chanbin;
        KernelArgs.Cube("input", nrow * nchan * ncorr, vis, flag, weight);
        KernelArgs.Cube("output", nrow * nout * ncorr, outVis, outFlag, outWeight);
        return nout;
    }

    /// <summary>
    /// The SPECTRAL_WINDOW row of the averaged spw (MSTransformDataHandler SPW rewrite, fact sheet §5.1). For the
    /// bin of input channels [i0, i1]: CHAN_FREQ = (f[i0]+f[i1])/2, CHAN_WIDTH = |f[i1]−f[i0]| + |w[i0]+w[i1]|/2
    /// (negative when the spw's frequencies decrease, or for one input channel when its width is negative),
    /// RESOLUTION = (res[i0]+res[i1])/2 + |f[i1]−f[i0]|, TOTAL_BANDWIDTH = Σ|CHAN_WIDTH| over the kept channels,
    /// REF_FREQUENCY = min(first, last CHAN_FREQ). EFFECTIVE_BW is written with the RESOLUTION values: that is
    /// what CASA stores (it computes an effective-bandwidth sum but never writes it), kept for parity.
    /// </summary>
    /// <exception cref="ArgumentException">No whole bin fits (CASA raises the same message).</exception>
    public static AveragedSpectralWindow Frequencies(double[] freq, double[] width, double[] resolution, int chanbin)
    {
        if (width.Length != freq.Length || resolution.Length != freq.Length)
            throw new ArgumentException("CHAN_FREQ, CHAN_WIDTH and RESOLUTION must have the same length");
        int nout = OutputChannels(freq.Length, chanbin);
        if (nout == 0)
            throw new ArgumentException("Channel selection does not allow to produce any output channel with the requested width ");
        double sign = (freq.Length > 1 ? freq[^1] < freq[0] : width[0] < 0) ? -1 : 1;
        var chanFreq = new double[nout];
        var chanWidth = new double[nout];
        var res = new double[nout];
        for (int k = 0; k < nout; k++)
        {
            int i0 = k * chanbin, i1 = i0 + chanbin - 1;
            double span = Math.Abs(freq[i1] - freq[i0]);
            chanFreq[k] = (freq[i0] + freq[i1]) / 2;
            chanWidth[k] = sign * (span + 0.5 * Math.Abs(width[i0] + width[i1]));
            res[k] = 0.5 * (resolution[i0] + resolution[i1]) + span;
        }
        return new AveragedSpectralWindow(chanFreq, chanWidth, res, (double[])res.Clone(),
                                          chanWidth.Sum(Math.Abs), Math.Min(chanFreq[0], chanFreq[^1]));
    }
}

/// <summary>SPECTRAL_WINDOW values of a channel-averaged spw (<see cref="ChannelAverage.Frequencies"/>).</summary>
/// <param name="EffectiveBw">Equal to <paramref name="Resolution"/>, as CASA writes it.</param>
public sealed record AveragedSpectralWindow(double[] ChanFreq, double[] ChanWidth, double[] Resolution,
                                            double[] EffectiveBw, double TotalBandwidth, double RefFrequency);
