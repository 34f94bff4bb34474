using MmsMpi.Casacore;

namespace MmsMpi.Kernels;

/// <summary>Argument checks and accessors shared by the kernels (the Simd paths read without bounds checks).</summary>
internal static class KernelArgs
{
    /// <summary>FLT_MIN, the threshold CASA uses to treat a weight as zero (MSTransformManager, weightToSigma).</summary>
    public const float FltMin = 1.17549435e-38f;

    /// <summary>Weight of element <paramref name="i"/>; an empty span means unit weights.</summary>
    public static float Weight(ReadOnlySpan<float> weight, int i) => weight.IsEmpty ? 1f : weight[i];

    /// <summary>Throws unless data and flags hold <paramref name="n"/> elements and weights are empty or do too.</summary>
    public static void Cube(string what, int n, ReadOnlySpan<ComplexF> vis, ReadOnlySpan<bool> flag, ReadOnlySpan<float> weight)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(what, "negative size");
        if (vis.Length < n || flag.Length < n || (!weight.IsEmpty && weight.Length < n))
            throw new ArgumentException($"{what}: spans shorter than the {n} elements of the shape " +
                                        $"(data {vis.Length}, flags {flag.Length}, weights {weight.Length})");
    }

    /// <summary><see cref="Cube(string,int,ReadOnlySpan{ComplexF},ReadOnlySpan{bool},ReadOnlySpan{float})"/> for outputs.</summary>
    public static void Cube(string what, int n, Span<ComplexF> vis, Span<bool> flag, Span<float> weight) =>
        Cube(what, n, (ReadOnlySpan<ComplexF>)vis, flag, weight);

    /// <summary>Throws unless every count is positive.</summary>
    public static void Positive(params ReadOnlySpan<(string Name, int Value)> counts)
    {
        foreach (var (name, value) in counts)
            if (value < 1) throw new ArgumentOutOfRangeException(name, value, "must be at least 1");
    }
}
