namespace MmsMpi.Heuristics;

/// <summary>
/// Old → new DATA_DESCRIPTION and SPECTRAL_WINDOW ids of an output MS. New ids are dense and follow the
/// order given (CASA's split/mstransform reindexing); an empty map means "keep every id as it is".
/// </summary>
public sealed record SpwReindex(IReadOnlyDictionary<int, int> Ddi, IReadOnlyDictionary<int, int> Spw)
{
    public static readonly SpwReindex Identity = new(new Dictionary<int, int>(), new Dictionary<int, int>());

    public bool IsIdentity => Ddi.Count == 0;

    /// <summary>
    /// Dense ids for the given DDIs: spws numbered in ascending spw id, DDIs by group (the spw axis's chunk, so
    /// each chunk's DDIs are numbered from its ddistart) then by DDI id, which is the DATA_DESCRIPTION row order.
    /// </summary>
    public static SpwReindex For(IEnumerable<DdiInfo> selected, Func<DdiInfo, int>? group = null)
    {
        var ddis = selected.ToList();
        var spwMap = ddis.Select(d => d.Spw).Distinct().Order().Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var ddiMap = ddis.OrderBy(d => group?.Invoke(d) ?? 0).ThenBy(d => d.Ddi)
            .Select((d, i) => (d.Ddi, i)).ToDictionary(x => x.Ddi, x => x.i);
        return new SpwReindex(ddiMap, spwMap);
    }

    public int NewDdi(int ddi) => IsIdentity ? ddi : Ddi[ddi];
    public int NewSpw(int spw) => IsIdentity ? spw : Spw[spw];
}
