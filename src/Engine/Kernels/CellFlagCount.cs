using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MmsMpi.Kernels;

/// <summary>
/// Flagged cells of one row counted per correlation (flagdata summary): the row's FLAG cell holds channel ch,
/// correlation k at <c>ch·ncorr + k</c>, and each flagged element adds one to <c>perCorr[k]</c>.
/// </summary>
public static class CellFlagCount
{
    /// <summary>Runs <see cref="PerCorrelationSimd"/> (which falls back to the scalar loop without AVX2).</summary>
    public static void PerCorrelation(ReadOnlySpan<bool> cell, int ncorr, Span<long> perCorr) =>
        PerCorrelationSimd(cell, ncorr, perCorr);

    /// <summary>Reference implementation, one element at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void PerCorrelationScalar(ReadOnlySpan<bool> cell, int ncorr, Span<long> perCorr)
    {
        Check(cell, ncorr, perCorr);
        for (int e = 0; e < cell.Length; e += ncorr)
            for (int k = 0; k < ncorr; k++)
                if (cell[e + k]) perCorr[k]++;
    }

    /// <summary>
    /// 32 flag bytes per step added into byte counters (lane j holds correlation j mod ncorr, so ncorr must divide 32:
    /// 1, 2 or 4; 3 takes the scalar loop); the counters are emptied into longs before a byte could overflow. Any
    /// non-zero byte counts as flagged, as a bool does. The same counts as the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void PerCorrelationSimd(ReadOnlySpan<bool> cell, int ncorr, Span<long> perCorr)
    {
        const int Width = 32, MaxSteps = byte.MaxValue;
        if (!Vector256.IsHardwareAccelerated || ncorr < 1 || Width % ncorr != 0)
        {
            PerCorrelationScalar(cell, ncorr, perCorr);
            return;
        }
        Check(cell, ncorr, perCorr);
        ref byte flags = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(cell));
        int whole = cell.Length - cell.Length % Width;
        Span<byte> lanes = stackalloc byte[Width];
        for (int start = 0; start < whole; start += MaxSteps * Width)
        {
            var counts = Vector256<byte>.Zero;
            int end = Math.Min(whole, start + MaxSteps * Width);
            for (int e = start; e < end; e += Width)
                counts += Vector256.Min(Vector256.LoadUnsafe(ref flags, (nuint)e), Vector256<byte>.One);
            counts.CopyTo(lanes);
            for (int j = 0; j < Width; j++) perCorr[j % ncorr] += lanes[j];
        }
        for (int e = whole; e < cell.Length; e++)   // whole is a multiple of ncorr: element e is correlation e mod ncorr
            if (cell[e]) perCorr[e % ncorr]++;
    }

    private static void Check(ReadOnlySpan<bool> cell, int ncorr, Span<long> perCorr)
    {
        if (ncorr < 1 || cell.Length % ncorr != 0) throw new ArgumentException($"a cell of {cell.Length} flags is not whole channels of {ncorr} correlations");
        if (perCorr.Length < ncorr) throw new ArgumentException($"perCorr holds {perCorr.Length} counts, not {ncorr}", nameof(perCorr));
    }
}
