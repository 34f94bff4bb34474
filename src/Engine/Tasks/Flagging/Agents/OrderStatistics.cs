namespace MmsMpi.Tasks.Flagging.Agents;

/// <summary>
/// Medians by selection instead of a sort: rflag takes four per spectrum and time (median and MAD of Re and Im), and
/// sorting them was half its time (perf). The value is the one a sort gives: NaN orders first, as in Array.Sort, so a
/// median that falls among the NaNs is NaN; an even count gives the mean of the two middle values.
/// </summary>
public static class OrderStatistics
{
    /// <summary>The median of <paramref name="v"/> (not empty), whose order it changes.</summary>
    public static double MedianInPlace(Span<double> v)
    {
        int n = v.Length, nan = 0;
        for (int i = 0; i < n; i++)
            if (double.IsNaN(v[i]))
            {
                (v[i], v[nan]) = (v[nan], v[i]);
                nan++;
            }
        int hi = n / 2;   // the middle, the upper one of two for an even count
        if (hi < nan) return double.NaN;
        var numbers = v[nan..];
        double upper = Select(numbers, hi - nan);
        if (n % 2 == 1) return upper;
        if (hi - 1 < nan) return double.NaN;
        // Select left the values before position hi - nan no larger than upper: the lower middle is their largest.
        double lower = double.NegativeInfinity;
        foreach (double x in numbers[..(hi - nan)]) lower = Math.Max(lower, x);
        return 0.5 * (lower + upper);
    }

    /// <summary>
    /// The k-th smallest of values without NaN (Hoare's selection, median-of-three pivots), leaving the smaller ones
    /// before position k and the larger after it.
    /// </summary>
    private static double Select(Span<double> s, int k)
    {
        int left = 0, right = s.Length - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;
            if (s[mid] < s[left]) (s[mid], s[left]) = (s[left], s[mid]);
            if (s[right] < s[left]) (s[right], s[left]) = (s[left], s[right]);
            if (s[right] < s[mid]) (s[right], s[mid]) = (s[mid], s[right]);
            double pivot = s[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (s[i] < pivot) i++;
                while (s[j] > pivot) j--;
                if (i > j) break;
                (s[i], s[j]) = (s[j], s[i]);
                i++;
                j--;
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else break;   // between j and i every value equals the pivot
        }
        return s[k];
    }
}
