using MmsMpi.Tasks.Flagging.Agents;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging;

/// <summary>The two passes of flagdata over each MS: the pre-sweep (quack's scan bounds, shadowed antennas), then the flagging.</summary>
public enum FlagPassKind { Sweep, Flag }

/// <summary>
/// flagdata's work on one MS or sub-MS, run on a worker: the commands (all of them, so every job sees the same list),
/// the pass and whether to write (never in the sweep); its <see cref="FlagJobReport"/> (summaries, sweep results) goes
/// back to the coordinator as the job result's report. In the flag pass, quack and
/// shadow commands get the sweep reports merged by the coordinator over the whole data set (one per command).
/// </summary>
/// <param name="RflagSweep">rflag's chunks are split over sub-MSs (baseline axis): the sweep sums their statistics</param>
public sealed record FlagJob(string Ms, IReadOnlyList<FlagCommand> Commands, FlagPassKind Pass, bool Write,
    IReadOnlyList<CommandReport>? Sweep = null, bool RflagSweep = false) : Job
{
    public override string Name => Path.GetFileName(Ms);

    public override IReadOnlyList<string> Holds => [Ms];

    public override JobResult Run(CancellationToken cancel)
    {
        var report = FlagPass.Run(Ms, Commands, AgentFor, Write, cancel);
        return new JobResult(report.Rows, report);
    }

    /// <summary>OBSERVATION::TELESCOPE_NAME, which picks AOFlagger's default strategy.</summary>
    private string Telescope()
    {
        using var obs = Casacore.CasaTable.Open(Path.Combine(Ms, "OBSERVATION"));
        return obs.NRow > 0 ? obs.GetString("TELESCOPE_NAME", 0) : "";
    }

    private IFlagAgent? AgentFor(int index, MsFlagLayout layout)
    {
        var c = Commands[index];
        if (Pass == FlagPassKind.Sweep)
            return c.Quack is { } q ? new ScanBoundsAgent(q.Increment) : c.Shadow is { } s ? new ShadowSweepAgent(s, layout)
                : c.Rflag is { } r && RflagSweep ? new RflagSweepAgent(r, layout) : c.Aoflagger is not null ? new AoTimesAgent()
                : c.Antint is { } a ? new AntintSweepAgent(a.ReferenceId) : null;
        return c.Mode switch
        {
            FlagMode.Manual => new ManualAgent(true, c.AutoCorr, layout),
            FlagMode.Unflag => new ManualAgent(false, false, layout),
            FlagMode.Clip => c.Clip!.Averages ? new AveragedClipAgent(c.Clip!, layout) : new ClipAgent(c.Clip!, layout),
            FlagMode.Quack => new QuackAgent(c.Quack!, Sweep?[index].ScanBounds ?? []),
            FlagMode.Shadow => new ShadowAgent(Sweep?[index].Shadowed ?? []),
            FlagMode.Elevation => new ElevationAgent(c.Elevation!, layout),
            FlagMode.Summary => new SummaryAgent(c.Summary!, layout),
            FlagMode.Tfcrop => new TfcropAgent(c.Tfcrop!, layout),
            FlagMode.Rflag => new RflagAgent(c.Rflag!, layout, calculate: !Write, Sweep?[index].Rflag),
            FlagMode.Antint => new AntintAgent(c.Antint!, Sweep![index].Antint ?? []),
            FlagMode.Aoflagger => new AoflaggerAgent(c.Aoflagger!, Sweep![index].FieldAt!, Telescope()),
            _ => new ExtendAgent(c.Extend!),
        };
    }
}
