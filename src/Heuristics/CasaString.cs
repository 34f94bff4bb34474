namespace MmsMpi.Heuristics;

/// <summary>CASA's compact id lists (listToCasaString): [1,2,3,5] → "1~3,5".</summary>
public static class CasaString
{
    public static string RangeList(IEnumerable<int> ids)
    {
        var sorted = ids.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}~{sorted[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }
}
