using MmsMpi.Heuristics;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Unit tests for the pure planning library src/Heuristics. All expected values are worked out by hand from the
// CASA algorithms in /work/shared/reference/casa-mms-behaviour.md §2.2–2.7, never by calling the code under test.

public class HeuristicsChunkingTests
{
    private static int[] Sizes<T>(List<T[]> parts) => parts.Select(p => p.Length).ToArray();

    // part i = lst[int(round(L/n*i)) : int(round(L/n*(i+1)))], Python 3 round = half to even.
    [TestCase(5, 2, new[] { 2, 3 })]              // 2.5 -> 2
    [TestCase(5, 4, new[] { 1, 1, 2, 1 })]        // 1.25, 2.5, 3.75 -> boundaries 0,1,2,4,5
    [TestCase(7, 2, new[] { 4, 3 })]              // 3.5 -> 4
    [TestCase(3, 2, new[] { 2, 1 })]              // 1.5 -> 2
    [TestCase(10, 4, new[] { 2, 3, 3, 2 })]       // 2.5 -> 2, 5, 7.5 -> 8
    [TestCase(7, 4, new[] { 2, 2, 1, 2 })]        // 1.75 -> 2, 3.5 -> 4, 5.25 -> 5
    [TestCase(4, 3, new[] { 1, 2, 1 })]           // 1.333 -> 1, 2.667 -> 3
    [TestCase(10, 3, new[] { 3, 4, 3 })]          // 3.333 -> 3, 6.667 -> 7
    [TestCase(6, 1, new[] { 6 })]
    [TestCase(4, 4, new[] { 1, 1, 1, 1 })]
    public void ContiguousSizesFollowRoundHalfEven(int length, int n, int[] expected)
    {
        var parts = Chunking.Contiguous(Enumerable.Range(0, length).ToList(), n);
        Assert.That(Sizes(parts), Is.EqualTo(expected));
    }

    [Test]
    public void FiveIntoFourHasBoundariesZeroOneTwoFourFive()
    {
        var parts = Chunking.Contiguous(new[] { 10, 11, 12, 13, 14 }, 4);
        Assert.That(parts.Count, Is.EqualTo(4));
        Assert.That(parts[0], Is.EqualTo(new[] { 10 }));
        Assert.That(parts[1], Is.EqualTo(new[] { 11 }));
        Assert.That(parts[2], Is.EqualTo(new[] { 12, 13 }));
        Assert.That(parts[3], Is.EqualTo(new[] { 14 }));
    }

    [Test]
    public void MorePartsThanItemsIsCappedToItemCount()
    {
        var parts = Chunking.Contiguous(new[] { 'a', 'b' }, 4);
        Assert.That(parts.Count, Is.EqualTo(2));
        Assert.That(parts[0], Is.EqualTo(new[] { 'a' }));
        Assert.That(parts[1], Is.EqualTo(new[] { 'b' }));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void FewerThanOnePartThrows(int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Chunking.Contiguous(new[] { 1, 2, 3 }, n));
    }

    [Test]
    public void OrderIsPreservedAndNotSorted()
    {
        var items = new[] { "e", "a", "d", "b", "c" };
        var parts = Chunking.Contiguous(items, 2);
        Assert.That(parts[0], Is.EqualTo(new[] { "e", "a" }));
        Assert.That(parts[1], Is.EqualTo(new[] { "d", "b", "c" }));
        Assert.That(parts.SelectMany(p => p).ToArray(), Is.EqualTo(items));
    }

    [Test]
    public void EmptyInputGivesNoParts()
    {
        Assert.That(Chunking.Contiguous(Array.Empty<int>(), 3), Is.Empty);
    }

    [Test]
    public void PartsAreAContiguousCoverForManySizes()
    {
        for (int length = 1; length <= 40; length++)
            for (int n = 1; n <= 45; n++)
            {
                var items = Enumerable.Range(100, length).ToArray();
                var parts = Chunking.Contiguous(items, n);
                Assert.That(parts.Count, Is.EqualTo(Math.Min(n, length)), $"L={length} n={n}");
                Assert.That(parts.SelectMany(p => p).ToArray(), Is.EqualTo(items), $"L={length} n={n}");
                Assert.That(parts.All(p => p.Length > 0), Is.True, $"L={length} n={n}: empty part");
            }
    }
}

public class HeuristicsCasaStringTests
{
    [Test]
    public void RangeOfThreeThenSingle() => Assert.That(CasaString.RangeList([1, 2, 3, 5]), Is.EqualTo("1~3,5"));

    [Test]
    public void UnsortedWithDuplicates() => Assert.That(CasaString.RangeList([5, 3, 1, 2, 3, 2, 5]), Is.EqualTo("1~3,5"));

    [Test]
    public void Single() => Assert.That(CasaString.RangeList([7]), Is.EqualTo("7"));

    [Test]
    public void Empty() => Assert.That(CasaString.RangeList([]), Is.EqualTo(""));

    [Test]
    public void NoRuns() => Assert.That(CasaString.RangeList([1, 3, 5]), Is.EqualTo("1,3,5"));

    [Test]
    public void TwoAdjacentMakeARange() => Assert.That(CasaString.RangeList([0, 1]), Is.EqualTo("0~1"));

    [Test]
    public void SeveralRuns() => Assert.That(CasaString.RangeList([10, 11, 12, 20, 22, 23]), Is.EqualTo("10~12,20,22~23"));
}

public class HeuristicsSeparationAxisTests
{
    [TestCase("auto", SeparationAxis.Auto)]
    [TestCase("AUTO", SeparationAxis.Auto)]
    [TestCase("scan", SeparationAxis.Scan)]
    [TestCase("Scan", SeparationAxis.Scan)]
    [TestCase(" spw ", SeparationAxis.Spw)]
    [TestCase("SPW", SeparationAxis.Spw)]
    [TestCase("BaseLine", SeparationAxis.Baseline)]
    public void ParseIsCaseInsensitive(string text, SeparationAxis expected)
    {
        Assert.That(SeparationAxes.Parse(text), Is.EqualTo(expected));
    }

