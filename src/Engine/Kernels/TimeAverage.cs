using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MmsMpi.Casacore;
using static MmsMpi.Kernels.ComplexLanes;

namespace MmsMpi.Kernels;

/// <summary>
/// The data cube of time averaging (timeaverage/timebin), fact sheet §5.2: CASA AveragingTvi2 VbAvg's
/// per-baseline accumulator, one element per (channel, correlation) of a cell. Per element:
/// <list type="bullet">
/// <item>the first row of a bin initialises the accumulator (Σw·v = w·v, Σw = w, flag = its flag);</item>
/// <item>while everything accumulated so far is flagged, flagged data is accumulated too;</item>
/// <item>the first unflagged datum after that resets the accumulator to itself;</item>
/// <item>once the accumulator holds unflagged data, flagged inputs are skipped.</item>
/// </list>
/// <see cref="Finish"/> gives out = Σw·v / Σw (0 when Σw = 0), weight Σw, flag = AND of the input flags.
/// Row-level columns (TIME, UVW, EXPOSURE, ...) are not handled here. Empty weights mean unit weights.
/// </summary>
public static class TimeAverage
{
    /// <summary>
    /// Runs <see cref="AccumulateSimd"/> (which falls back to the scalar rule without AVX2). An earlier benchmark
    /// that fed the whole block as one giant cell measured the L2 cache (both paths ~2-3 GB/s, AVX2 "slower"); cell by
    /// cell into per-baseline accumulators, as the step uses it, the AVX2 path is about three times the scalar one.
    /// </summary>
    public static void Accumulate(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                                  Span<ComplexF> sumVis, Span<float> sumWeight, Span<bool> accFlag, bool first) =>
        AccumulateSimd(vis, flag, weight, sumVis, sumWeight, accFlag, first);

    /// <summary>
    /// Adds one row's cell into the accumulator (Σw·v in <paramref name="sumVis"/>, Σw in
    /// <paramref name="sumWeight"/>, <paramref name="accFlag"/> true while all accumulated data is flagged);
    /// <paramref name="first"/> starts a new bin. Reference implementation, one element at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void AccumulateScalar(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                                        Span<ComplexF> sumVis, Span<float> sumWeight, Span<bool> accFlag, bool first)
    {
        Check(vis, flag, weight, sumVis, sumWeight, accFlag);
        for (int e = 0; e < vis.Length; e++)
            AccumulateElement(vis, flag, weight, sumVis, sumWeight, accFlag, first, e);
    }

