using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>
/// Hanning smoothing (mstransform hanning=True, hanningsmooth), fact sheet §5.3: CASA MSTransformManager
/// <c>smooth</c> with smoothCoeff = [0.25, 0.5, 0.25] and <c>plainSmoothSpectrum</c> for WEIGHT_SPECTRUM.
/// For channel c in [1, n−2] of every row and correlation:
/// <list type="bullet">
/// <item>out[c] = 0.25·in[c−1] + 0.5·in[c] + 0.25·in[c+1] (flagged inputs are used too);</item>
/// <item>flag[c] = flag[c−1] OR flag[c] OR flag[c+1];</item>
/// <item>w_out[c] = 1 / Σ_i c_i²/w_i; a term with w_i ≤ FLT_MIN is skipped and flags the output. When all three
/// are skipped w_out is 0 (a choice: the output is flagged anyway and 1/0 would be infinite).</item>
/// </list>
/// Channels 0 and n−1 are copied and flagged, their weights copied; with n &lt; 3 every channel is. Empty weights
/// mean unit weights (interior w_out = 8/3); an empty output weight span means no weight output.
/// </summary>
public static class Hanning
{
    private const float Side = 0.25f, Centre = 0.5f;
    private const float SideSq = Side * Side, CentreSq = Centre * Centre;

    /// <summary>Runs <see cref="Simd"/> where SIMD is accelerated, else <see cref="Scalar"/>.</summary>
    public static void Run(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                           int nrow, int nchan, int ncorr,
                           Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (IsAccelerated) Simd(vis, flag, weight, nrow, nchan, ncorr, outVis, outFlag, outWeight);
        else Scalar(vis, flag, weight, nrow, nchan, ncorr, outVis, outFlag, outWeight);
    }

