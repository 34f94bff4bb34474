using MmsMpi.Calibration;
using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Flagging;

namespace MmsMpi.Tasks.Calibration;

/// <summary>What one applycal job reports: its counts (merged by summing on the coordinator).</summary>
public sealed record ApplyCalReport(CalCounts Counts) : JobReport;

/// <summary>
/// applycal on one MS or sub-MS, run on a worker (never two writers on a table): reads the calibration tables
/// (absolute paths: every worker finds them) and calibrates the selected rows block by block into CORRECTED_DATA
/// (which the coordinator added where missing; a column not yet filled is written whole, DATA where nothing is
/// calibrated). A selection that matches nothing in this sub-MS leaves it as it is (the coordinator checked the whole set).
/// </summary>
public sealed record ApplyCalJob(string Ms, IReadOnlyList<ApplySpec> Tables, ApplyMode Mode, SelectionExprs Selection) : Job
{
    public override string Name => Path.GetFileName(Ms);

    /// <summary>The calibration tables are read once per process, under a lock (CalTable.Read).</summary>
    public override IReadOnlyList<string> Holds => [Ms];

    public override JobResult Run(CancellationToken cancel)
    {
        using var table = CasaTable.Open(Ms, writable: Mode != ApplyMode.Trial);
        var layout = MsCalLayout.Read(table);
        var calibrator = new Calibrator(Tables.Select(s => new JonesTerm(CalTable.Read(s.Table), s, layout)), Mode, layout);
        var selection = CommandSelection.InThisMs(table, Selection, layout.Flags, "the selection");
        var ddi = table.GetColumn<int>("DATA_DESC_ID");
        bool newCorrected = Mode.WritesData() && !ScratchColumns.Filled(table, "CORRECTED_DATA");
        bool weightSpectrum = CellReads.Filled(table, "WEIGHT_SPECTRUM", 0);
        var columns = new CalColumns(Mode.WritesData(), Mode.WritesFlags(), calibrator.CalibratesWeights, newCorrected, weightSpectrum,
            table.HasColumn("SIGMA_SPECTRUM") && table.NRow > 0 && table.IsDefined("SIGMA_SPECTRUM", 0));
        var io = new CalBlockIo(table, layout, columns);
        var counts = CalCounts.For(calibrator.Terms.Count);
        var rows = newCorrected ? Enumerable.Repeat(true, ddi.Length).ToArray() : selection.Rows;
        // Two stages: this thread reads and writes (casacore is used from one thread only) while a second one
        // calibrates the block read before, so the computation hides behind the I/O; the calibration's row blocks
        // get the job's other threads.
        int calThreads = Math.Max(1, ComputeThreads.ForThisJob - 1);
        CalBlock? previous = null;
        Task calibrating = Task.CompletedTask;
        try
        {
            foreach (var runs in BlockPlan.Blocks(rows, ddi, null, io.MaxRows))
            {
                cancel.ThrowIfCancellationRequested();
                int d = runs[0].Ddi, spw = layout.Flags.DdiSpw[d];
                var chans = selection.ChannelMask(spw, layout.Flags.NChan(d));
                var corrs = selection.CorrelationMask(layout.Flags.DdiPol[d], layout.Flags.NCorr(d));
                var block = io.Read(runs, selection.Rows, chans.Contains(false) || corrs.Contains(false) || calibrator.MayLeaveUncalibrated(spw));
                calibrating.GetAwaiter().GetResult();
                calibrating = Task.Run(() => ComputeThreads.With(calThreads, () => calibrator.Apply(block, chans, corrs, counts)));
                Finish(previous, io);
                previous = block;
            }
            calibrating.GetAwaiter().GetResult();
            Finish(previous, io);
            previous = null;
        }
        finally
        {
            // Never leave a calibration running on arrays handed back; its own failure, if any, was thrown above.
            ((IAsyncResult)calibrating).AsyncWaitHandle.WaitOne();
            if (previous is not null) CalBlockIo.Release(previous);
        }
        if (Mode != ApplyMode.Trial) table.Flush();
        var present = table.GetColumn<int>("ANTENNA1").Concat(table.GetColumn<int>("ANTENNA2")).ToHashSet();
        foreach (var (t, spw, field, ant) in calibrator.Unsolved.Where(u => present.Contains(u.Antenna)))
            counts.Unsolved.Add($"MS fld={field},spw={spw},ant={ant} cannot be calibrated by {calibrator.Terms[t].Name} as mapped, and will be flagged in this process.");
        return new JobResult(selection.RowCount, new ApplyCalReport(counts));
    }

    /// <summary>Writes a calibrated block (not in trial mode) and hands its arrays back.</summary>
    private void Finish(CalBlock? block, CalBlockIo io)
    {
        if (block is null) return;
        if (Mode != ApplyMode.Trial) io.Write(block);
        RowMeter.Add(block.NRow);
        CalBlockIo.Release(block);
    }
}
