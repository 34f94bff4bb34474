using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Partition;

/// <summary>
/// Writes one sub-MS (or a whole plain MS): the given input rows, sliced per DDI, into a new MS with the
/// input's layout; then re-indexes DDIs/spws when the selection asks for it. Runs on a worker.
/// </summary>
public sealed record SubMsJob(
    string InputVis, string OutputPath, long[] Runs, VisSlice[] Slices, string[] Columns, string[] DropColumns,
    string[] EmptySubtables, SpwSubset? Reindex, int MaxCorr, int MaxChan) : Job, IOutputJob
{
    /// <summary>Rows copied per native call: a stop request is honoured between batches (about a second of copying).</summary>
    private const long BatchRows = 8192;

    public override string Name => Path.GetFileName(OutputPath);

    /// <summary>Every job of a partition reads the one input: they run one at a time in a process.</summary>
    public override IReadOnlyList<string> Holds => [InputVis, OutputPath];

    public override JobResult Run(CancellationToken cancel)
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
            var pairs = Columns.Select(c => c.Split('=')).Select(p => (p[0], p[1])).ToList();
            long written = 0;
            foreach (var batch in Batches(runs))
            {
                cancel.ThrowIfCancellationRequested();
                MsWriter.CopyRuns(input, output, batch, written, Slices, pairs);
                long n = batch.Sum(r => r.Length);
                written += n;
                RowMeter.Add(n);
            }
            Log.For<SubMsJob>().Debug($"{Path.GetFileName(OutputPath)}: layout and subtables {created.TotalSeconds:F2} s, {runs.Count} runs copied in {(clock.Elapsed - created).TotalSeconds:F2} s");
            if (Reindex is not null)
                output.PutColumn<int>("DATA_DESC_ID", output.GetColumn<int>("DATA_DESC_ID").Select(d => Reindex.DdiMap[d]).ToArray());
            subtables = output.SubtableNames;
        }
        if (Reindex is not null) SpwSubtables.Apply(OutputPath, Reindex, subtables);
        Log.For<SubMsJob>().Info($"wrote {Path.GetFileName(OutputPath)}: {rows} rows in {clock.Elapsed.TotalSeconds:F1} s");
        return new JobResult(rows);
    }

    /// <summary>Consecutive runs of about BatchRows rows (a longer run is split).</summary>
    private static IEnumerable<List<CopyRun>> Batches(IReadOnlyList<CopyRun> runs)
    {
        var batch = new List<CopyRun>();
        long rows = 0;
        foreach (var run in runs)
            for (long start = run.Start, left = run.Length; left > 0;)
            {
                long n = Math.Min(left, BatchRows - rows);
                batch.Add(run with { Start = start, Length = n });
                (start, left, rows) = (start + n, left - n, rows + n);
                if (rows < BatchRows) continue;
                yield return batch;
                (batch, rows) = ([], 0);
            }
        if (batch.Count > 0) yield return batch;
    }
}