    /// <summary>
    /// AVX2 path of <see cref="AccumulateScalar"/>: four elements per step, a plain initialising loop for the first
    /// row of a bin, otherwise the three cases as lane masks (reset, add, skip) with the flags as a 4-byte word; the
    /// last ncell mod 4 elements go through the scalar rule. Bit-identical to the scalar path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void AccumulateSimd(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                                      Span<ComplexF> sumVis, Span<float> sumWeight, Span<bool> accFlag, bool first)
    {
        if (!IsSupported)
        {
            AccumulateScalar(vis, flag, weight, sumVis, sumWeight, accFlag, first);
            return;
        }
        Check(vis, flag, weight, sumVis, sumWeight, accFlag);
        var visF = MemoryMarshal.Cast<ComplexF, float>(vis);
        var sumF = MemoryMarshal.Cast<ComplexF, float>(sumVis);
        int whole = vis.Length - vis.Length % Width;
        if (first)   // every element resets: Σw·v = w·v, Σw = w, flag = input flag
        {
            for (int e = 0; e < whole; e += Width)
            {
                var w = LoadWeights(weight, e);
                Store(w * Load(visF, e), sumF, e);
                StoreWeights(w, sumWeight, e);
            }
            flag[..whole].CopyTo(accFlag);
        }
        else
        {
            for (int e = 0; e < whole; e += Width)
            {
                uint inFlags = FlagWord(flag, e), acc = FlagWord(accFlag, e);
                var inFlagged = ~UnflaggedMask(inFlags);
                var accFlagged = ~UnflaggedMask(acc);
                var reset = accFlagged & ~inFlagged;
                var add = ~reset & ~(accFlagged ^ inFlagged);   // accumulator and input both flagged or both unflagged
                var w = LoadWeights(weight, e);
                var sum = Load(sumF, e);
                var sw = LoadWeights(sumWeight, e);
                var wv = w * Load(visF, e);
                Store(Vector256.ConditionalSelect(reset, wv, Vector256.ConditionalSelect(add, sum + wv, sum)), sumF, e);
                StoreWeights(Vector256.ConditionalSelect(reset, w, Vector256.ConditionalSelect(add, sw + w, sw)), sumWeight, e);
                StoreFlagWord(inFlags & acc, accFlag, e);   // stays flagged only while both are
            }
        }
        for (int e = whole; e < vis.Length; e++)
            AccumulateElement(vis, flag, weight, sumVis, sumWeight, accFlag, first, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateElement(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                                          Span<ComplexF> sumVis, Span<float> sumWeight, Span<bool> accFlag, bool first, int e)
    {
        float w = KernelArgs.Weight(weight, e);
        var wv = new ComplexF(w * vis[e].Re, w * vis[e].Im);
        if (first || (accFlag[e] && !flag[e]))
        {
            sumVis[e] = wv;
            sumWeight[e] = w;
            accFlag[e] = flag[e];
        }
        else if (accFlag[e] == flag[e])
        {
            sumVis[e] = new ComplexF(sumVis[e].Re + wv.Re, sumVis[e].Im + wv.Im);
            sumWeight[e] += w;
        }
        // else: the accumulator holds unflagged data and this input is flagged: skipped
    }

    /// <summary>Runs <see cref="FinishSimd"/> (the scalar rule without AVX2).</summary>
    public static void Finish(ReadOnlySpan<ComplexF> sumVis, ReadOnlySpan<float> sumWeight, ReadOnlySpan<bool> accFlag,
                              Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight) =>
        FinishSimd(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight);

    /// <summary>Normalises an accumulator: out = Σw·v / Σw (0 when Σw = 0), weight Σw, flag as accumulated. Reference implementation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void FinishScalar(ReadOnlySpan<ComplexF> sumVis, ReadOnlySpan<float> sumWeight, ReadOnlySpan<bool> accFlag,
                                    Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        int n = CheckFinish(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight);
        for (int e = 0; e < n; e++) FinishElement(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight, e);
    }

    /// <summary>AVX2 path of <see cref="FinishScalar"/>, four elements per step (the same IEEE divisions: bit-identical).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void FinishSimd(ReadOnlySpan<ComplexF> sumVis, ReadOnlySpan<float> sumWeight, ReadOnlySpan<bool> accFlag,
                                  Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        if (!IsSupported)
        {
            FinishScalar(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight);
            return;
        }
        int n = CheckFinish(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight);
        var sumF = MemoryMarshal.Cast<ComplexF, float>(sumVis);
        var outF = MemoryMarshal.Cast<ComplexF, float>(outVis);
        int whole = n - n % Width;
        for (int e = 0; e < whole; e += Width)
        {
            var sw = LoadWeights(sumWeight, e);
            var nonZero = ~Vector256.Equals(sw, Vector256<float>.Zero);
            Store(nonZero & (Load(sumF, e) / sw), outF, e);
        }
        accFlag[..whole].CopyTo(outFlag);
        if (!outWeight.IsEmpty) sumWeight[..whole].CopyTo(outWeight);
        for (int e = whole; e < n; e++) FinishElement(sumVis, sumWeight, accFlag, outVis, outFlag, outWeight, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishElement(ReadOnlySpan<ComplexF> sumVis, ReadOnlySpan<float> sumWeight, ReadOnlySpan<bool> accFlag,
                                      Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight, int e)
    {
        float sw = sumWeight[e];
        outVis[e] = sw == 0 ? default : new ComplexF(sumVis[e].Re / sw, sumVis[e].Im / sw);
        outFlag[e] = accFlag[e];
        if (!outWeight.IsEmpty) outWeight[e] = sw;
    }

    private static int CheckFinish(ReadOnlySpan<ComplexF> sumVis, ReadOnlySpan<float> sumWeight, ReadOnlySpan<bool> accFlag,
                                   Span<ComplexF> outVis, Span<bool> outFlag, Span<float> outWeight)
    {
        int n = sumVis.Length;
        if (sumWeight.Length < n || accFlag.Length < n) throw new ArgumentException("accumulator spans differ in length");
        KernelArgs.Cube("output", n, outVis, outFlag, outWeight);
        return n;
    }

    private static void Check(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight,
                              Span<ComplexF> sumVis, Span<float> sumWeight, Span<bool> accFlag)
    {
        int n = vis.Length;
        KernelArgs.Cube("input", n, vis, flag, weight);
        if (sumWeight.IsEmpty) throw new ArgumentException("the accumulator needs sumWeight", nameof(sumWeight));
        KernelArgs.Cube("accumulator", n, sumVis, accFlag, sumWeight);
    }
}
