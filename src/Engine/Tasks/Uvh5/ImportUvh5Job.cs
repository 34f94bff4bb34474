using MmsMpi.Runtime;
using MmsMpi.Uvh5;

namespace MmsMpi.Tasks.Uvh5;

/// <summary>Writes one MS (a sub-MS, or the whole plain MS) from UVH5 files of the plan, in plan order. Runs on a worker.</summary>
public sealed record ImportUvh5Job(string OutputPath, ImportPlan Plan, int[] FileIndices) : Job, IOutputJob
{
    public override string Name => Path.GetFileName(OutputPath);

    public override IReadOnlyList<string> Holds => [OutputPath, Libraries.Hdf5];

    public override JobResult Run(CancellationToken cancel)
    {
        long rows = 0;
        using (var ms = MsFromUvh5.Create(OutputPath, Plan))
            foreach (int f in FileIndices) rows += MsFromUvh5.AppendFile(ms, Plan, f, cancel);
        return new JobResult(rows);
    }
}
