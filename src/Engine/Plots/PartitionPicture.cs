using MmsMpi.Tasks.ListPartition;
using ScottPlot;

namespace MmsMpi.Plots;

/// <summary>
/// listpartition --plot: rows and size per sub-MS (bars), and the scan × spw matrix with each cell in the colour of the
/// sub-MS that holds it (grey where several do, as on the baseline axis), so a partition's shape is seen at a glance.
/// </summary>
public static class PartitionPicture
{
    private static readonly Color Several = Colors.Gray;

    /// <summary>Sub-MSs up to which the matrix has a legend (beyond it the colours repeat and a legend would not fit).</summary>
    private const int LegendUpTo = 16;

    public static IReadOnlyList<Mark> Write(ListPartitionTask.Listing listing, string title, string path)
    {
        var subMss = listing.SubMss;
        var palette = new ScottPlot.Palettes.Category10();
        var colours = subMss.Select((_, i) => palette.GetColor(i)).ToList();
        var labels = subMss.Select(s => SubMsNumber(s.MS)).ToList();
        var figure = new Figure(1200, 900);

        var rows = BarPanel.Draw(figure.Panel(0, 0, 0.5, 0.42), "rows per sub-MS", "rows", labels, subMss.Select(s => (double)s.scanId.Values.Sum(v => v.nrows)).ToList(), colours);
        var size = BarPanel.Draw(figure.Panel(0.5, 0, 1, 0.42), "size per sub-MS", "MiB", labels, subMss.Select(s => s.Bytes / 1048576.0).ToList(), colours);
        var matrix = figure.Panel(0, 0.42, 1, 1);
        var cells = Matrix(figure, matrix, listing, colours, title);
        figure.Save(path);
        return [.. rows.Marks(figure), .. size.Marks(figure), .. cells.Select(c => c())];
    }

    /// <summary>Draws the scan × spw cells; returns, for after the save, where each cell was drawn.</summary>
    private static List<Func<Mark>> Matrix(Figure figure, Plot plot, ListPartitionTask.Listing listing, IReadOnlyList<Color> colours, string title)
    {
        var holders = new SortedDictionary<(int Scan, int Spw), List<int>>();
        for (int m = 0; m < listing.SubMss.Count; m++)
            foreach (var (scan, info) in listing.SubMss[m].scanId)
                foreach (int spw in info.spwIds)
                {
                    if (!holders.TryGetValue((scan, spw), out var list)) holders[(scan, spw)] = list = [];
                    list.Add(m);
                }
        var scans = holders.Keys.Select(k => k.Scan).Distinct().Order().ToList();
        var spws = holders.Keys.Select(k => k.Spw).Distinct().Order().ToList();
        var marks = new List<Func<Mark>>();
        var named = new HashSet<int>();
        bool legend = listing.SubMss.Count <= LegendUpTo;
        foreach (var ((scan, spw), list) in holders)
        {
            int x = scans.IndexOf(scan), y = spws.IndexOf(spw);
            var colour = list.Count == 1 ? colours[list[0]] : Several;
            var cell = plot.Add.Rectangle(x - 0.45, x + 0.45, y - 0.45, y + 0.45);
            cell.FillColor = colour;
            cell.LineWidth = 0;
            int key = list.Count == 1 ? list[0] : -1;
            if (legend && named.Add(key)) cell.LegendText = key < 0 ? "several sub-MSs" : $"sub-MS {SubMsNumber(listing.SubMss[key].MS)}";
            string label = $"scan {scan} spw {spw}";
            marks.Add(() =>
            {
                var p = figure.Locate(plot, new Coordinates(x, y));
                return new Mark("scan x spw", label, (int)Math.Round(p.X), (int)Math.Round(p.Y), colour.ToHex());
            });
        }
        plot.Axes.Bottom.TickGenerator = Ticks(scans);
        plot.Axes.Left.TickGenerator = Ticks(spws);
        plot.Axes.SetLimits(-0.6, scans.Count - 0.4, -0.6, spws.Count - 0.4);
        plot.XLabel("scan");
        plot.YLabel("spw");
        plot.Title($"{title}: sub-MS of each scan and spw");
        if (legend) plot.ShowLegend(Edge.Right);
        return marks;
    }

    /// <summary>At most ~30 labelled ticks along an axis of ids.</summary>
    private static ScottPlot.TickGenerators.NumericManual Ticks(IReadOnlyList<int> ids)
    {
        int every = Math.Max(1, (int)Math.Ceiling(ids.Count / 30.0));
        var shown = Enumerable.Range(0, ids.Count).Where(i => i % every == 0).ToArray();
        return new(shown.Select(i => (double)i).ToArray(), shown.Select(i => ids[i].ToString()).ToArray());
    }

    /// <summary>"base.0003.ms" → "0003"; a plain MS keeps its name.</summary>
    private static string SubMsNumber(string name)
    {
        var parts = name.Split('.');
        return parts.Length >= 3 && parts[^2].All(char.IsDigit) ? parts[^2] : name;
    }
}