    [TestCase("both")]
    [TestCase("field")]
    [TestCase("")]
    public void UnknownAxisThrowsWithClearMessage(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => SeparationAxes.Parse(text));
        Assert.That(ex!.Message, Does.Contain($"'{text}'"));
        Assert.That(ex.Message, Does.Contain("auto").And.Contain("scan").And.Contain("spw").And.Contain("baseline"));
    }

    [TestCase(SeparationAxis.Auto, "scan,spw")]
    [TestCase(SeparationAxis.Scan, "scan")]
    [TestCase(SeparationAxis.Spw, "spw")]
    [TestCase(SeparationAxis.Baseline, "baseline")]
    public void AxisTypeText(SeparationAxis axis, string expected)
    {
        Assert.That(axis.AxisTypeText(), Is.EqualTo(expected));
    }

    [Test]
    public void AxisTypeTextRoundTrips()
    {
        foreach (var axis in Enum.GetValues<SeparationAxis>())
            Assert.That(SeparationAxes.FromAxisTypeText(axis.AxisTypeText()), Is.EqualTo(axis), axis.ToString());
    }

    [Test]
    public void FromAxisTypeTextEmptyIsUnknown() => Assert.That(SeparationAxes.FromAxisTypeText(""), Is.Null);

    [Test]
    public void FromAxisTypeTextGarbageIsUnknown() => Assert.That(SeparationAxes.FromAxisTypeText("field"), Is.Null);

    [Test]
    public void FromAxisTypeTextTrimsAndAcceptsAuto()
    {
        Assert.That(SeparationAxes.FromAxisTypeText(" scan,spw "), Is.EqualTo(SeparationAxis.Auto));
        Assert.That(SeparationAxes.FromAxisTypeText("auto"), Is.EqualTo(SeparationAxis.Auto));
        Assert.That(SeparationAxes.FromAxisTypeText(" baseline\n"), Is.EqualTo(SeparationAxis.Baseline));
    }
}

public class HeuristicsSubMsNamingTests
{
    [TestCase("/a/b/out.mms", "out")]
    [TestCase("out.mms", "out")]
    [TestCase("uid.ms", "uid")]
    [TestCase("/a/b/out.mms/", "out")]
    [TestCase("/a/b/out.mms.", "out")]
    [TestCase("/a/b/out.mms./", "out")]
    [TestCase("/a/b/out", "out")]
    [TestCase("/a/b/a.b.mms", "a.b")]
    public void BaseName(string outputVis, string expected)
    {
        Assert.That(SubMsNaming.BaseName(outputVis), Is.EqualTo(expected));
    }

    [Test]
    public void NameHasFourDigitIndex()
    {
        Assert.That(SubMsNaming.Name("out", 3), Is.EqualTo("out.0003.ms"));
        Assert.That(SubMsNaming.Name("out", 0), Is.EqualTo("out.0000.ms"));
        Assert.That(SubMsNaming.Name("uid", 123), Is.EqualTo("uid.0123.ms"));
        Assert.That(SubMsNaming.Name("x", 12345), Is.EqualTo("x.12345.ms"));
    }

    [Test]
    public void BaseNameThenName() =>
        Assert.That(SubMsNaming.Name(SubMsNaming.BaseName("/a/b/out.mms"), 3), Is.EqualTo("out.0003.ms"));

    [Test]
    public void SubDirIsSubmss() => Assert.That(SubMsNaming.SubDir, Is.EqualTo("SUBMSS"));
}

public class HeuristicsNumSubMsTests
{
    [Test]
    public void AutoWithoutWorkersIsEight() => Assert.That(NumSubMs.Resolve("auto", 0), Is.EqualTo(8));

    [Test]
    public void AutoWithWorkersIsWorkerCount() => Assert.That(NumSubMs.Resolve("auto", 3), Is.EqualTo(3));

    [Test]
    public void AutoIsCaseInsensitiveAndTrimmed() => Assert.That(NumSubMs.Resolve(" AUTO ", 5), Is.EqualTo(5));

    [Test]
    public void IntegerIsTakenAsIs()
    {
        Assert.That(NumSubMs.Resolve("5", 0), Is.EqualTo(5));
        Assert.That(NumSubMs.Resolve("5", 3), Is.EqualTo(5));
        Assert.That(NumSubMs.Resolve("1", 3), Is.EqualTo(1));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("x")]
    [TestCase("")]
    [TestCase("2.5")]
    public void InvalidThrows(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => NumSubMs.Resolve(value, 3));
        Assert.That(ex!.Message, Does.Contain("numsubms"));
    }
}

public class HeuristicsSpwReindexTests
{
    [Test]
    public void DenseIdsInAscendingOrder()
    {
        var ddis = new[]
        {
            new DdiInfo(5, 3, 0, 64, 2),
            new DdiInfo(2, 7, 0, 64, 2),
            new DdiInfo(9, 3, 1, 64, 4),
        };
        var map = SpwReindex.For(ddis);
        Assert.That(map.IsIdentity, Is.False);
        Assert.That(map.Spw.Count, Is.EqualTo(2));
        Assert.That(map.NewSpw(3), Is.EqualTo(0));
        Assert.That(map.NewSpw(7), Is.EqualTo(1));
        Assert.That(map.Ddi.Count, Is.EqualTo(3));
        Assert.That(map.NewDdi(2), Is.EqualTo(0));
        Assert.That(map.NewDdi(5), Is.EqualTo(1));
        Assert.That(map.NewDdi(9), Is.EqualTo(2));
    }

    [Test]
    public void GroupComesBeforeDdiId()
    {
        var ddis = new[]
        {
            new DdiInfo(2, 7, 0, 64, 2),
            new DdiInfo(5, 3, 0, 64, 2),
            new DdiInfo(9, 3, 1, 64, 4),
        };
        // DDI 9 in group 0, the others in group 1: 9 first, then 2, 5 by DDI id.
        var map = SpwReindex.For(ddis, d => d.Ddi == 9 ? 0 : 1);
        Assert.That(map.NewDdi(9), Is.EqualTo(0));
        Assert.That(map.NewDdi(2), Is.EqualTo(1));
        Assert.That(map.NewDdi(5), Is.EqualTo(2));
        // spws are still numbered by ascending spw id
        Assert.That(map.NewSpw(3), Is.EqualTo(0));
        Assert.That(map.NewSpw(7), Is.EqualTo(1));
    }

