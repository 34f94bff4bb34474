using MmsMpi.Tasks.Transform;
using NUnit.Framework;

namespace MmsMpi.Tests;

// The threaded pipeline reports the failure of any stage as it was thrown (a UserError stays a UserError, so the CLI
// prints its one ERROR line), never as an AggregateException or as the cancellation it causes in the other stages.
public class PipelineTests
{
    private static IEnumerable<VisChunk> Chunks(int n, Exception? failAfter = null)
    {
        for (int i = 0; i < n; i++) yield return VisChunk.Allocate(0, 4, 8, 2, ["DATA"]);
        if (failAfter is not null) throw failAfter;
    }

    private sealed class FailingStep(int failAt) : IVisStep
    {
        private int _seen;

        public IEnumerable<VisChunk> Process(VisChunk chunk)
        {
            if (++_seen == failAt) throw new UserError("step failed");
            return [];   // consumes its input: the pipeline releases it
        }
    }

    // No chunk reaches the writer in these cases, so it needs no table.
    private static Pipeline With(IVisStep step) => new([step], new VisWriter(null!, false, new Dictionary<int, int>()));

    [Test]
    public void AFailingStepIsReportedAsItself()
    {
        var e = Assert.Throws<UserError>(() => With(new FailingStep(3)).Run(Chunks(50)));
        Assert.That(e!.Message, Is.EqualTo("step failed"));
    }

    [Test]
    public void AFailingReaderIsReportedAsItselfNotAsAShortOutput()
    {
        var e = Assert.Throws<InvalidDataException>(() => With(new FailingStep(int.MaxValue)).Run(Chunks(5, new InvalidDataException("bad row"))));
        Assert.That(e!.Message, Is.EqualTo("bad row"));
    }

    [Test]
    public void ReleasedChunkArraysAreReused()
    {
        var first = VisChunk.Allocate(0, 3, 5, 2, ["DATA"]);
        var data = first.Vis["DATA"];
        first.Release();
        var second = VisChunk.Allocate(0, 3, 5, 2, ["DATA"]);
        Assert.That(second.Vis["DATA"], Is.SameAs(data));
    }
}
