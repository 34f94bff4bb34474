using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Ms;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Partition;

/// <summary>
/// `partition`: MS → Multi-MS (or, with createmms=false, a plain MS of the selection). The coordinator plans and
/// builds the MMS; workers write the sub-MSs.
/// </summary>
public sealed class PartitionTask(TaskContext context, PartitionOptions o) : ParallelDataHelper(context)
{
    public static void Register(JobTypes types) => types.Job<SubMsJob>("subms");

    private int _nSubMs;
    private long[] _rowNumbers = [];
    private VisIndex _index = null!;
    private VisLayout _layout = null!;
    private DataColumns _columns = null!;
    private PartitionPlan? _plan;
    private List<SubMsJob> _jobs = [];

    protected override void Initialize()
    {
        _nSubMs = Parse(() => NumSubMs.Resolve(o.NumSubMs, Cluster.Workers));
        InputVis.RequireExists(o.Vis);
        string vis = Path.GetFullPath(o.Vis), output = InputVis.CheckOutput(o.OutputVis);
        long inputBytes, inputRows;
        using (var ms = InputVis.OpenMs(vis))
        {
            using var selection = InputVis.Select(ms, o.Select);
            _layout = VisLayout.Read(ms, selection);
            _columns = DataColumns.Resolve(o.DataColumn, ms.ColumnNames.ToList());
            _rowNumbers = selection.Rows.RowNumbers();
            _index = ReadIndex(selection.Rows);
            (inputBytes, inputRows) = (DiskUsage.Bytes(vis), ms.NRow);
        }
        // numsubms is recorded as resolved: 'auto' follows the number of workers, and a resumed run must plan the same sub-MSs.
        var command = CommandFingerprint.Of(o with { Vis = vis, OutputVis = output, NumSubMs = _nSubMs.ToString() }, CommandJson.Default.PartitionOptions);
        OpenStaging(vis, output, command, (long)((double)inputBytes * _rowNumbers.Length / Math.Max(inputRows, 1)));
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        bool reindex = !string.IsNullOrWhiteSpace(o.Select.Spw);
        var job = new JobFactory(Vis, _rowNumbers, _index, _layout, _columns);
        if (o.CreateMms)
        {
            _plan = PartitionPlanner.Plan(o.SeparationAxis, _nSubMs, _index, _layout.Ddis, reindex, m => Logger.Warn(m));
            var names = _plan.SubMss.Select(s => Stage.PathFor(SubMsNaming.Name(SubMsNaming.BaseName(Output), s.Index))).ToList();
            _jobs = _plan.SubMss.Select(s => job.For(names[s.Index], _plan.RowSubMs, s.Index, _plan.Reindex,
                s.Spws.Length > 0 ? s.Spws : null, s.Index > 0 ? SpwSubtables.SharedByLink : [])).ToList();
            foreach (var s in _plan.SubMss) Logger.Debug($"sub-MS {s.Index}: {s.Selection}");
        }
        else
        {
            var reindexMap = reindex ? SpwReindex.For(_index.Ddi.Distinct().Order().Select(d => _layout.Ddis[d])) : SpwReindex.Identity;
            _jobs = [job.For(Stage.PathFor(Path.GetFileName(Output)), new int[_index.NRow], 0, reindexMap, null, [])];
        }
        Logger.Info($"{(o.CreateMms ? $"partitioning along '{o.SeparationAxis.ToString().ToLowerInvariant()}' into {_jobs.Count} sub-MSs" : "writing a plain MS")} on {Cluster.Where}");
        return _jobs;
    }

    protected override OutputSummary PostExecution(IReadOnlyList<JobResult> results)
    {
        string built = Stage.PathFor(Path.GetFileName(Output) + ".mms-ref");
        // Re-indexed spws (a selection on the spw axis): each sub-MS holds its own subtable rows, merged here.
        if (_plan is not null)
            MmsAssembler.Assemble(_jobs.Select(j => j.OutputPath).ToList(), built, _plan.Axis.AxisTypeText(), _plan.Axis == SeparationAxis.Spw && !_plan.Reindex.IsIdentity);
        else built = _jobs[0].OutputPath;
        string versions = Stage.PathFor("flagversions");
        if (o.FlagBackup) FlagVersions.Backup(built, versions, "partition", "Flags autosave on partition");
        Publish(built, Output);
        if (o.FlagBackup) Staging.Publish(versions, FlagVersions.DirFor(Output));
        long rows = results.Sum(r => r.Rows);
        Logger.Info($"{Output}: {_jobs.Count} sub-MS(s), {rows} rows in {Clock.Elapsed.TotalSeconds:F1} s");
        return new OutputSummary(Output, _plan is null ? 0 : _jobs.Count, rows, Clock.Elapsed.TotalSeconds);
    }

    private static T Parse<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
    }

    private static VisIndex ReadIndex(CasaTable rows) => new(
        rows.GetColumn<int>("SCAN_NUMBER"), rows.GetColumn<int>("DATA_DESC_ID"),
        rows.GetColumn<int>("ANTENNA1"), rows.GetColumn<int>("ANTENNA2"), rows.GetColumn<int>("FIELD_ID"), rows.GetColumn<double>("TIME"));

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
