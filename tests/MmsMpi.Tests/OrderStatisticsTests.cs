using MmsMpi.Tasks.Flagging.Agents;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>rflag's medians by selection give what sorting gives, NaN first as Array.Sort orders it.</summary>
public class OrderStatisticsTests
{
    private static double BySort(double[] values)
    {
        var s = (double[])values.Clone();
        Array.Sort(s);
        int n = s.Length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    [Test]
    public void SelectionGivesTheSortedMedian()
    {
        var rng = new Random(11);
        foreach (int n in Enumerable.Range(1, 40).Concat([63, 64, 255, 256, 257, 1000]))
        foreach (var kind in new[] { "random", "few values", "with NaN", "mostly NaN", "sorted", "reversed", "constant" })
        {
            var v = Enumerable.Range(0, n).Select(i => kind switch
            {
                "few values" => rng.Next(3) - 1.0,
                "with NaN" => rng.NextDouble() < 0.1 ? double.NaN : rng.NextDouble(),
                "mostly NaN" => rng.NextDouble() < 0.6 ? double.NaN : rng.NextDouble(),
                "sorted" => i,
                "reversed" => -i,
                "constant" => 2.5,
                _ => rng.NextDouble() * 2 - 1,
            }).ToArray();
            double expected = BySort(v), got = OrderStatistics.MedianInPlace((double[])v.Clone());
            Assert.That(got, Is.EqualTo(expected), $"n {n}, {kind}");
        }
    }

    [Test]
    public void TheValuesAreOnlyReordered()
    {
        var v = new[] { 5.0, double.NaN, -1, 3, 3, 0, 9, double.NaN, 2 };
        var copy = (double[])v.Clone();
        OrderStatistics.MedianInPlace(copy);
        Assert.That(copy.Order(), Is.EqualTo(v.Order()));
    }
}
