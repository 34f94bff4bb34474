using System.Runtime.CompilerServices;

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

    /// <summary>Zero, subnormal, or normal with |v| ≤ FLT_EPSILON (CASA's FP_NORMAL branch, sign fixed).</summary>
    public static bool IsZero(float v) => v == 0 || float.IsSubnormal(v) || MathF.Abs(v) <= FltEpsilon;

    /// <summary>C's FLT_EPSILON, 2^-23 (.NET's float.Epsilon is the smallest subnormal instead).</summary>
    public const float FltEpsilon = 1.1920929E-07f;
}
