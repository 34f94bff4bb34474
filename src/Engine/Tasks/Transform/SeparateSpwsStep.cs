using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// nspw &gt; 1 (fact sheet §5.6): each row of the combined spw is cut into nspw rows of ceil(nchan/nspw) channels (the
/// last gets the rest), with DDIs OutputDdi(0..nspw−1), synthetic ids the writer maps to the new DDI rows.
/// </summary>
public sealed class SeparateSpwsStep(int combinedDdi, int nspw) : IVisStep
{
    public static int OutputDdi(int k) => -1 - k;

    public static int ChannelsPerSpw(int total, int nspw) => (total + nspw - 1) / nspw;

    /// <summary>The combined spw's channels in nspw slices, on spw rows 0..nspw−1.</summary>
    public SpectralInfo UpdateInfo(SpectralInfo input)
    {
        var whole = input[combinedDdi];
        var pieces = Slices(whole.NChan).Select((s, k) => KeyValuePair.Create(OutputDdi(k), SpwGrid.Made(k, whole.Freq[s], whole.Width[s], whole.Resolution[s], whole.Frame)));
        return input.With(pieces, [combinedDdi]);
    }

    /// <summary>The channel ranges of the nspw pieces (the last gets the rest; none empty).</summary>
    private IEnumerable<Range> Slices(int nchan)
    {
        int per = ChannelsPerSpw(nchan, nspw);
        for (int first = 0; first < nchan; first += per) yield return first..Math.Min(nchan, first + per);
    }

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        if (c.Ddi != combinedDdi) return [c];
        var pieces = new List<VisChunk>();
        foreach (var (slice, k) in Slices(c.NChan).Select((s, k) => (s, k)))
        {
            var (first, n) = slice.GetOffsetAndLength(c.NChan);
            var piece = VisChunk.Allocate(OutputDdi(k), c.NRow, n, c.NCorr, c.Vis.Keys);
            CopyRows(c, piece);
            for (int r = 0; r < c.NRow; r++)
            {
                int from = (r * c.NChan + first) * c.NCorr, to = r * n * c.NCorr, len = n * c.NCorr;
                foreach (var (col, data) in c.Vis) data.AsSpan(from, len).CopyTo(piece.Vis[col].AsSpan(to, len));
                c.Flag.AsSpan(from, len).CopyTo(piece.Flag.AsSpan(to, len));
                c.WeightSpectrum.AsSpan(from, len).CopyTo(piece.WeightSpectrum.AsSpan(to, len));
            }
            piece.DeriveRowWeights();
            pieces.Add(piece);
        }
        return pieces;
    }

    private static void CopyRows(VisChunk c, VisChunk o)
    {
        foreach (var ((_, from), (_, to)) in c.IntColumns.Zip(o.IntColumns)) from.CopyTo(to, 0);
        foreach (var ((_, from), (_, to)) in c.DoubleColumns.Zip(o.DoubleColumns)) from.CopyTo(to, 0);
        c.FlagRow.CopyTo(o.FlagRow, 0);
        c.Uvw.CopyTo(o.Uvw, 0);
    }
}
