using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks;

/// <summary>
/// `partition`: MS → Multi-MS (or, with createmms=false, a plain MS of the selection). The coordinator plans and
/// builds the MMS; workers write the sub-MSs.
/// </summary>
public sealed class PartitionTask(ICluster cluster)
{
    private static readonly NLog.Logger Logger = Log.For<PartitionTask>();

    public sealed record Summary(string OutputVis, int SubMss, long Rows, double Seconds);

    public Summary Run(PartitionOptions o)
    {
        var clock = Stopwatch.StartNew();
        var axis = Parse(() => SeparationAxes.Parse(o.SeparationAxis));
        int nSubMs = Parse(() => NumSubMs.Resolve(o.NumSubMs, cluster.Workers));
        InputVis.RequireExists(o.Vis);
        string vis = Path.GetFullPath(o.Vis);
        string output = InputVis.CheckOutput(o.OutputVis);

        List<SubMsJob> jobs;
        PartitionPlan? plan = null;
        using var stage = new StagedOutput(output);
        using (var ms = InputVis.OpenMs(vis))
        {
            using var selection = Select(ms, o.Select);
            var layout = VisLayout.Read(ms, selection);
            var columns = DataColumns.Resolve(o.DataColumn, ms.ColumnNames.ToList());
            var rowNumbers = selection.Rows.RowNumbers();
            var index = ReadIndex(selection.Rows);
            bool reindex = !string.IsNullOrWhiteSpace(o.Select.Spw);
            var job = new JobFactory(vis, rowNumbers, index, layout, columns);
            if (o.CreateMms)
            {
                plan = PartitionPlanner.Plan(axis, nSubMs, index, layout.Ddis, reindex, m => Logger.Warn(m));
                var names = plan.SubMss.Select(s => stage.PathFor(SubMsNaming.Name(SubMsNaming.BaseName(output), s.Index))).ToList();
                jobs = plan.SubMss.Select(s => job.For(names[s.Index], plan.RowSubMs, s.Index, plan.Reindex,
                    s.Spws.Length > 0 ? s.Spws : null, s.Index > 0 ? SpwSubtables.SharedByLink : [])).ToList();
                foreach (var s in plan.SubMss) Logger.Info($"sub-MS {s.Index}: {s.Selection}");
            }
            else
            {
                var reindexMap = reindex ? SpwReindex.For(index.Ddi.Distinct().Order().Select(d => layout.Ddis[d])) : SpwReindex.Identity;
                jobs = [job.For(stage.PathFor(Path.GetFileName(output)), new int[index.NRow], 0, reindexMap, null, [])];
            }
        }

        Logger.Info($"{(o.CreateMms ? $"partitioning along '{axis.ToString().ToLowerInvariant()}' into {jobs.Count} sub-MSs" : "writing a plain MS")} on {Math.Max(1, cluster.Workers)} worker(s)");
        var results = cluster.Run(jobs, Progress(jobs.Count, clock));
        var failed = results.Select((r, i) => (r, i)).Where(x => x.r.Error is not null).ToList();
        if (failed.Count > 0)
            throw new UserError($"sub-MS {Path.GetFileName(jobs[failed[0].i].OutputPath)} failed: {failed[0].r.Error}");

        string built = stage.PathFor(Path.GetFileName(output) + ".mms-ref");
        if (plan is not null) MmsAssembler.Assemble(jobs.Select(j => j.OutputPath).ToList(), built, plan.Axis.AxisTypeText(), plan.Axis == SeparationAxis.Spw);
        else built = jobs[0].OutputPath;
        if (o.FlagBackup)
            FlagVersions.Backup(built, stage.PathFor("flagversions"), "partition", "Flags autosave on partition");
        StagedOutput.Publish(built, output);
        if (o.FlagBackup) StagedOutput.Publish(stage.PathFor("flagversions"), FlagVersions.DirFor(output));

        long rows = results.Sum(r => r.Rows);
        Logger.Info($"{output}: {jobs.Count} sub-MS(s), {rows} rows in {clock.Elapsed.TotalSeconds:F1} s");
        return new Summary(output, plan is null ? 0 : jobs.Count, rows, clock.Elapsed.TotalSeconds);
    }

    private static T Parse<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
    }

    private static MsSelection Select(CasaTable ms, SelectionExprs exprs)
    {
        MsSelection selection;
        try { selection = MsSelection.Apply(ms, exprs); }
        catch (CasacoreException e) { throw new UserError($"data selection failed: {e.Message.Split('\n')[0].Trim()}"); }
        if (selection.Rows.NRow == 0)
        {
            selection.Dispose();
            throw new UserError("the data selection selects no rows");
        }
        return selection;
    }

    private static VisIndex ReadIndex(CasaTable rows) => new(
        rows.GetColumn<int>("SCAN_NUMBER"), rows.GetColumn<int>("DATA_DESC_ID"),
        rows.GetColumn<int>("ANTENNA1"), rows.GetColumn<int>("ANTENNA2"), rows.GetColumn<int>("FIELD_ID"));

    private static Action<int, JobResult> Progress(int total, Stopwatch clock)
    {
        int done = 0;
        long rows = 0;
        return (i, r) =>
        {
            done++;
            rows += r.Rows;
            if (r.Error is null)
                Logger.Info($"sub-MS {done}/{total} done ({rows} rows, {rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F0} rows/s)");
            else
                Logger.Error($"job {i} failed: {r.Error}");
        };
    }

    /// <summary>Builds the job of one output MS from the coordinator's view of the selection.</summary>
    private sealed class JobFactory(string vis, long[] rowNumbers, VisIndex index, VisLayout layout, DataColumns columns)
    {
        private readonly int[] _ddiOrder = layout.Slices.Keys.Order().ToArray();
        private readonly Dictionary<int, int> _specOfDdi = layout.Slices.Keys.Order().Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);

        public SubMsJob For(string path, int[] rowSubMs, int subMs, SpwReindex reindex, int[]? ownSpws, string[] emptySubtables)
        {
            var runs = new List<long>();
            for (int i = 0; i < rowNumbers.Length; i++)
            {
                if (rowSubMs[i] != subMs) continue;
                long spec = _specOfDdi[index.Ddi[i]];
                int last = runs.Count - 3;
                if (last >= 0 && runs[last + 2] == spec && runs[last] + runs[last + 1] == rowNumbers[i]) runs[last + 1]++;
                else runs.AddRange([rowNumbers[i], 1, spec]);
            }
            SpwSubset? subset = reindex.IsIdentity ? null : new SpwSubset(
                new Dictionary<int, int>(reindex.Ddi), new Dictionary<int, int>(reindex.Spw),
                ownSpws ?? reindex.Spw.Keys.ToArray(),
                new Dictionary<int, ChannelRange>(layout.Channels), new Dictionary<int, int[]>(layout.Correlations));
            return new SubMsJob(vis, path, runs.ToArray(), _ddiOrder.Select(d => layout.Slices[d]).ToArray(),
                columns.CopyPairs.Select(p => $"{p.From}={p.To}").ToArray(), columns.Dropped.ToArray(), emptySubtables, subset,
                layout.Ddis.Values.Max(d => d.NCorr), layout.Ddis.Values.Max(d => d.NChan));
        }
    }
}
