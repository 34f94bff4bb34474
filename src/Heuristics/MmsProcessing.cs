namespace MmsMpi.Heuristics;

/// <summary>The transformation tasks that can take a Multi-MS as input.</summary>
public enum TransformTask
{
    MsTransform,
    Split,
    Cvel2,
    HanningSmooth,
}

/// <summary>How an input MMS is processed.</summary>
public enum ProcessingMode
{
    /// <summary>One job per sub-MS in parallel; the output is an MMS with the input's axis.</summary>
    ParallelPerSubMs,
    /// <summary>The MMS is read as one MS and re-partitioned into a new MMS along OutputAxis.</summary>
    MonolithicToMms,
    /// <summary>The MMS is read as one MS and written as a plain MS.</summary>
    MonolithicToMs,
}

/// <summary>What one sub-MS holds (from its main table): spws per scan and its time range in seconds.</summary>
public sealed record SubMsContents(string Name, IReadOnlyDictionary<int, IReadOnlySet<int>> SpwsByScan, double TimeMin, double TimeMax)
{
    public IEnumerable<int> Scans => SpwsByScan.Keys;
}

/// <summary>The parts of a transformation request that decide whether sub-MSs are self-contained.</summary>
public sealed record TransformRequest(
    TransformTask Task, bool CombineSpws, int NSpw, bool TimeAverage, string TimeSpan, double TimeBinSeconds, bool KeepMms,
    IReadOnlySet<int> SelectedSpws, IReadOnlySet<int> SelectedScans)
{
    /// <summary>Averaging across scans: timespan names 'scan' (also in a list such as 'scan,state').</summary>
    public bool AveragesAcrossScans => TimeAverage && TimeSpan.Split(',').Any(s => s.Trim() == "scan");

    public bool CombinesSpws => CombineSpws || NSpw > 1;
}

/// <summary>The decision, the output axis for a re-partitioned MMS, and CASA's warnings to log.</summary>
public sealed record ProcessingDecision(ProcessingMode Mode, SeparationAxis? OutputAxis, IReadOnlyList<string> Warnings);

/// <summary>split and cvel2 refuse to fall back (CASA raises); the message is CASA's.</summary>
public sealed class MmsProcessingRefused(string message) : Exception(message);

/// <summary>
/// ParallelDataHelper.validateInputParams and the tasks' reactions (fact sheet §3.2): can each sub-MS be
/// transformed on its own? Unlike CASA (whose Python 3 map iterators check only the first sub-MS), every
/// sub-MS is checked, and a timespan list containing 'scan' counts as averaging across scans. Spw containment is
/// checked per scan: a sub-MS must hold, for each scan it has, every selected spw that scan was observed in. CASA
/// only compares spw sets, which an 'auto' MMS passes while the spws of one time sit in different sub-MSs.
/// </summary>
public static class MmsProcessing
{
    public const string UseListPartition = "Use task listpartition to see the contents of the MMS";

    public static ProcessingDecision Decide(SeparationAxis? inputAxis, TransformRequest r, IReadOnlyList<SubMsContents> subMss)
    {
        if (!r.KeepMms)
            return new ProcessingDecision(ProcessingMode.MonolithicToMs, null, []);
        var spwsOfScan = subMss.SelectMany(s => s.SpwsByScan).GroupBy(kv => kv.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(kv => kv.Value).Where(r.SelectedSpws.Contains).ToHashSet());
        bool spwsContained = subMss.All(s => s.SpwsByScan.All(kv => spwsOfScan[kv.Key].IsSubsetOf(kv.Value)));
        bool scansContained = subMss.All(s => r.SelectedScans.IsSubsetOf(s.Scans) && s.TimeMax - s.TimeMin >= r.TimeBinSeconds);
        return r.Task switch
        {
            TransformTask.HanningSmooth => Parallel(),
            TransformTask.Split => inputAxis != SeparationAxis.Spw && r.AveragesAcrossScans && !scansContained
                ? throw Refuse("Cannot process MMS in parallel when combine='scan' because the subMSs do not contain all the selected scans")
                : Parallel(),
            TransformTask.Cvel2 => inputAxis != SeparationAxis.Scan && !spwsContained
                ? throw Refuse("Cannot combine spws in parallel because the subMSs do not contain all the selected spws")
                : Parallel(),
            _ => DecideMsTransform(r, spwsContained, scansContained),
        };
    }

    private static ProcessingDecision DecideMsTransform(TransformRequest r, bool spwsContained, bool scansContained)
    {
        bool needSpws = r.CombinesSpws, needScans = r.AveragesAcrossScans;
        if (needSpws && needScans)
        {
            if (!spwsContained) return ToMs("The subMSs of input MMS do not contain the necessary spws");
            if (!scansContained) return ToMs("The subMSs of input MMS do not contain the necessary scans");
        }
        else if (needSpws && !spwsContained)
        {
            return ToMms(SeparationAxis.Scan, "Cannot combine or separate spws in parallel because the subMSs do not contain all the selected spws");
        }
        else if (needScans && !scansContained)
        {
            return ToMms(SeparationAxis.Spw, "Cannot process MMS in parallel when timespan='scan' because the subMSs do not contain all the selected scans");
        }
        return Parallel();
    }

    private static ProcessingDecision Parallel() => new(ProcessingMode.ParallelPerSubMs, null, []);

    private static ProcessingDecision ToMms(SeparationAxis axis, string why) => new(ProcessingMode.MonolithicToMms, axis,
        [why, "Will process the input MMS as a monolithic MS", $"Will create an output MMS with separation axis '{axis.AxisTypeText()}'"]);

    private static ProcessingDecision ToMs(string why) => new(ProcessingMode.MonolithicToMs, null,
        [why, "Cannot process MMS with the requested transformations", UseListPartition, "Will create an output MS"]);

    private static MmsProcessingRefused Refuse(string why) =>
        new($"{why}. Please set keepmms to False or use task mstransform in this case. Unable to continue with MMS processing");
}