    /// <summary>True when <see cref="Simd"/> uses vector instructions.</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>Reference implementation: the formulas of the class summary as straight loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Scalar(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              int nrow, int nchan, int ncorr,
                              Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        Check(vis, flag, weight, nrow, nchan, ncorr, outVis, outFlag, outWeight);
        int rowLen = nchan * ncorr;
        for (int row = 0; row < nrow; row++)
        {
            int r = row * rowLen;
            CopyEdges(vis, weight, nchan, ncorr, r, outVis, outFlag, outWeight);
            for (int chan = 1; chan < nchan - 1; chan++)
            for (int corr = 0; corr < ncorr; corr++)
            {
                int e = r + chan * ncorr + corr, lo = e - ncorr, hi = e + ncorr;
                outVis[e] = new ComplexF(Smooth(vis[lo].Re, vis[e].Re, vis[hi].Re), Smooth(vis[lo].Im, vis[e].Im, vis[hi].Im));
                outFlag[e] = flag[lo] | flag[e] | flag[hi];
                float wl = KernelArgs.Weight(weight, lo), wc = KernelArgs.Weight(weight, e), wh = KernelArgs.Weight(weight, hi);
                outFlag[e] |= IsLow(wl) || IsLow(wc) || IsLow(wh);
                if (!outWeight.IsEmpty) outWeight[e] = SmoothWeight(wl, wc, wh);
            }
        }
    }

    /// <summary>
    /// Vector path: within a row the three-point stencil is a contiguous one at distance ncorr elements, so data
    /// (as floats), flags (as bytes) and weights are processed in full vectors for any ncorr, the remainders by the
    /// scalar formulas. Same operations in the same order as <see cref="Scalar"/>: results are bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Simd(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                            int nrow, int nchan, int ncorr,
                            Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (!IsAccelerated)
        {
            Scalar(vis, flag, weight, nrow, nchan, ncorr, outVis, outFlag, outWeight);
            return;
        }
        Check(vis, flag, weight, nrow, nchan, ncorr, outVis, outFlag, outWeight);
        var visF = MemoryMarshal.Cast<ComplexF, float>(vis);
        var outF = MemoryMarshal.Cast<ComplexF, float>(outVis);
        var flagB = MemoryMarshal.Cast<bool, byte>(flag);
        var outFlagB = MemoryMarshal.Cast<bool, byte>(outFlag);
        int rowLen = nchan * ncorr;
        for (int row = 0; row < nrow; row++)
        {
            int r = row * rowLen;
            CopyEdges(vis, weight, nchan, ncorr, r, outVis, outFlag, outWeight);
            if (nchan < 3) continue;
            // interior elements [first, end) of the row; neighbours at ±ncorr elements
            int first = r + ncorr, end = r + rowLen - ncorr;
            SmoothData(visF, outF, 2 * first, 2 * end, 2 * ncorr);
            OrFlags(flagB, outFlagB, first, end, ncorr);
            if (!weight.IsEmpty) SmoothWeights(weight, outWeight, outFlagB, first, end, ncorr);
            else if (!outWeight.IsEmpty) outWeight[first..end].Fill(SmoothWeight(1f, 1f, 1f));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Smooth(float lo, float c, float hi) => Side * lo + Centre * c + Side * hi;

    /// <summary>1 / Σ c_i²/w_i over the terms with w_i &gt; FLT_MIN (CASA's test is "w_i ≤ FLT_MIN: skip"), 0 if none.</summary>
    private static float SmoothWeight(float wl, float wc, float wh)
    {
        float sum = 0;
        bool any = false;
        foreach (var (coeffSq, w) in (ReadOnlySpan<(float, float)>)[(SideSq, wl), (CentreSq, wc), (SideSq, wh)])
        {
            if (IsLow(w)) continue;
            sum += coeffSq / w;
            any = true;
        }
        return any ? 1 / sum : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLow(float w) => w <= KernelArgs.FltMin;

    /// <summary>Channels 0 and n−1 (every channel when n &lt; 3) of the row at element <paramref name="r"/>.</summary>
    private static void CopyEdges(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<float> weight,
                                  int nchan, int ncorr, int r, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        int rowLen = nchan * ncorr;
        if (nchan < 3)
        {
            CopyFlagged(vis, weight, r, rowLen, outVis, outFlag, outWeight);
            return;
        }
        CopyFlagged(vis, weight, r, ncorr, outVis, outFlag, outWeight);
        CopyFlagged(vis, weight, r + rowLen - ncorr, ncorr, outVis, outFlag, outWeight);
    }

    private static void CopyFlagged(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<float> weight, int start, int count,
                                    Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        vis.Slice(start, count).CopyTo(outVis[start..]);
        outFlag.Slice(start, count).Fill(true);
        if (outWeight.IsEmpty) return;
        if (weight.IsEmpty) outWeight.Slice(start, count).Fill(1f);
        else weight.Slice(start, count).CopyTo(outWeight[start..]);
    }

    /// <summary>Data stencil over floats [from, to) with neighbours at ±<paramref name="d"/> floats.</summary>
    private static void SmoothData(ReadOnlySpan<float> x, Span<float> y, int from, int to, int d)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = from;
        for (; i + Vector256<float>.Count <= to; i += Vector256<float>.Count)
        {
            var lo = Vector256.LoadUnsafe(ref xr, (nuint)(i - d));
            var c = Vector256.LoadUnsafe(ref xr, (nuint)i);
            var hi = Vector256.LoadUnsafe(ref xr, (nuint)(i + d));
            (Side * lo + Centre * c + Side * hi).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < to; i++) y[i] = Smooth(x[i - d], x[i], x[i + d]);
    }

    /// <summary>outFlag[e] = flag[e−d] | flag[e] | flag[e+d] for e in [from, to), 32 bytes at a time.</summary>
    private static void OrFlags(ReadOnlySpan<byte> f, Span<byte> o, int from, int to, int d)
    {
        ref byte fr = ref MemoryMarshal.GetReference(f);
        int i = from;
        for (; i + Vector256<byte>.Count <= to; i += Vector256<byte>.Count)
            (Vector256.LoadUnsafe(ref fr, (nuint)(i - d)) | Vector256.LoadUnsafe(ref fr, (nuint)i) |
             Vector256.LoadUnsafe(ref fr, (nuint)(i + d))).StoreUnsafe(ref MemoryMarshal.GetReference(o), (nuint)i);
        for (; i < to; i++) o[i] = (byte)(f[i - d] | f[i] | f[i + d]);
    }

    /// <summary>Weight stencil over elements [from, to); low weights are OR-ed into the output flags.</summary>
    private static void SmoothWeights(ReadOnlySpan<float> w, Span<float> outW, Span<byte> outFlagB, int from, int to, int d)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        var fltMin = Vector256.Create(KernelArgs.FltMin);
        Vector256<float> sideSq = Vector256.Create(SideSq), centreSq = Vector256.Create(CentreSq);
        int i = from;
        for (; i + Vector256<float>.Count <= to; i += Vector256<float>.Count)
        {
            var wl = Vector256.LoadUnsafe(ref wr, (nuint)(i - d));
            var wc = Vector256.LoadUnsafe(ref wr, (nuint)i);
            var wh = Vector256.LoadUnsafe(ref wr, (nuint)(i + d));
            var okL = ~Vector256.LessThanOrEqual(wl, fltMin);
            var okC = ~Vector256.LessThanOrEqual(wc, fltMin);
            var okH = ~Vector256.LessThanOrEqual(wh, fltMin);
            var sum = Vector256<float>.Zero + (okL & (sideSq / wl)) + (okC & (centreSq / wc)) + (okH & (sideSq / wh));
            if (!outW.IsEmpty) ((okL | okC | okH) & (Vector256<float>.One / sum)).StoreUnsafe(ref MemoryMarshal.GetReference(outW), (nuint)i);
            uint low = (~(okL & okC & okH)).ExtractMostSignificantBits();
            MemoryMarshal.Write(outFlagB[i..], MemoryMarshal.Read<uint>(outFlagB[i..]) | ComplexLanes.SpreadBits4(low & 0xF));
            MemoryMarshal.Write(outFlagB[(i + 4)..], MemoryMarshal.Read<uint>(outFlagB[(i + 4)..]) | ComplexLanes.SpreadBits4(low >> 4));
        }
        for (; i < to; i++)
        {
            if (IsLow(w[i - d]) || IsLow(w[i]) || IsLow(w[i + d])) outFlagB[i] = 1;
            if (!outW.IsEmpty) outW[i] = SmoothWeight(w[i - d], w[i], w[i + d]);
        }
    }

    private static void Check(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              int nrow, int nchan, int ncorr, Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        KernelArgs.Positive(("nchan", nchan), ("ncorr", ncorr));
        int n = nrow * nchan * ncorr;
        KernelArgs.Cube("input", n, vis, flag, weight);
        KernelArgs.Cube("output", n, outVis, outFlag, outWeight);
    }
}
