using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// What one command did on one MS (a job's share): cells newly flagged and unflagged, a summary's counts, the sweep's
/// quack scan bounds or shadowed antennas per time. Reports of the sub-MSs merge by summing (CASA's
/// combine_dictionaries), scan bounds by min/max, shadowed antennas by union.
/// </summary>
public sealed class CommandReport
{
    public long Flagged { get; set; }
    public long Unflagged { get; set; }
    /// <summary>Selected cells the command looked at.</summary>
    public long Selected { get; set; }
    public FlagSummary? Summary { get; set; }
    public Dictionary<int, ScanBounds>? ScanBounds { get; set; }
    /// <summary>shadow sweep: TIME → antennas shadowed at that time.</summary>
    public Dictionary<double, SortedSet<int>>? Shadowed { get; set; }
    /// <summary>rflag: statistics per chunk (the sweep) or per "field,spw" (action='calculate'), summed when merged.</summary>
    public Dictionary<string, Agents.RflagStats>? Rflag { get; set; }
    /// <summary>aoflagger sweep: TIME → FIELD_ID of every row (AOFlagger's sequences).</summary>
    public Dictionary<double, int>? FieldAt { get; set; }
    /// <summary>antint sweep: "ddi,time" → the reference antenna's baseline counts.</summary>
    public Dictionary<string, Agents.AntintCounts>? Antint { get; set; }

    public void Merge(CommandReport other)
    {
        Flagged += other.Flagged;
        Unflagged += other.Unflagged;
        Selected += other.Selected;
        if (other.Summary is not null) (Summary ??= new FlagSummary()).Merge(other.Summary);
        if (other.ScanBounds is not null)
        {
            ScanBounds ??= [];
            foreach (var (scan, b) in other.ScanBounds)
                ScanBounds[scan] = ScanBounds.TryGetValue(scan, out var mine) ? mine.Union(b) : b;
        }
        if (other.Rflag is not null) Agents.RflagStats.MergeInto(Rflag ??= [], other.Rflag);
        if (other.Antint is not null) Agents.AntintCounts.MergeInto(Antint ??= [], other.Antint);
        if (other.FieldAt is not null)
        {
            FieldAt ??= [];
            foreach (var (time, field) in other.FieldAt)
                if (FieldAt.TryGetValue(time, out int mine) && mine != field)
                    throw new UserError($"aoflagger: fields {mine} and {field} both have rows at one time ({time}): AOFlagger's sequences need one field per time");
                else FieldAt[time] = field;
        }
        if (other.Shadowed is not null)
        {
            Shadowed ??= [];
            foreach (var (time, antennas) in other.Shadowed)
                if (Shadowed.TryGetValue(time, out var mine)) mine.UnionWith(antennas);
                else Shadowed[time] = new SortedSet<int>(antennas);
        }
    }
}

/// <summary>A job's reports, one per command in command order.</summary>
public sealed record FlagJobReport(long Rows, IReadOnlyList<CommandReport> Commands) : JobReport;