    [Test]
    public void IdentityKeepsIds()
    {
        var id = SpwReindex.Identity;
        Assert.That(id.IsIdentity, Is.True);
        Assert.That(id.NewDdi(7), Is.EqualTo(7));
        Assert.That(id.NewSpw(3), Is.EqualTo(3));
        Assert.That(id.NewDdi(0), Is.EqualTo(0));
    }

    [Test]
    public void UnselectedIdThrowsOnANonIdentityMap()
    {
        var map = SpwReindex.For([new DdiInfo(4, 1, 0, 8, 1)]);
        Assert.That(map.NewDdi(4), Is.EqualTo(0));
        Assert.That(map.NewSpw(1), Is.EqualTo(0));
        Assert.Throws<KeyNotFoundException>(() => map.NewDdi(3));
        Assert.Throws<KeyNotFoundException>(() => map.NewSpw(0));
    }
}

public class HeuristicsBalancedMapTests
{
    private static ScanDdiLoad P(int scan, int ddi, double nvis, int field = 0) => new(scan, ddi, field, nvis);

    private static List<(int Scan, int Ddi)> PairsOf(BalancedMap.Bin bin) =>
        bin.Groups.SelectMany(g => g.Scans.Select(s => (s, g.Ddi))).ToList();

    // 3 scans x 2 DDIs, one field, 2 bins. Worked by hand (floor(total/2): scan1 75, scan2 60, scan3 45, ddi0 120,
    // ddi1 60, field 225). Sorted: (1,0,100) (2,0,80) (3,0,60) (1,1,50) (2,1,40) (3,1,30).
    //  (1,0,100): gaps equal, totals equal -> bin 0
    //  (2,0,80):  scan2 [60,60] ddi0 [20,120] field [125,225] -> [205,405] -> bin 1
    //  (3,0,60):  scan3 [45,45] ddi0 [20,40]  field [125,145] -> [190,230] -> bin 1
    //  (1,1,50):  scan1 [0,100] ddi1 [60,60]  field [125,85]  -> [185,245] -> bin 1
    //  (2,1,40):  scan2 [80,0]  ddi1 [60,10]  field [125,35]  -> [265,45]  -> bin 0
    //  (3,1,30):  scan3 [60,0]  ddi1 [20,10]  field [85,35]   -> [165,45]  -> bin 0
    private static readonly ScanDdiLoad[] Worked =
    [
        P(2, 1, 40), P(3, 0, 60), P(1, 1, 50), P(1, 0, 100), P(3, 1, 30), P(2, 0, 80),
    ];

