namespace MmsMpi.Transform;

/// <summary>One step of the pipeline (DP3 style): chunks in, chunks out; Finish flushes what the step still holds.</summary>
public interface IVisStep
{
    IEnumerable<VisChunk> Process(VisChunk chunk);

    IEnumerable<VisChunk> Finish() => [];
}

/// <summary>Runs chunks through the steps in order and hands what comes out to the writer.</summary>
public sealed class Pipeline(IReadOnlyList<IVisStep> steps, VisWriter writer)
{
    public void Run(IEnumerable<VisChunk> input)
    {
        foreach (var chunk in input) Push(chunk, 0);
        for (int s = 0; s < steps.Count; s++)
            foreach (var rest in steps[s].Finish()) Push(rest, s + 1);
    }

    private void Push(VisChunk chunk, int step)
    {
        if (step == steps.Count) { writer.Write(chunk); return; }
        foreach (var next in steps[step].Process(chunk)) Push(next, step + 1);
    }
}
