using MmsMpi.Casacore;
using MmsMpi.Kernels;
using NUnit.Framework;

namespace MmsMpi.Tests;

// Hand-computed expectations for the time-averaging accumulator (fact sheet §5.2), through both paths and Run.
public class KernelTimeAverageTests
{
    private static readonly string[] Paths = ["Scalar", "Simd", "Run"];

    // Feeds the rows of one cell in order (the first starts the bin) and returns the finished average.
    private static (ComplexF[] Vis, bool[] Flag, float[] Weight) Average(string path, params (ComplexF[] Vis, bool[] Flag, float[] Weight)[] rows)
    {
        int n = rows[0].Vis.Length;
        var (sum, sw, acc) = (new ComplexF[n], new float[n], new bool[n]);
        for (int r = 0; r < rows.Length; r++)
        {
            var (v, f, w) = rows[r];
            switch (path)
            {
                case "Scalar": TimeAverage.AccumulateScalar(v, f, w, sum, sw, acc, r == 0); break;
                case "Simd": TimeAverage.AccumulateSimd(v, f, w, sum, sw, acc, r == 0); break;
                default: TimeAverage.Accumulate(v, f, w, sum, sw, acc, r == 0); break;
            }
        }
        var (ov, of, ow) = (new ComplexF[n], new bool[n], new float[n]);
        TimeAverage.Finish(sum, sw, acc, ov, of, ow);
        return (ov, of, ow);
    }

    // One row of a 5-element cell, every element the same (so both the vector body and the scalar tail see it).
    private static (ComplexF[], bool[], float[]) Row(float v, bool flagged, float w) =>
        (Enumerable.Repeat(new ComplexF(v, -v), 5).ToArray(), Enumerable.Repeat(flagged, 5).ToArray(), Enumerable.Repeat(w, 5).ToArray());

    [TestCaseSource(nameof(Paths))]
    public void FirstUnflaggedDatumResetsAndLaterFlaggedDataIsSkipped(string path)
    {
        var (ov, of, ow) = Average(path,
            Row(2, true, 1),      // flagged, accumulated: sum 2, w 1
            Row(4, true, 1),      // still all flagged, accumulated: sum 6, w 2
            Row(10, false, 2),    // first unflagged: reset to sum 20, w 2
            Row(100, true, 5),    // flagged after unflagged data: skipped
            Row(1, false, 2));    // sum 22, w 4
        Assert.That(ov, Has.All.EqualTo(new ComplexF(5.5f, -5.5f)));
        Assert.That(of, Has.All.False);
        Assert.That(ow, Has.All.EqualTo(4f));
    }

    [TestCaseSource(nameof(Paths))]
    public void AllFlaggedBinAveragesTheFlaggedData(string path)
    {
        var (ov, of, ow) = Average(path, Row(2, true, 1), Row(8, true, 3));
        Assert.That(ov, Has.All.EqualTo(new ComplexF(6.5f, -6.5f)));   // (2 + 24) / 4
        Assert.That(of, Has.All.True);
        Assert.That(ow, Has.All.EqualTo(4f));
    }

    [TestCaseSource(nameof(Paths))]
    public void ZeroWeightSumGivesZero(string path)
    {
        var (ov, of, ow) = Average(path, Row(3, false, 0), Row(5, false, 0));
        Assert.That(ov, Has.All.EqualTo(default(ComplexF)));
        Assert.That(of, Has.All.False);
        Assert.That(ow, Has.All.EqualTo(0f));
    }

    [TestCaseSource(nameof(Paths))]
    public void FirstRowDiscardsWhatTheAccumulatorHeld(string path)
    {
        var (sum, sw, acc) = (new ComplexF[5], new float[5], new bool[5]);
        var (v, f, w) = Row(7, false, 1);
        for (int r = 0; r < 2; r++)   // the second call starts a new bin: only 7 remains, not 14
        {
            if (path == "Scalar") TimeAverage.AccumulateScalar(v, f, w, sum, sw, acc, true);
            else TimeAverage.AccumulateSimd(v, f, w, sum, sw, acc, true);
        }
        Assert.That(sum, Has.All.EqualTo(new ComplexF(7, -7)));
        Assert.That(sw, Has.All.EqualTo(1f));
    }

    [TestCaseSource(nameof(Paths))]
    public void ElementsFollowTheirOwnFlags(string path)
    {
        // element 0 unflagged then flagged, element 1 flagged then unflagged, unit weights
        var (ov, of, _) = Average(path,
            (new ComplexF[] { new(1, 0), new(2, 0) }, new[] { false, true }, []),
            (new ComplexF[] { new(3, 0), new(4, 0) }, new[] { true, false }, []));
        Assert.That(ov, Is.EqualTo(new ComplexF[] { new(1, 0), new(4, 0) }));
        Assert.That(of, Is.EqualTo(new[] { false, false }));
    }

    [Test]
    public void AccumulatorWithoutWeightsIsRejected() =>
        Assert.Throws<ArgumentException>(() =>
            TimeAverage.Accumulate(new ComplexF[4], new bool[4], [], new ComplexF[4], [], new bool[4], true));
}