    [Test]
    public void WorkedExampleBins()
    {
        var bins = BalancedMap.Build(Worked, 2);
        Assert.That(bins.Count, Is.EqualTo(2));
        Assert.That(bins[0].Index, Is.EqualTo(0));
        Assert.That(bins[1].Index, Is.EqualTo(1));
        Assert.That(bins[0].NVis, Is.EqualTo(170.0));
        Assert.That(bins[1].NVis, Is.EqualTo(190.0));

        Assert.That(bins[0].Groups.Select(g => g.Ddi).ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(bins[0].Groups[0].Scans, Is.EqualTo(new[] { 1 }));
        Assert.That(bins[0].Groups[1].Scans, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(bins[1].Groups.Select(g => g.Ddi).ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(bins[1].Groups[0].Scans, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(bins[1].Groups[1].Scans, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void WorkedExampleTaql()
    {
        var bins = BalancedMap.Build(Worked, 2);
        Assert.That(BalancedMap.Taql(bins[0]),
            Is.EqualTo("(DATA_DESC_ID==0 && (SCAN_NUMBER IN [1])) OR (DATA_DESC_ID==1 && (SCAN_NUMBER IN [2, 3]))"));
        Assert.That(BalancedMap.Taql(bins[1]),
            Is.EqualTo("(DATA_DESC_ID==0 && (SCAN_NUMBER IN [2, 3])) OR (DATA_DESC_ID==1 && (SCAN_NUMBER IN [1]))"));
    }

    [Test]
    public void GroupsFollowInsertionOrderNotDdiOrder()
    {
        // One bin; sorted (1,1,100) (1,0,10) (2,1,5): the DDI 1 group is created first and collects scans 1, 2.
        var bins = BalancedMap.Build([P(1, 0, 10), P(1, 1, 100), P(2, 1, 5)], 1);
        Assert.That(bins.Count, Is.EqualTo(1));
        Assert.That(BalancedMap.Taql(bins[0]),
            Is.EqualTo("(DATA_DESC_ID==1 && (SCAN_NUMBER IN [1, 2])) OR (DATA_DESC_ID==0 && (SCAN_NUMBER IN [1]))"));
        Assert.That(bins[0].NVis, Is.EqualTo(115.0));
    }

    [Test]
    public void ScanTieBreakIsLexicographic()
    {
        // Equal nVis: descending string order is "9" > "10", so scan 9 is placed first (bin 0) and scan 10 then
        // goes to bin 1 (ddi0/field gaps [0,100]). Numeric order would put scan 10 in bin 0.
        var bins = BalancedMap.Build([P(10, 0, 100), P(9, 0, 100)], 2);
        Assert.That(PairsOf(bins[0]), Is.EqualTo(new[] { (9, 0) }));
        Assert.That(PairsOf(bins[1]), Is.EqualTo(new[] { (10, 0) }));
    }

    [Test]
    public void ScanTieBreakIsLexicographicWithThreeScans()
    {
        // Descending strings: "9" > "10" > "1". 9 -> bin 0; 10 -> bins 1,2 tie on gap and total -> bin 1; 1 -> bin 2.
        var bins = BalancedMap.Build([P(1, 0, 100), P(9, 0, 100), P(10, 0, 100)], 3);
        Assert.That(PairsOf(bins[0]), Is.EqualTo(new[] { (9, 0) }));
        Assert.That(PairsOf(bins[1]), Is.EqualTo(new[] { (10, 0) }));
        Assert.That(PairsOf(bins[2]), Is.EqualTo(new[] { (1, 0) }));
    }

    [Test]
    public void DdiTieBreakIsLexicographic()
    {
        // Same scan, equal nVis: descending strings "2" > "10", so DDI 2 is placed first (bin 0).
        var bins = BalancedMap.Build([P(4, 10, 50), P(4, 2, 50)], 2);
        Assert.That(PairsOf(bins[0]), Is.EqualTo(new[] { (4, 2) }));
        Assert.That(PairsOf(bins[1]), Is.EqualTo(new[] { (4, 10) }));
    }

    [Test]
    public void NVisDominatesTieBreak()
    {
        // scan 1 has more visibilities than scan 9, so it goes first despite "9" > "1".
        var bins = BalancedMap.Build([P(9, 0, 100), P(1, 0, 101)], 2);
        Assert.That(PairsOf(bins[0]), Is.EqualTo(new[] { (1, 0) }));
        Assert.That(PairsOf(bins[1]), Is.EqualTo(new[] { (9, 0) }));
    }

    [Test]
    public void FieldAxisIsBalancedToo()
    {
        // Two fields (odd scans f0, even scans f1), 2 bins, equal nVis -> order by scan string descending: 4,3,2,1.
        // floor(total/2): scan 50, ddi0 200, f0 100, f1 100.
        //  4 (f1): all equal -> bin 0
        //  3 (f0): ddi0 total 400 floor 200, dist [100,0] -> [100,200]; f0 [100,100]; scan [100,100] -> bin 1
        //  2 (f1): ddi0 dist [100,100] target 200 -> [100,100]; f1 dist [100,0] target 100 -> [0,100]; scan eq -> bin 1
        //  1 (f0): ddi0 dist [100,200] target 200 -> [100,0]; f0 dist [0,100] target 100 -> [100,0] -> bin 0
        var bins = BalancedMap.Build([P(1, 0, 100, 0), P(2, 0, 100, 1), P(3, 0, 100, 0), P(4, 0, 100, 1)], 2);
        Assert.That(PairsOf(bins[0]), Is.EqualTo(new[] { (4, 0), (1, 0) }));
        Assert.That(PairsOf(bins[1]), Is.EqualTo(new[] { (3, 0), (2, 0) }));
        Assert.That(BalancedMap.Taql(bins[0]), Is.EqualTo("(DATA_DESC_ID==0 && (SCAN_NUMBER IN [4, 1]))"));
    }

    [Test]
    public void EveryPairInExactlyOneBin()
    {
        var pairs = new List<ScanDdiLoad>();
        for (int scan = 1; scan <= 13; scan++)
            for (int ddi = 0; ddi < 4; ddi++)
                pairs.Add(P(scan, ddi, (scan * 37 + ddi * 11) % 23 + 1, scan % 3));
        foreach (var n in new[] { 1, 2, 3, 5, 8, 52 })
        {
            var bins = BalancedMap.Build(pairs, n);
            Assert.That(bins.Count, Is.EqualTo(n));
            var placed = bins.SelectMany(PairsOf).ToList();
            Assert.That(placed, Is.EquivalentTo(pairs.Select(p => (p.Scan, p.Ddi))), $"n={n}");
            Assert.That(placed.Distinct().Count(), Is.EqualTo(placed.Count));
            Assert.That(bins.Sum(b => b.NVis), Is.EqualTo(pairs.Sum(p => p.NVis)).Within(1e-9));
            foreach (var bin in bins)
            {
                double expected = PairsOf(bin).Sum(sd => pairs.Single(p => p.Scan == sd.Scan && p.Ddi == sd.Ddi).NVis);
                Assert.That(bin.NVis, Is.EqualTo(expected).Within(1e-9));
                // one group per DDI within a bin
                Assert.That(bin.Groups.Select(g => g.Ddi).Distinct().Count(), Is.EqualTo(bin.Groups.Count));
            }
        }
    }

    [Test]
    public void MoreSubMssThanPairsWarnsAndCaps()
    {
        var warnings = new List<string>();
        var bins = BalancedMap.Build([P(1, 0, 10), P(2, 0, 20)], 5, warnings.Add);
        Assert.That(bins.Count, Is.EqualTo(2));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "Number of subMSs (5) is greater than available scan,ddi pairs (2), setting nsubms to 2",
        }));
        Assert.That(bins.All(b => b.Groups.Count == 1), Is.True);
    }

    [Test]
    public void NoWarningWhenEnoughPairs()
    {
        var warnings = new List<string>();
        BalancedMap.Build(Worked, 6, warnings.Add);
        BalancedMap.Build(Worked, 2, warnings.Add);
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void NoPairsGivesNoBins() => Assert.That(BalancedMap.Build([], 4), Is.Empty);

    [Test]
    public void TaqlFormat()
    {
        var bin = new BalancedMap.Bin(0, [(0, [1, 3]), (2, [5])], 0);
        Assert.That(BalancedMap.Taql(bin),
            Is.EqualTo("(DATA_DESC_ID==0 && (SCAN_NUMBER IN [1, 3])) OR (DATA_DESC_ID==2 && (SCAN_NUMBER IN [5]))"));
    }
}

public class HeuristicsPartitionPlannerTests
{
    // 4 antennas -> 10 baselines with autocorrelations, row-major.
    private static readonly (int A1, int A2)[] Baselines4 =
        [(0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)];

    private static readonly Dictionary<int, DdiInfo> TwoDdis = new()
    {
        [0] = new DdiInfo(0, 0, 0, 16, 2),
        [1] = new DdiInfo(1, 1, 0, 8, 4),
    };

    /// <summary>Rows in time order: for each scan, `times` integrations, each with every DDI × every baseline.</summary>
    private static VisIndex Grid(int[] scans, int[] ddis, int times = 2)
    {
        var scan = new List<int>(); var ddi = new List<int>(); var a1 = new List<int>(); var a2 = new List<int>(); var field = new List<int>();
        foreach (var s in scans)
            for (int t = 0; t < times; t++)
                foreach (var d in ddis)
                    foreach (var (x, y) in Baselines4)
                    {
                        scan.Add(s); ddi.Add(d); a1.Add(x); a2.Add(y); field.Add(s % 2);
                    }
        return new VisIndex(scan.ToArray(), ddi.ToArray(), a1.ToArray(), a2.ToArray(), field.ToArray());
    }

    private static void AssertEveryRowAssigned(PartitionPlan plan, VisIndex vis)
    {
        Assert.That(plan.RowSubMs.Length, Is.EqualTo(vis.NRow));
        Assert.That(plan.RowSubMs.All(k => k >= 0 && k < plan.SubMss.Count), Is.True);
        Assert.That(plan.SubMss.Select(s => s.Index).ToArray(), Is.EqualTo(Enumerable.Range(0, plan.SubMss.Count).ToArray()));
        // no empty sub-MS
        for (int k = 0; k < plan.SubMss.Count; k++)
            Assert.That(plan.RowSubMs.Contains(k), Is.True, $"sub-MS {k} has no rows");
    }

    // ---------------- scan axis ----------------

    [Test]
    public void ScanAxisChunksFourScansIntoThree()
    {
        var vis = Grid([1, 2, 3, 4], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Scan, 3, vis, TwoDdis, reindexSpws: false);
        Assert.That(plan.Axis, Is.EqualTo(SeparationAxis.Scan));
        AssertEveryRowAssigned(plan, vis);
        // L=4, n=3: 1.333 -> 1, 2.667 -> 3: [1], [2,3], [4]
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "scan=1", "scan=2~3", "scan=4" }));
        var expectedSub = new Dictionary<int, int> { [1] = 0, [2] = 1, [3] = 1, [4] = 2 };
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(expectedSub[vis.Scan[r]]), $"row {r}");
        Assert.That(plan.SubMss.All(s => s.DdiStart == 0 && s.Spws.Length == 0), Is.True);
        Assert.That(plan.Reindex.IsIdentity, Is.True);
    }

