using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>
/// out[i] = vis[i] × factor[i] over a row of cells: applying calibration, where the factor of each cell is the
/// product of its baseline's inverse gains. Both paths compute re = fma(a.re, b.re, −a.im·b.im) and
/// im = fma(a.im, b.re, a.re·b.im), so their results are bit-identical.
/// </summary>
public static class ComplexMultiply
{
    public static void Apply(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<ComplexF> factor, Span<ComplexF> output)
    {
        if (IsAccelerated) Simd(vis, factor, output);
        else Scalar(vis, factor, output);
    }

    /// <summary>True when <see cref="Simd"/> uses vector instructions (AVX2 and FMA).</summary>
    public static bool IsAccelerated => ComplexLanes.IsSupported && Fma.IsSupported;

    public static void Scalar(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<ComplexF> factor, Span<ComplexF> output)
    {
        Check(vis, factor, output);
        for (int i = 0; i < vis.Length; i++) output[i] = Product(vis[i], factor[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]   // optimised from the first call: see ComplexLanes
    public static void Simd(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<ComplexF> factor, Span<ComplexF> output)
    {
        if (!IsAccelerated)
        {
            Scalar(vis, factor, output);
            return;
        }
        Check(vis, factor, output);
        var a = MemoryMarshal.Cast<ComplexF, float>(vis);
        var b = MemoryMarshal.Cast<ComplexF, float>(factor);
        var o = MemoryMarshal.Cast<ComplexF, float>(output);
        int e = 0;
        for (; e + ComplexLanes.Width <= vis.Length; e += ComplexLanes.Width)
        {
            var va = ComplexLanes.Load(a, e);
            var vb = ComplexLanes.Load(b, e);
            var bRe = Avx.Permute(vb, 0b10_10_00_00);     // (b.re, b.re) per element
            var bIm = Avx.Permute(vb, 0b11_11_01_01);     // (b.im, b.im)
            var aSwap = Avx.Permute(va, 0b10_11_00_01);   // (a.im, a.re)
            // even lanes: a.re·b.re − a.im·b.im; odd lanes: a.im·b.re + a.re·b.im
            ComplexLanes.Store(Fma.MultiplyAddSubtract(va, bRe, Avx.Multiply(aSwap, bIm)), o, e);
        }
        for (; e < vis.Length; e++) output[e] = Product(vis[e], factor[e]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ComplexF Product(ComplexF a, ComplexF b) =>
        new(MathF.FusedMultiplyAdd(a.Re, b.Re, -(a.Im * b.Im)), MathF.FusedMultiplyAdd(a.Im, b.Re, a.Re * b.Im));

    private static void Check(ReadOnlySpan<ComplexF> vis, ReadOnlySpan<ComplexF> factor, Span<ComplexF> output)
    {
        if (factor.Length != vis.Length || output.Length != vis.Length)
            throw new ArgumentException($"vis ({vis.Length}), factor ({factor.Length}) and output ({output.Length}) differ in length");
    }
}
