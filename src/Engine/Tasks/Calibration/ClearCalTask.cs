using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Tasks.Transform;

namespace MmsMpi.Tasks.Calibration;

/// <summary>clearcal's parameters: a field, spw and intent selection, and whether to add MODEL_DATA.</summary>
public sealed record ClearCalParams(string Vis, SelectionExprs Selection, bool AddModel = false);

/// <summary>
/// clearcal on an MS or a Multi-MS (task_clearcal.py, VisSet::initCalSet), one job per sub-MS: CORRECTED_DATA := DATA,
/// and MODEL_DATA := a unit point source (1 in the parallel hands, 0 in the cross hands) wherever MODEL_DATA exists —
/// added first with addmodel. A column created now is initialised in every row (CASA: "Need to create scratch
/// columns; ignoring selection"); existing ones in the selected rows. Flags are not touched, so no flag backup.
/// </summary>
public sealed class ClearCalTask(TaskContext context, ClearCalParams p) : InPlaceTaskHelper<long>(context)
{
    public static void Register(JobTypes types) => types.Job<ClearCalJob>("clearcal");

    private IReadOnlyList<string> _targets = [];

    protected override void Initialize()
    {
        string vis = Path.GetFullPath(p.Vis);
        using (var ms = InputVis.OpenMs(vis, writing: true))
        {
            if (!ms.HasColumn("DATA")) throw new UserError($"{p.Vis} has no DATA column");
            if (!p.Selection.IsEmpty) InputVis.Select(ms, p.Selection).Dispose();
            if (!ms.HasColumn("CORRECTED_DATA") || (p.AddModel && !ms.HasColumn("MODEL_DATA")))
                Logger.Info("Need to create scratch columns; ignoring selection.");
            _targets = ms.Members();
        }
        LockForWriting(vis);
    }

    protected override IReadOnlyList<Job> GenerateJobs()
    {
        ScratchColumns.Add(_targets, p.AddModel ? ["CORRECTED_DATA", "MODEL_DATA"] : ["CORRECTED_DATA"]);
        return _targets.Select(ms => (Job)new ClearCalJob(ms, p.Selection)).ToList();
    }

    protected override long PostExecution(IReadOnlyList<JobResult> results)
    {
        Logger.Info($"clearcal done in {Clock.Elapsed.TotalSeconds:F1} s");
        return results.Sum(r => r.Rows);
    }

    protected override bool Writes(Job job) => true;
}

/// <summary>clearcal on one MS or sub-MS (see <see cref="ClearCalTask"/>); columns not yet filled are written in every row.</summary>
public sealed record ClearCalJob(string Ms, SelectionExprs Selection) : Job
{
    public override string Name => Path.GetFileName(Ms);

    public override IReadOnlyList<string> Holds => [Ms];

    public override JobResult Run(CancellationToken cancel)
    {
        using var table = CasaTable.Open(Ms, writable: true);
        var layout = MsFlagLayout.Read(table);
        bool model = table.HasColumn("MODEL_DATA");
        bool added = !ScratchColumns.Filled(table, "CORRECTED_DATA") || (model && !ScratchColumns.Filled(table, "MODEL_DATA"));
        var rows = added || Selection.IsEmpty ? Enumerable.Repeat(true, (int)table.NRow).ToArray() : CommandSelection.InThisMs(table, Selection, layout, "the selection").Rows;
        long count = 0;
        // No gap rows read along: every row of a run is written, and unselected rows must keep their columns.
        var selected = RowRun.Selected(rows, table.GetColumn<int>("DATA_DESC_ID"), gap: 0);
        foreach (var one in RowRun.Chunks(selected, d => (int)Math.Max(1, (4L << 20) / (layout.NChan(d) * layout.NCorr(d)))))
        {
            cancel.ThrowIfCancellationRequested();
            int d = one[0].Ddi, nchan = layout.NChan(d), ncorr = layout.NCorr(d), nrow = one.Sum(r => r.Length), cells = nrow * nchan * ncorr;
            long[] shape = [ncorr, nchan];
            var data = ChunkPool.Rent<ComplexF>(cells);
            RunIo.Read(table, one, "DATA", data, nchan * ncorr);
            RunIo.Write(table, one, "CORRECTED_DATA", data, nchan * ncorr, shape);
            if (model)
            {
                var types = layout.PolCorrTypes[layout.DdiPol[d]];
                for (int i = 0; i < cells; i++) data[i] = new ComplexF(CrossHand(types[i % ncorr]) ? 0 : 1, 0);
                RunIo.Write(table, one, "MODEL_DATA", data, nchan * ncorr, shape);
            }
            ChunkPool.Return(data);
            count += nrow;
            RowMeter.Add(nrow);
        }
        table.Flush();
        return new JobResult(count);
    }

    /// <summary>The cross hands VisSet::initCalSet zeroes in the model: Stokes RL, LR, XY, YX.</summary>
    private static bool CrossHand(int corrType) => corrType is 6 or 7 or 10 or 11;
}
