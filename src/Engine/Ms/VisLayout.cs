using MmsMpi.Casacore;
using MmsMpi.Heuristics;

namespace MmsMpi.Ms;

/// <summary>
/// What a selection makes of each DATA_DESCRIPTION row: its spw and polarization, the selected channels and
/// correlations (as a cell slice) and their counts. Read once on the coordinator from the MS's subtables.
/// </summary>
public sealed record VisLayout(IReadOnlyDictionary<int, DdiInfo> Ddis, IReadOnlyDictionary<int, VisSlice> Slices,
    IReadOnlyDictionary<int, ChannelRange> Channels, IReadOnlyDictionary<int, int[]> Correlations)
{
    public static VisLayout Read(CasaTable ms, MsSelection selection)
    {
        using var dd = ms.OpenSubtable("DATA_DESCRIPTION");
        using var pol = ms.OpenSubtable("POLARIZATION");
        var ddSpw = dd.GetColumn<int>("SPECTRAL_WINDOW_ID");
        var ddPol = dd.GetColumn<int>("POLARIZATION_ID");
        var nchan = ms.ChannelsOfSpw();
        var ncorr = pol.GetColumn<int>("NUM_CORR");

        var channels = new Dictionary<int, ChannelRange>();
        foreach (var group in selection.Channels.GroupBy(c => c.Spw))
        {
            if (group.Count() > 1)
                throw new UserError($"spw {group.Key} has several channel ranges; select one range per spw (e.g. '{group.Key}:10~20')");
            channels[group.Key] = group.Single();
        }
        foreach (var (polId, idx) in selection.Correlations)
            if (!IsStrided(idx))
                throw new UserError($"the correlation selection of polarization {polId} ({string.Join(",", idx)}) is not evenly spaced; select e.g. RR,LL or a single product");

        var ddis = new Dictionary<int, DdiInfo>();
        var slices = new Dictionary<int, VisSlice>();
        for (int d = 0; d < ddSpw.Length; d++)
        {
            int s = ddSpw[d], p = ddPol[d];
            var ch = channels.GetValueOrDefault(s, new ChannelRange(s, 0, nchan[s] - 1, 1));
            var corr = selection.Correlations.GetValueOrDefault(p) ?? [];
            bool wholeChan = !channels.ContainsKey(s), wholeCorr = corr.Length == 0;
            ddis[d] = new DdiInfo(d, s, p, ch.Count, wholeCorr ? ncorr[p] : corr.Length);
            slices[d] = new VisSlice(ch.Start, wholeChan ? -1 : ch.Count, ch.Step,
                wholeCorr ? 0 : corr[0], wholeCorr ? -1 : corr.Length, corr.Length > 1 ? corr[1] - corr[0] : 1);
        }
        return new VisLayout(ddis, slices, channels, selection.Correlations);
    }

    private static bool IsStrided(int[] idx) =>
        idx.Length <= 2 ? idx.Length < 2 || idx[1] > idx[0] : idx.Skip(2).Select((v, i) => v - idx[i + 1]).All(d => d == idx[1] - idx[0] && d > 0);
}
