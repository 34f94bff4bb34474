namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Exact-length arrays for chunks, reused across chunks and threads (ImageSharp's pooled row buffers, DP3's reused
/// DPBuffers): a job's chunks repeat a few lengths (the reader's chunk of each DDI, a step's output chunk), so after
/// the first chunks nothing is allocated and the garbage collector has nothing to do. Arrays are exact so a chunk's
/// row count stays <c>Time.Length</c>; they come back uncleared (every user overwrites every element). What it
/// keeps is bounded (a few arrays per length, a byte total), so a long run's memory stays flat.
/// </summary>
public static class ChunkPool
{
    /// <summary>
    /// Arrays kept per length and type: a chunk alone holds 11 int row arrays of one length (ANTENNA1 ... PROCESSOR_ID,
    /// the written DATA_DESC_ID), and a few chunks are in flight; with 8 most came back to a full stack and every
    /// chunk allocated new ones (a 4× MS allocated 16 MB more and peaked that much higher). The byte total bounds it.
    /// </summary>
    private const int KeepPerLength = 64;
    private const long KeepBytes = 192L << 20;

    private static readonly object Gate = new();
    private static long _keptBytes;

    public static T[] Rent<T>(int length) where T : unmanaged
    {
        if (length == 0) return [];
        lock (Gate)
        {
            if (Kept<T>.ByLength.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                _keptBytes -= Bytes<T>(length);
                return stack.Pop();
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Hands an array back for reuse; the caller must hold no other reference to it.</summary>
    public static void Return<T>(T[] array) where T : unmanaged
    {
        if (array.Length == 0) return;
        lock (Gate)
        {
            if (_keptBytes + Bytes<T>(array.Length) > KeepBytes) return;
            if (!Kept<T>.ByLength.TryGetValue(array.Length, out var stack)) Kept<T>.ByLength[array.Length] = stack = new Stack<T[]>();
            if (stack.Count >= KeepPerLength) return;
            stack.Push(array);
            _keptBytes += Bytes<T>(array.Length);
        }
    }

    /// <summary>A zeroed array (for accumulators that add into it).</summary>
    public static T[] RentCleared<T>(int length) where T : unmanaged
    {
        var a = Rent<T>(length);
        Array.Clear(a);
        return a;
    }

    private static unsafe long Bytes<T>(int length) where T : unmanaged => (long)length * sizeof(T);

    private static class Kept<T> where T : unmanaged
    {
        public static readonly Dictionary<int, Stack<T[]>> ByLength = [];
    }
}
