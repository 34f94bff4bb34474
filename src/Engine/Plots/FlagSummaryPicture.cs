using MmsMpi.Tasks.Flagging;
using ScottPlot;

namespace MmsMpi.Plots;

/// <summary>
/// flagdata --mode summary --plot: the flagged fraction per antenna, per spw and per scan (bars), and per channel of
/// each spw (a line per spw), from the summary's merged counts: what CASA users read off flagdata's display and plotms.
/// </summary>
public static class FlagSummaryPicture
{
    public static IReadOnlyList<Mark> Write(FlagSummary summary, string title, string path)
    {
        var figure = new Figure(1200, 1000);
        var antenna = Bars(figure.Panel(0, 0, 1, 0.3), $"{title}: flagged fraction per antenna", summary, "antenna", Colors.SteelBlue);
        var spw = Bars(figure.Panel(0, 0.3, 0.35, 0.6), "per spw", summary, "spw", Colors.DarkOrange);
        var scan = Bars(figure.Panel(0.35, 0.3, 1, 0.6), "per scan", summary, "scan", Colors.SeaGreen);
        Channels(figure.Panel(0, 0.6, 1, 1), summary);
        figure.Save(path);
        return [.. antenna.Marks(figure), .. spw.Marks(figure), .. scan.Marks(figure)];
    }

    private static BarPanel Bars(Plot plot, string name, FlagSummary summary, string category, Color colour)
    {
        var entries = Ordered(summary.Categories.GetValueOrDefault(category) ?? new(StringComparer.Ordinal));
        return BarPanel.Draw(plot, name, "flagged fraction", entries.Select(e => e.Key).ToList(),
            entries.Select(e => Fraction(e.Value)).ToList(), entries.Select(_ => colour).ToList(), yMax: 1);
    }

    /// <summary>A line per spw over its channels (counted per spw:channel; the CLI asks for them when a plot is wanted).</summary>
    private static void Channels(Plot plot, FlagSummary summary)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var bySpw = (summary.Categories.GetValueOrDefault("spw:channel") ?? new(StringComparer.Ordinal))
            .Select(e => (Key: e.Key.Split(':'), Count: e.Value))
            .GroupBy(e => int.Parse(e.Key[0]), e => (Channel: int.Parse(e.Key[1]), e.Count))
            .OrderBy(g => g.Key).ToList();
        foreach (var (spw, i) in bySpw.Select((g, i) => (g, i)))
        {
            var points = spw.OrderBy(p => p.Channel).ToList();
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Channel).ToArray(), points.Select(p => Fraction(p.Count)).ToArray(), palette.GetColor(i));
            line.LegendText = $"spw {spw.Key}";
            line.MarkerSize = points.Count <= 64 ? 4 : 0;
        }
        plot.Title("per channel of each spw");
        plot.XLabel("channel");
        plot.YLabel("flagged fraction");
        plot.Axes.SetLimitsY(0, 1);
        if (bySpw.Count == 0) return;
        plot.Axes.SetLimitsX(-0.5, bySpw.Max(g => g.Max(p => p.Channel)) + 0.5);
        plot.ShowLegend(Edge.Right);
    }

    private static double Fraction(FlagCount c) => c.Total > 0 ? c.Flagged / c.Total : 0;

    /// <summary>Numbered keys (spw, scan ids) in numeric order, names (antennas) as the summary holds them.</summary>
    private static List<KeyValuePair<string, FlagCount>> Ordered(IEnumerable<KeyValuePair<string, FlagCount>> entries)
    {
        var list = entries.ToList();
        return list.All(e => int.TryParse(e.Key, out _)) ? list.OrderBy(e => int.Parse(e.Key)).ToList() : list;
    }
}
