using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>
/// |v| of each visibility as clip's ABS computes it (VisTerm.Apply): the square sum and the root in double precision,
/// rounded to float once.
/// </summary>
public static class Amplitude
{
    /// <summary>Runs <see cref="Simd"/> (which falls back to the scalar loop without AVX).</summary>
    public static void Of(ReadOnlySpan<ComplexF> vis, Span<float> amplitude) => Simd(vis, amplitude);

    /// <summary>Reference implementation, one element at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Scalar(ReadOnlySpan<ComplexF> vis, Span<float> amplitude)
    {
        Check(vis, amplitude);
        for (int e = 0; e < vis.Length; e++) amplitude[e] = Element(vis[e]);
    }

    /// <summary>
    /// Four elements per step: each pair widened to doubles and squared, the (Re², Im²) pairs summed by one horizontal
    /// add (giving elements 0, 2, 1, 3), rooted, narrowed and put back in order. Products of floats are exact in
    /// double and the sum, root and narrowing are the scalar path's roundings: bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Simd(ReadOnlySpan<ComplexF> vis, Span<float> amplitude)
    {
        if (!Avx.IsSupported)
        {
            Scalar(vis, amplitude);
            return;
        }
        Check(vis, amplitude);
        ref float f = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<ComplexF, float>(vis));
        ref float a = ref MemoryMarshal.GetReference(amplitude);
        const int Width = 4;
        int whole = vis.Length - vis.Length % Width;
        for (int e = 0; e < whole; e += Width)
        {
            var lo = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, (nuint)(2 * e)));       // re0 im0 re1 im1
            var hi = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref f, (nuint)(2 * e + 4)));   // re2 im2 re3 im3
            var squares = Avx.HorizontalAdd(lo * lo, hi * hi);                                       // |v0|² |v2|² |v1|² |v3|²
            var roots = Avx.ConvertToVector128Single(Avx.Sqrt(squares));
            Sse.Shuffle(roots, roots, 0b11_01_10_00).StoreUnsafe(ref a, (nuint)e);
        }
        for (int e = whole; e < vis.Length; e++) amplitude[e] = Element(vis[e]);
    }

    /// <summary>|re + i·im| in double precision, rounded to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float re, float im) => (float)Math.Sqrt((double)re * re + (double)im * im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Element(ComplexF v) => Of(v.Re, v.Im);

    private static void Check(ReadOnlySpan<ComplexF> vis, Span<float> amplitude)
    {
        if (amplitude.Length < vis.Length) throw new ArgumentException($"{amplitude.Length} amplitudes for {vis.Length} visibilities", nameof(amplitude));
    }
}
