namespace MmsMpi.Heuristics;

/// <summary>CASA's contiguous chunking (partitionhelper __partition): part i = items[round(L/n*i) .. round(L/n*(i+1))).</summary>
public static class Chunking
{
    /// <summary>Splits items into min(n, count) contiguous parts; boundaries round half to even like Python 3.</summary>
    public static List<T[]> Contiguous<T>(IReadOnlyList<T> items, int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "number of parts must be >= 1");
        n = Math.Min(n, items.Count);
        var parts = new List<T[]>(n);
        double size = (double)items.Count / n;
        for (int i = 0; i < n; i++)
        {
            int from = (int)Math.Round(size * i, MidpointRounding.ToEven);
            int to = (int)Math.Round(size * (i + 1), MidpointRounding.ToEven);
            parts.Add(items.Skip(from).Take(to - from).ToArray());
        }
        return parts;
    }
}
