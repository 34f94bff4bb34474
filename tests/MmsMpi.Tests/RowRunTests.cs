using MmsMpi.Ms;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>The one place rows become runs and runs become chunks (mstransform, flagdata, applycal, clearcal, flag versions, UVH5).</summary>
public class RowRunTests
{
    [Test]
    public void ConsecutiveRowsOfOneDdiMakeOneRun() =>
        Assert.That(RowRun.Consecutive([0, 1, 2, 5, 6, 7], [0, 0, 1, 1, 1, 0]),
            Is.EqualTo(new[] { new RowRun(0, 2, 0), new RowRun(2, 1, 1), new RowRun(5, 2, 1), new RowRun(7, 1, 0) }));

    [Test]
    public void SelectedRowsReadShortGapsAlongButNeverAcrossADdiOrKey()
    {
        bool[] selected = [true, false, false, true, true, false, true, true, true];
        int[] ddi = [0, 0, 0, 0, 0, 0, 1, 1, 1];
        Assert.That(RowRun.Selected(selected, ddi, gap: 3), Is.EqualTo(new[] { new RowRun(0, 5, 0), new RowRun(6, 3, 1) }));
        Assert.That(RowRun.Selected(selected, ddi, gap: 0), Is.EqualTo(new[] { new RowRun(0, 1, 0), new RowRun(3, 2, 0), new RowRun(6, 3, 1) }));
        long[] scan = [1, 1, 1, 1, 2, 2, 2, 2, 2];
        Assert.That(RowRun.Selected(selected, ddi, gap: 3, scan), Is.EqualTo(new[] { new RowRun(0, 4, 0), new RowRun(4, 1, 0), new RowRun(6, 3, 1) }));
    }

    [Test]
    public void ChunksAreFullExceptWhereADdiEnds()
    {
        RowRun[] runs = [new(0, 5, 0), new(10, 2, 0), new(20, 3, 1)];
        var chunks = RowRun.Chunks(runs, d => d == 0 ? 3 : 2).ToList();
        Assert.That(chunks.Select(c => c.Sum(r => r.Length)), Is.EqualTo(new[] { 3, 3, 1, 2, 1 }));
        Assert.That(chunks[1], Is.EqualTo(new[] { new RowRun(3, 2, 0), new RowRun(10, 1, 0) }), "a cut run joined with the next");
        Assert.That(chunks.SelectMany(c => c).Sum(r => r.Length), Is.EqualTo(10));
    }
}
