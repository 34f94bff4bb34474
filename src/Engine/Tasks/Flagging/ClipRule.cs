using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MmsMpi.Kernels;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// FlagAgentClipping's test of one value of the visibility expression (a float, as CASA computes it). NaN and ±Inf are
/// always flagged. With a range, clipoutside flags v &gt; max or v &lt; min, inside-mode flags min ≤ v ≤ max. clipzeros
/// flags "zeros": exact zero, subnormal, or a normal value whose magnitude is ≤ FLT_EPSILON.
/// </summary>
/// <remarks>
/// Deliberate deviation: CASA's isNaNOrZero tests `v ≤ FLT_EPSILON` without abs, so with clipzeros every negative
/// REAL/IMAG/ARG value counts as zero. Here |v| ≤ FLT_EPSILON is a zero; for ABS and NORM (never negative) both agree.
/// </remarks>
public sealed class ClipRule(double[]? minMax, bool outside, bool zeros)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // called per cell and term by clip
    public bool Flags(float v)
    {
        if (!float.IsFinite(v)) return true;
        if (minMax is not null)
        {
            bool inRange = v >= minMax[0] && v <= minMax[1];
            if (outside ? !inRange : inRange) return true;
        }
        return zeros && IsZero(v);
    }

    /// <summary>Flags every value of <paramref name="values"/> the rule flags in <paramref name="flags"/>; returns how many were not flagged before. Runs <see cref="FlagAllSimd"/>.</summary>
    public int FlagAll(ReadOnlySpan<float> values, Span<bool> flags) => FlagAllSimd(values, flags);

    /// <summary>Reference implementation of <see cref="FlagAll"/>, one value at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see Kernels/ComplexLanes
    public int FlagAllScalar(ReadOnlySpan<float> values, Span<bool> flags)
    {
        Check(values, flags);
        int added = 0;
        for (int e = 0; e < values.Length; e++)
            if (Flags(values[e]) && !flags[e]) { flags[e] = true; added++; }
        return added;
    }

    /// <summary>
    /// AVX2 path of <see cref="FlagAllScalar"/>, four values per step without a branch per value: each value widened
    /// to double (as the scalar comparisons with the range's doubles widen it), the tests as lane masks, the hits
    /// OR-ed into the flag bytes and the new ones counted. |v| ≤ FLT_EPSILON covers zero and every subnormal. The
    /// same flags and count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public int FlagAllSimd(ReadOnlySpan<float> values, Span<bool> flags)
    {
        if (!Avx2.IsSupported) return FlagAllScalar(values, flags);
        Check(values, flags);
        var infinity = Vector256.Create(double.PositiveInfinity);
        var epsilon = Vector256.Create((double)FltEpsilon);
        var (min, max) = minMax is null ? (Vector256<double>.Zero, Vector256<double>.Zero) : (Vector256.Create(minMax[0]), Vector256.Create(minMax[1]));
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int whole = values.Length - values.Length % ComplexLanes.Width, added = 0;
        for (int e = 0; e < whole; e += ComplexLanes.Width)
        {
            var v = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref v0, (nuint)e));
            var abs = Vector256.Abs(v);
            var hit = ~Vector256.LessThan(abs, infinity);   // NaN and ±Inf
            if (minMax is not null)
            {
                var inRange = Vector256.GreaterThanOrEqual(v, min) & Vector256.LessThanOrEqual(v, max);
                hit |= outside ? ~inRange : inRange;
            }
            if (zeros) hit |= Vector256.LessThanOrEqual(abs, epsilon);
            uint old = ComplexLanes.FlagWord(flags, e), word = ComplexLanes.ToFlagWord(hit.AsSingle());
            added += BitOperations.PopCount(word & ~old);
            ComplexLanes.StoreFlagWord(old | word, flags, e);
        }
        return added + FlagAllScalar(values[whole..], flags[whole..]);
    }

    private static void Check(ReadOnlySpan<float> values, Span<bool> flags)
    {
        if (flags.Length < values.Length) throw new ArgumentException($"{flags.Length} flags for {values.Length} values", nameof(flags));
    }

    /// <summary>Zero, subnormal, or normal with |v| ≤ FLT_EPSILON (CASA's FP_NORMAL branch, sign fixed).</summary>
    public static bool IsZero(float v) => v == 0 || float.IsSubnormal(v) || MathF.Abs(v) <= FltEpsilon;

    /// <summary>C's FLT_EPSILON, 2^-23 (.NET's float.Epsilon is the smallest subnormal instead).</summary>
    public const float FltEpsilon = 1.1920929E-07f;
}
