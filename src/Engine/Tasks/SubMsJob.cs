using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks;

/// <summary>
/// Writes one sub-MS (or a whole plain MS): the given input rows, sliced per DDI, into a new MS with the
/// input's layout; then re-indexes DDIs/spws when the selection asks for it. Runs on a worker.
/// </summary>
public sealed record SubMsJob(
    string InputVis, string OutputPath, long[] Runs, VisSlice[] Slices, string[] Columns, string[] DropColumns,
    string[] EmptySubtables, SpwSubset? Reindex, int MaxCorr, int MaxChan) : Job
{
    public override JobResult Run()
    {
        var clock = Stopwatch.StartNew();
        var runs = Runs.Chunk(3).Select(r => new CopyRun(r[0], r[1], (int)r[2])).ToList();
        long rows = runs.Sum(r => r.Length);
        IReadOnlyList<string> subtables;
        using (var input = CasaTable.Open(InputVis))
        using (var output = MsWriter.CreateLike(input, OutputPath, DropColumns, EmptySubtables, MaxCorr, MaxChan))
        {
            var created = clock.Elapsed;
            output.AddRows(rows);
            var pairs = Columns.Select(c => c.Split('=')).Select(p => (p[0], p[1]));
            MsWriter.CopyRuns(input, output, runs, 0, Slices, pairs);
            Log.For<SubMsJob>().Debug($"{Path.GetFileName(OutputPath)}: layout and subtables {created.TotalSeconds:F2} s, {runs.Count} runs copied in {(clock.Elapsed - created).TotalSeconds:F2} s");
            if (Reindex is not null)
                output.PutColumn<int>("DATA_DESC_ID", output.GetColumn<int>("DATA_DESC_ID").Select(d => Reindex.DdiMap[d]).ToArray());
            subtables = output.SubtableNames;
        }
        if (Reindex is not null) SpwSubtables.Apply(OutputPath, Reindex, subtables);
        Log.For<SubMsJob>().Info($"wrote {Path.GetFileName(OutputPath)}: {rows} rows in {clock.Elapsed.TotalSeconds:F1} s");
        return new JobResult(rows, DiskUsage.Bytes(OutputPath));
    }
}
