using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MmsMpi.Kernels;

/// <summary>
/// AVX2 helpers shared by the kernels' <c>Simd</c> paths. Four consecutive complex elements are held in one
/// <see cref="Vector256{T}"/> of floats, one complex per 64-bit lane (Re, Im); each element's bool flag and
/// float weight are broadcast over its two floats, so masks and weights line up with the data lane by lane.
/// Flags must be the bytes 0/1, as .NET and casacore write them.
/// <para>
/// The kernels' loops carry <see cref="MethodImplOptions.AggressiveOptimization"/>: a job runs for seconds with both
/// cores busy, and tiered compilation left them running as quick-jitted code (these helpers not inlined) for much of
/// that time, the tier-1 compile waiting behind the job's own threads (seen in perf profiles of mstransform).
/// They also carry <see cref="MethodImplOptions.NoInlining"/>: with tiered PGO a hot caller's tier-1 code inlined
/// the loop and ran it at a quarter of the speed (channel averaging 16 → 4 GB/s in BenchmarkDotNet once its
/// caller tiered up; the same with TieredPGO off or NoInlining). A call per block of rows costs nothing.
/// </para>
/// </summary>
internal static class ComplexLanes
{
    /// <summary>Elements (complex values) per vector.</summary>
    public const int Width = 4;

    /// <summary>True when the <c>Simd</c> paths can run (x86-64 with AVX2).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Loads elements [e, e+4) of <paramref name="visF"/> (the visibilities viewed as float pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ReadOnlySpan<float> visF, int e) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(visF), (nuint)(2 * e));

    /// <summary>Stores four elements at element index <paramref name="e"/> of <paramref name="visF"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, Span<float> visF, int e) =>
        v.StoreUnsafe(ref MemoryMarshal.GetReference(visF), (nuint)(2 * e));

    /// <summary>The four flag bytes at element <paramref name="e"/> as one little-endian word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint FlagWord(ReadOnlySpan<bool> flag, int e) =>
        Unsafe.ReadUnaligned<uint>(ref Unsafe.As<bool, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(flag), e)));

    /// <summary>Writes four flag bytes (a <see cref="FlagWord"/>) at element <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFlagWord(uint word, Span<bool> flag, int e) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<bool, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(flag), e)), word);

    /// <summary>All-ones 64-bit lanes where the flag byte of <paramref name="word"/> is 0 (unflagged).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> UnflaggedMask(uint word) =>
        Vector256.Equals(Avx2.ConvertToVector256Int64(Vector128.CreateScalar(word).AsByte()), Vector256<long>.Zero).AsSingle();

    /// <summary>Weights of elements [e, e+4), each duplicated over its (Re, Im) lanes; ones for an empty span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadWeights(ReadOnlySpan<float> weight, int e) =>
        weight.IsEmpty
            ? Vector256<float>.One
            : Avx2.PermuteVar8x32(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(weight), (nuint)e).ToVector256Unsafe(),
                                  Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3));

    /// <summary>Stores the four per-element weights of a duplicated-weight vector at element <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWeights(Vector256<float> w, Span<float> weight, int e) =>
        Compress(w).StoreUnsafe(ref MemoryMarshal.GetReference(weight), (nuint)e);

    /// <summary>Lanes 0, 2, 4, 6 (one per element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Compress(Vector256<float> w) =>
        Avx2.PermuteVar8x32(w, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)).GetLower();

    /// <summary>Flag bytes (0/1 per element) from a mask whose all-ones 64-bit lanes mean "flagged".</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ToFlagWord(Vector256<float> flaggedMask) => SpreadBits4(flaggedMask.AsDouble().ExtractMostSignificantBits());

    /// <summary>
    /// Moves bit k of a 4-bit value to bit 8k (one 0/1 byte per bit). The multiplier adds copies shifted by 0, 7,
    /// 14 and 21; bit k of the copy shifted by 7k lands on 8k and no two copies share a bit, so nothing carries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SpreadBits4(uint bits) => (bits * 0x00204081u) & 0x01010101u;

    /// <summary>
    /// Loads <paramref name="count"/> &lt; 4 elements at <paramref name="e"/> padded to a full vector with zero data,
    /// zero weight and set flags, which add nothing to any of the kernels' sums. Element by element and without
    /// stack buffers, so that it inlines: a call inside a kernel's loop makes the JIT keep the running sums on the
    /// stack for the whole loop (a store-to-load round trip per add; seen in the disassembly).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Vis, Vector256<float> Unflagged, Vector256<float> Weight) LoadPartial(
        ReadOnlySpan<float> visF, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight, int e, int count)
    {
        var pairs = MemoryMarshal.Cast<float, double>(visF);   // one complex element as 64 bits
        var v = Vector256<double>.Zero;
        var w = Vector128<float>.Zero;
        uint flags = 0x01010101u;
        for (int k = 0; k < count; k++)
        {
            v = v.WithElement(k, pairs[e + k]);
            w = w.WithElement(k, weight.IsEmpty ? 1f : weight[e + k]);
            if (!flag[e + k]) flags &= ~(1u << (8 * k));
        }
        return (v.AsSingle(), UnflaggedMask(flags), Avx2.PermuteVar8x32(w.ToVector256Unsafe(), Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)));
    }

    /// <summary>
    /// Stores the first <paramref name="count"/> (1..4) elements of a result: data, flags (from a flagged-lane
    /// mask) and, unless <paramref name="outWeight"/> is empty, the duplicated weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreResult(Vector256<float> vis, Vector256<float> flaggedMask, Vector256<float> weight,
                                   Span<float> outVisF, Span<bool> outFlag, Span<float> outWeight, int e, int count)
    {
        if (count != Width)
        {
            StorePartial(vis, flaggedMask, weight, outVisF, outFlag, outWeight, e, count);
            return;
        }
        Store(vis, outVisF, e);
        StoreFlagWord(ToFlagWord(flaggedMask), outFlag, e);
        if (!outWeight.IsEmpty) StoreWeights(weight, outWeight, e);
    }

    /// <summary>The first <paramref name="count"/> (1..3) elements of a result, element by element (inlined as <see cref="LoadPartial"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial(Vector256<float> vis, Vector256<float> flaggedMask, Vector256<float> weight,
                                     Span<float> outVisF, Span<bool> outFlag, Span<float> outWeight, int e, int count)
    {
        var pairs = MemoryMarshal.Cast<float, double>(outVisF);
        uint flags = ToFlagWord(flaggedMask);
        var w = Compress(weight);
        for (int k = 0; k < count; k++)
        {
            pairs[e + k] = vis.AsDouble().GetElement(k);
            outFlag[e + k] = ((flags >> (8 * k)) & 1) != 0;
            if (!outWeight.IsEmpty) outWeight[e + k] = w.GetElement(k);
        }
    }
}
