using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MmsMpi.Kernels;

/// <summary>
/// Complex conjugation in place of visibilities viewed as float pairs (UVH5 ↔ MS). Both paths flip the sign bit of
/// every imaginary part, so their results are bit-identical (NaNs included).
/// </summary>
public static class Conjugate
{
    public static void InPlace(Span<float> pairs)
    {
        if (Vector256.IsHardwareAccelerated) Simd(pairs);
        else Scalar(pairs);
    }

    public static void Scalar(Span<float> pairs)
    {
        Check(pairs);
        for (int i = 1; i < pairs.Length; i += 2) pairs[i] = -pairs[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Simd(Span<float> pairs)
    {
        Check(pairs);
        var bits = MemoryMarshal.Cast<float, uint>(pairs);
        var sign = Vector256.Create(0u, 0x8000_0000u, 0u, 0x8000_0000u, 0u, 0x8000_0000u, 0u, 0x8000_0000u);
        ref uint b0 = ref MemoryMarshal.GetReference(bits);
        int i = 0;
        for (; i + Vector256<uint>.Count <= bits.Length; i += Vector256<uint>.Count)
            (Vector256.LoadUnsafe(ref b0, (nuint)i) ^ sign).StoreUnsafe(ref b0, (nuint)i);
        for (i += 1; i < pairs.Length; i += 2) pairs[i] = -pairs[i];
    }

    private static void Check(Span<float> pairs)
    {
        if (pairs.Length % 2 != 0) throw new ArgumentException($"{pairs.Length} floats are not complex pairs");
    }
}
