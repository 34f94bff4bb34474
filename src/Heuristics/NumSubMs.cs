namespace MmsMpi.Heuristics;

/// <summary>numsubms: "auto" means the number of worker ranks, or 8 without MPI (CASA's rule).</summary>
public static class NumSubMs
{
    public const int DefaultWithoutMpi = 8;

    public static int Resolve(string value, int workerRanks)
    {
        if (value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            return workerRanks > 0 ? workerRanks : DefaultWithoutMpi;
        if (!int.TryParse(value, out int n))
            throw new ArgumentException($"numsubms must be 'auto' or an integer, not '{value}'");
        if (n < 1) throw new ArgumentException($"numsubms must be >= 1, not {n}");
        return n;
    }
}