    [Test]
    public void ScanAxisEachScanInExactlyOneSubMs()
    {
        var vis = Grid([1, 2, 3, 5, 7], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Scan, 2, vis, TwoDdis, reindexSpws: false);
        AssertEveryRowAssigned(plan, vis);
        // L=5, n=2: 2.5 -> 2: [1,2], [3,5,7]
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "scan=1~2", "scan=3,5,7" }));
        foreach (var g in Enumerable.Range(0, vis.NRow).GroupBy(r => vis.Scan[r]))
            Assert.That(g.Select(r => plan.RowSubMs[r]).Distinct().Count(), Is.EqualTo(1), $"scan {g.Key}");
    }

    [Test]
    public void ScanAxisScansOutOfOrderInRows()
    {
        // rows of scan 3 before scan 1: chunking is over sorted scan numbers, not row order
        var vis = Grid([3, 1, 2], [0]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Scan, 2, vis, TwoDdis, reindexSpws: false);
        // L=3, n=2: 1.5 -> 2: [1,2], [3]
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "scan=1~2", "scan=3" }));
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(vis.Scan[r] == 3 ? 1 : 0));
    }

    [Test]
    public void ScanAxisCapsAtNumberOfScans()
    {
        var vis = Grid([1, 2, 3, 4], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Scan, 8, vis, TwoDdis, reindexSpws: false);
        Assert.That(plan.SubMss.Count, Is.EqualTo(4));
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(vis.Scan[r] - 1));
    }

    [Test]
    public void ScanAxisReindexWhenAsked()
    {
        var ddis = new Dictionary<int, DdiInfo>
        {
            [0] = new DdiInfo(0, 0, 0, 16, 2),
            [1] = new DdiInfo(1, 4, 0, 16, 2),
            [2] = new DdiInfo(2, 2, 0, 16, 2),
        };
        var vis = Grid([1, 2], [2, 1]); // DDI 0 not selected
        var plan = PartitionPlanner.Plan(SeparationAxis.Scan, 2, vis, ddis, reindexSpws: true);
        Assert.That(plan.Reindex.IsIdentity, Is.False);
        Assert.That(plan.Reindex.Ddi.Count, Is.EqualTo(2));
        Assert.That(plan.Reindex.NewDdi(1), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewDdi(2), Is.EqualTo(1));
        Assert.That(plan.Reindex.NewSpw(2), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewSpw(4), Is.EqualTo(1));
    }

    // ---------------- spw axis ----------------

    [Test]
    public void SpwAxisOneDdiPerSpw()
    {
        var vis = Grid([1, 2, 3, 4], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Spw, 8, vis, TwoDdis, reindexSpws: false);
        AssertEveryRowAssigned(plan, vis);
        Assert.That(plan.SubMss.Count, Is.EqualTo(2));
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "spw=0", "spw=1" }));
        Assert.That(plan.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(plan.SubMss[0].Spws, Is.EqualTo(new[] { 0 }));
        Assert.That(plan.SubMss[1].Spws, Is.EqualTo(new[] { 1 }));
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(vis.Ddi[r]));
        Assert.That(plan.Reindex.IsIdentity, Is.True, "without a selection that changes spws, the input's ids stay");
    }

    // DDI 0 -> spw 2, DDI 1 -> spw 0, DDIs 2 and 3 -> spw 1 (two polarizations).
    private static readonly Dictionary<int, DdiInfo> FourDdis = new()
    {
        [0] = new DdiInfo(0, 2, 0, 32, 2),
        [1] = new DdiInfo(1, 0, 0, 64, 2),
        [2] = new DdiInfo(2, 1, 0, 16, 2),
        [3] = new DdiInfo(3, 1, 1, 16, 4),
    };

    /// <summary>Re-indexing (a selection changed the spws) numbers DDIs chunk by chunk from each sub-MS's ddistart.</summary>
    private static void AssertReindexMatchesDdiStart(PartitionPlan plan, VisIndex vis)
    {
        // new DDI ids are dense over the selected DDIs
        var selected = vis.Ddi.Distinct().ToList();
        Assert.That(selected.Select(plan.Reindex.NewDdi).Order().ToArray(),
            Is.EqualTo(Enumerable.Range(0, selected.Count).ToArray()));
        // the new DDI ids of sub-MS k are exactly DdiStart_k .. DdiStart_k + (its DDI count) - 1
        for (int k = 0; k < plan.SubMss.Count; k++)
        {
            var newIds = Enumerable.Range(0, vis.NRow).Where(r => plan.RowSubMs[r] == k)
                .Select(r => plan.Reindex.NewDdi(vis.Ddi[r])).Distinct().Order().ToArray();
            int start = plan.SubMss[k].DdiStart;
            Assert.That(newIds, Is.EqualTo(Enumerable.Range(start, newIds.Length).ToArray()), $"sub-MS {k}");
            int nextStart = k + 1 < plan.SubMss.Count ? plan.SubMss[k + 1].DdiStart : selected.Count;
            Assert.That(start + newIds.Length, Is.EqualTo(nextStart), $"sub-MS {k}");
        }
    }

    [Test]
    public void SpwAxisDdiStartCountsDdisOfTwoPolarizationSpw()
    {
        var vis = Grid([1, 2], [0, 1, 2, 3]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Spw, 2, vis, FourDdis, reindexSpws: true);
        AssertEveryRowAssigned(plan, vis);
        // spws [0,1,2], L=3 n=2: 1.5 -> 2: [0,1], [2]; ddistart 0, then DDIs of spws 0,1 = {1,2,3} -> 3
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "spw=0~1", "spw=2" }));
        Assert.That(plan.SubMss[0].Spws, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(plan.SubMss[1].Spws, Is.EqualTo(new[] { 2 }));
        Assert.That(plan.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 3 }));
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(vis.Ddi[r] == 0 ? 1 : 0), $"row {r}");
        // chunk 0's DDIs 1,2,3 -> 0,1,2; chunk 1's DDI 0 -> 3
        Assert.That(plan.Reindex.NewDdi(1), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewDdi(2), Is.EqualTo(1));
        Assert.That(plan.Reindex.NewDdi(3), Is.EqualTo(2));
        Assert.That(plan.Reindex.NewDdi(0), Is.EqualTo(3));
        Assert.That(plan.Reindex.NewSpw(0), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewSpw(1), Is.EqualTo(1));
        Assert.That(plan.Reindex.NewSpw(2), Is.EqualTo(2));
        AssertReindexMatchesDdiStart(plan, vis);
    }

    [Test]
    public void SpwAxisOneSubMsPerSpwWithTwoDdisOnOneSpw()
    {
        var vis = Grid([1, 2, 3], [3, 2, 1, 0]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Spw, 3, vis, FourDdis, reindexSpws: true);
        AssertEveryRowAssigned(plan, vis);
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "spw=0", "spw=1", "spw=2" }));
        // spw 0 has 1 DDI, spw 1 has 2 DDIs: ddistart 0, 1, 3
        Assert.That(plan.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 1, 3 }));
        var expectedSub = new Dictionary<int, int> { [0] = 2, [1] = 0, [2] = 1, [3] = 1 };
        for (int r = 0; r < vis.NRow; r++)
            Assert.That(plan.RowSubMs[r], Is.EqualTo(expectedSub[vis.Ddi[r]]), $"row {r}");
        Assert.That(plan.Reindex.NewDdi(1), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewDdi(2), Is.EqualTo(1));
        Assert.That(plan.Reindex.NewDdi(3), Is.EqualTo(2));
        Assert.That(plan.Reindex.NewDdi(0), Is.EqualTo(3));
        AssertReindexMatchesDdiStart(plan, vis);
    }

    [Test]
    public void SpwAxisSubsetOfDdisIsReindexedDensely()
    {
        // only DDI 3 (spw 1) and DDI 0 (spw 2) selected
        var vis = Grid([1, 2], [0, 3]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Spw, 4, vis, FourDdis, reindexSpws: true);
        AssertEveryRowAssigned(plan, vis);
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "spw=1", "spw=2" }));
        Assert.That(plan.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(plan.Reindex.Ddi.Count, Is.EqualTo(2));
        Assert.That(plan.Reindex.NewDdi(3), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewDdi(0), Is.EqualTo(1));
        Assert.That(plan.Reindex.NewSpw(1), Is.EqualTo(0));
        Assert.That(plan.Reindex.NewSpw(2), Is.EqualTo(1));
        AssertReindexMatchesDdiStart(plan, vis);
    }

    [Test]
    public void SpwAxisManySpwsContiguousChunks()
    {
        // 5 spws, one DDI each except spw 3 with 3 DDIs; n=2: 2.5 -> 2: [0,1], [2,3,4]
        var ddis = new Dictionary<int, DdiInfo>();
        int id = 0;
        foreach (var (spw, count) in new[] { (0, 1), (1, 1), (2, 1), (3, 3), (4, 1) })
            for (int p = 0; p < count; p++, id++)
                ddis[id] = new DdiInfo(id, spw, p, 8, 2);
        var vis = Grid([1], Enumerable.Range(0, id).ToArray(), times: 1);
        var plan = PartitionPlanner.Plan(SeparationAxis.Spw, 2, vis, ddis, reindexSpws: true);
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[] { "spw=0~1", "spw=2~4" }));
        Assert.That(plan.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 2 }));
        var plan5 = PartitionPlanner.Plan(SeparationAxis.Spw, 5, vis, ddis, reindexSpws: true);
        Assert.That(plan5.SubMss.Select(s => s.DdiStart).ToArray(), Is.EqualTo(new[] { 0, 1, 2, 3, 6 }));
        AssertReindexMatchesDdiStart(plan, vis);
        AssertReindexMatchesDdiStart(plan5, vis);
    }

    // ---------------- baseline axis ----------------

    [Test]
    public void BaselineAxisTenBaselinesIntoThree()
    {
        var vis = Grid([1, 2, 3, 4], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Baseline, 3, vis, TwoDdis, reindexSpws: false);
        Assert.That(plan.Axis, Is.EqualTo(SeparationAxis.Baseline));
        AssertEveryRowAssigned(plan, vis);
        // L=10, n=3: 3.333 -> 3, 6.667 -> 7: baselines [0..3), [3..7), [7..10) in row-major order
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[]
        {
            "(ANTENNA1==0 && (ANTENNA2 IN [0, 1, 2]))",
            "(ANTENNA1==0 && (ANTENNA2 IN [3])) OR (ANTENNA1==1 && (ANTENNA2 IN [1, 2, 3]))",
            "(ANTENNA1==2 && (ANTENNA2 IN [2, 3])) OR (ANTENNA1==3 && (ANTENNA2 IN [3]))",
        }));
        var blIndex = Baselines4.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => x.i);
        for (int r = 0; r < vis.NRow; r++)
        {
            int i = blIndex[(vis.Ant1[r], vis.Ant2[r])];
            int expected = i < 3 ? 0 : i < 7 ? 1 : 2;
            Assert.That(plan.RowSubMs[r], Is.EqualTo(expected), $"row {r}");
        }
        // each baseline in exactly one sub-MS
        foreach (var g in Enumerable.Range(0, vis.NRow).GroupBy(r => (vis.Ant1[r], vis.Ant2[r])))
            Assert.That(g.Select(r => plan.RowSubMs[r]).Distinct().Count(), Is.EqualTo(1));
        Assert.That(plan.Reindex.IsIdentity, Is.True);
    }

    [Test]
    public void BaselineAxisOneSubMsPerBaselineWhenEnough()
    {
        var vis = Grid([1, 2], [0]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Baseline, 64, vis, TwoDdis, reindexSpws: false);
        Assert.That(plan.SubMss.Count, Is.EqualTo(10));
        for (int i = 0; i < Baselines4.Length; i++)
            Assert.That(plan.SubMss[i].Selection,
                Is.EqualTo($"(ANTENNA1=={Baselines4[i].A1} && (ANTENNA2 IN [{Baselines4[i].A2}]))"));
    }

    [Test]
    public void BaselineAxisSwappedAntennasAreTheSameBaseline()
    {
        // rows (0,1), (1,0), (2,3), (3,2), (1,1): baselines (0,1), (1,1), (2,3); n=3 -> one each
        var vis = new VisIndex([1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [0, 1, 2, 3, 1], [1, 0, 3, 2, 1], [0, 0, 0, 0, 0]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Baseline, 3, vis, TwoDdis, reindexSpws: false);
        Assert.That(plan.SubMss.Count, Is.EqualTo(3));
        Assert.That(plan.RowSubMs, Is.EqualTo(new[] { 0, 0, 2, 2, 1 }));
        Assert.That(plan.SubMss[1].Selection, Is.EqualTo("(ANTENNA1==1 && (ANTENNA2 IN [1]))"));
    }

    [Test]
    public void BaselineTaqlText()
    {
        Assert.That(PartitionPlanner.BaselineTaql([(0, 1), (0, 2), (1, 1), (3, 5)]),
            Is.EqualTo("(ANTENNA1==0 && (ANTENNA2 IN [1, 2])) OR (ANTENNA1==1 && (ANTENNA2 IN [1])) OR (ANTENNA1==3 && (ANTENNA2 IN [5]))"));
        Assert.That(PartitionPlanner.BaselineTaql([(2, 7)]), Is.EqualTo("(ANTENNA1==2 && (ANTENNA2 IN [7]))"));
    }

    // ---------------- auto axis ----------------

    /// <summary>The worked BalancedMap example as rows: DDI 0 = 10 chan × 2 corr (20/row), DDI 1 = 5 × 2 (10/row).</summary>
    private static (VisIndex Vis, Dictionary<int, DdiInfo> Ddis) WorkedAutoExample()
    {
        var ddis = new Dictionary<int, DdiInfo>
        {
            [0] = new DdiInfo(0, 0, 0, 10, 2),
            [1] = new DdiInfo(1, 1, 0, 5, 2),
        };
        // scan s has (6 - s) integrations: scan 1: 5 rows per DDI, scan 2: 4, scan 3: 3 -> nVis
        // (1,0)=100 (1,1)=50 (2,0)=80 (2,1)=40 (3,0)=60 (3,1)=30
        var scan = new List<int>(); var ddi = new List<int>(); var a1 = new List<int>(); var a2 = new List<int>();
        foreach (var s in new[] { 1, 2, 3 })
            for (int t = 0; t < 6 - s; t++)
                foreach (var d in new[] { 0, 1 })
                {
                    scan.Add(s); ddi.Add(d); a1.Add(t % 2); a2.Add(1 + t % 3);
                }
        var vis = new VisIndex(scan.ToArray(), ddi.ToArray(), a1.ToArray(), a2.ToArray(), new int[scan.Count]);
        return (vis, ddis);
    }

    [Test]
    public void ScanDdiLoadsCountRowsTimesChannelsTimesCorrelations()
    {
        var (vis, ddis) = WorkedAutoExample();
        var loads = ScanDdiLoads.From(vis, ddis);
        Assert.That(loads, Is.EqualTo(new[]
        {
            new ScanDdiLoad(1, 0, 0, 100), new ScanDdiLoad(1, 1, 0, 50),
            new ScanDdiLoad(2, 0, 0, 80), new ScanDdiLoad(2, 1, 0, 40),
            new ScanDdiLoad(3, 0, 0, 60), new ScanDdiLoad(3, 1, 0, 30),
        }));
    }

    [Test]
    public void ScanDdiLoadsTakeFieldOfFirstRow()
    {
        var vis = new VisIndex([4, 4, 4], [0, 0, 0], [0, 0, 0], [1, 1, 1], [7, 3, 3]);
        var loads = ScanDdiLoads.From(vis, TwoDdis);
        Assert.That(loads, Is.EqualTo(new[] { new ScanDdiLoad(4, 0, 7, 3 * 16 * 2) }));
    }

    [Test]
    public void AutoAxisLoadsAreBalancedAsTheMapSays()
    {
        var (vis, ddis) = WorkedAutoExample();
        var plan = PartitionPlanner.Plan(SeparationAxis.Auto, 2, vis, ddis, reindexSpws: false);
        Assert.That(plan.Axis, Is.EqualTo(SeparationAxis.Auto));
        AssertEveryRowAssigned(plan, vis);
        Assert.That(plan.SubMss.Select(s => s.Selection).ToArray(), Is.EqualTo(new[]
        {
            "(DATA_DESC_ID==0 && (SCAN_NUMBER IN [1])) OR (DATA_DESC_ID==1 && (SCAN_NUMBER IN [2, 3]))",
            "(DATA_DESC_ID==0 && (SCAN_NUMBER IN [2, 3])) OR (DATA_DESC_ID==1 && (SCAN_NUMBER IN [1]))",
        }));
        var expectedSub = new Dictionary<(int, int), int>
        {
            [(1, 0)] = 0, [(2, 1)] = 0, [(3, 1)] = 0,
            [(2, 0)] = 1, [(3, 0)] = 1, [(1, 1)] = 1,
        };
        var load = new double[2];
        for (int r = 0; r < vis.NRow; r++)
        {
            Assert.That(plan.RowSubMs[r], Is.EqualTo(expectedSub[(vis.Scan[r], vis.Ddi[r])]), $"row {r}");
            var d = ddis[vis.Ddi[r]];
            load[plan.RowSubMs[r]] += d.NChan * d.NCorr;
        }
        Assert.That(load, Is.EqualTo(new[] { 170.0, 190.0 }));
        Assert.That(plan.SubMss.All(s => s.DdiStart == 0), Is.True);
    }

    [Test]
    public void AutoAxisWarnsAndCapsThroughPlanner()
    {
        var (vis, ddis) = WorkedAutoExample();
        var warnings = new List<string>();
        var plan = PartitionPlanner.Plan(SeparationAxis.Auto, 8, vis, ddis, reindexSpws: false, warnings.Add);
        Assert.That(plan.SubMss.Count, Is.EqualTo(6));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "Number of subMSs (8) is greater than available scan,ddi pairs (6), setting nsubms to 6",
        }));
        AssertEveryRowAssigned(plan, vis);
        // one (scan, ddi) pair per sub-MS
        foreach (var g in Enumerable.Range(0, vis.NRow).GroupBy(r => plan.RowSubMs[r]))
            Assert.That(g.Select(r => (vis.Scan[r], vis.Ddi[r])).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void AutoAxisOnGridEveryPairInOneSubMs()
    {
        var vis = Grid([1, 2, 3, 4], [0, 1]);
        var plan = PartitionPlanner.Plan(SeparationAxis.Auto, 3, vis, TwoDdis, reindexSpws: true);
        AssertEveryRowAssigned(plan, vis);
        foreach (var g in Enumerable.Range(0, vis.NRow).GroupBy(r => (vis.Scan[r], vis.Ddi[r])))
            Assert.That(g.Select(r => plan.RowSubMs[r]).Distinct().Count(), Is.EqualTo(1));
        Assert.That(plan.Reindex.IsIdentity, Is.False);
    }

    /// <summary>With the rows' times, 'auto' numbers the sub-MSs by their first time; the bins themselves are CASA's.</summary>
    [Test]
    public void AutoAxisNumbersSubMssByTheirFirstTime()
    {
        var grid = Grid([1, 2, 3, 4, 5, 6], [0, 1]);
        // scan s observed from 100·s seconds on: time order is scan order
        var timed = grid with { Time = grid.Scan.Select((s, r) => 100.0 * s + r % 4).ToArray() };
        var casa = PartitionPlanner.Plan(SeparationAxis.Auto, 3, grid, TwoDdis, reindexSpws: false);
        var plan = PartitionPlanner.Plan(SeparationAxis.Auto, 3, timed, TwoDdis, reindexSpws: false);
        double First(int sub) => Enumerable.Range(0, timed.NRow).Where(r => plan.RowSubMs[r] == sub).Min(r => timed.Time![r]);
        Assert.That(Enumerable.Range(0, plan.SubMss.Count).Select(First), Is.Ordered.Ascending);
        Assert.That(plan.SubMss.Select(s => s.Index), Is.EqualTo(Enumerable.Range(0, plan.SubMss.Count)));
        // The same bins as CASA's map, only renumbered: rows that share a bin there share one here.
        var pairs = Enumerable.Range(0, grid.NRow).Select(r => (casa.RowSubMs[r], plan.RowSubMs[r])).Distinct().ToList();
        Assert.That(pairs.Select(p => p.Item1).Distinct().Count(), Is.EqualTo(pairs.Count));
        Assert.That(pairs.Select(p => p.Item2).Distinct().Count(), Is.EqualTo(pairs.Count));
        Assert.That(plan.SubMss.Select(s => s.Selection).Order(), Is.EqualTo(casa.SubMss.Select(s => s.Selection).Order()));
        Assert.That(casa.RowSubMs, Is.Not.EqualTo(plan.RowSubMs), "CASA's packing order puts a later scan first here");
    }

    // ---------------- errors ----------------

    [TestCase(SeparationAxis.Scan)]
    [TestCase(SeparationAxis.Spw)]
    [TestCase(SeparationAxis.Baseline)]
    [TestCase(SeparationAxis.Auto)]
    public void EmptyVisIndexThrows(SeparationAxis axis)
    {
        var empty = new VisIndex([], [], [], [], []);
        Assert.Throws<ArgumentException>(() => PartitionPlanner.Plan(axis, 4, empty, TwoDdis, reindexSpws: false));
    }
}
