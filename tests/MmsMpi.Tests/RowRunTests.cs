using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Tests.Support;
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
    public void ASelectionReadInBlocksGivesTheRunsOfItsRowNumbers()
    {
        using var ms = CasaTable.Open(GeneratedData.SmallMs);
        using var selection = ms.Query("select from $1 where ANTENNA1 != 1 && DATA_DESC_ID != 1");
        var numbers = selection.RowNumbers();
        Assert.That(numbers.Length, Is.InRange(1, ms.NRow - 1), "the selection leaves gaps");
        var expected = RowRun.Consecutive(numbers, selection.GetColumn<int>("DATA_DESC_ID"));
        Assert.That(RowRun.Consecutive(selection, blockRows: 7), Is.EqualTo(expected));
        Assert.That(RowRun.Consecutive(selection), Is.EqualTo(expected));
        var part = new long[5];
        selection.RowNumbers(3, part);
        Assert.That(part, Is.EqualTo(numbers[3..8]));
        ms.RowNumbers(ms.NRow - 2, part.AsSpan(0, 2));
        Assert.That(part[..2], Is.EqualTo(new[] { ms.NRow - 2, ms.NRow - 1 }), "a root table's own rows");
        Assert.Throws<CasacoreException>(() => selection.RowNumbers(numbers.Length - 2, part));
    }

    [Test]
    public void ColumnsScannedInBlocksSeeEveryRowOnceInOrder()
    {
        using var ms = CasaTable.Open(GeneratedData.SmallMs);
        var time = ms.GetColumn<double>("TIME");
        var seen = new List<double>();
        var starts = new List<long>();
        RowBlocks.Scan<double>(ms, "TIME", (row0, block) => { starts.Add(row0); seen.AddRange(block.ToArray()); }, blockRows: 10);
        Assert.That(seen, Is.EqualTo(time));
        Assert.That(starts, Is.EqualTo(Enumerable.Range(0, (time.Length + 9) / 10).Select(i => 10L * i)));
        Assert.That(RowBlocks.Min(ms, "TIME"), Is.EqualTo((time.Min(), (long)Array.IndexOf(time, time.Min()))));
        Assert.That(RowBlocks.Distinct(ms, "SCAN_NUMBER"), Is.EquivalentTo(ms.GetColumn<int>("SCAN_NUMBER").Distinct()));
    }

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
