using ScottPlot;

namespace MmsMpi.Plots;

/// <summary>A panel of labelled bars (one per antenna, sub-MS, scan ...), each of its own colour.</summary>
public sealed class BarPanel(Plot plot, string name, IReadOnlyList<string> labels, IReadOnlyList<double> values, IReadOnlyList<Color> colours)
{
    /// <summary>Labels on the axis at most: more would overlap, so every n-th is shown.</summary>
    private const int MaxLabels = 24;

    public static BarPanel Draw(Plot plot, string name, string yLabel, IReadOnlyList<string> labels, IReadOnlyList<double> values,
        IReadOnlyList<Color> colours, double? yMax = null)
    {
        var bars = labels.Select((_, i) => new Bar { Position = i, Value = values[i], FillColor = colours[i], LineWidth = 0, Size = 0.8 }).ToArray();
        plot.Add.Bars(bars);
        int every = Math.Max(1, (int)Math.Ceiling(labels.Count / (double)MaxLabels));
        var shown = Enumerable.Range(0, labels.Count).Where(i => i % every == 0).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(shown.Select(i => (double)i).ToArray(), shown.Select(i => labels[i]).ToArray());
        plot.Title(name);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        if (yMax is { } top) plot.Axes.SetLimitsY(0, top);
        plot.Axes.SetLimitsX(-0.6, labels.Count - 0.4);
        return new BarPanel(plot, name, labels, values, colours);
    }

    /// <summary>After the figure is saved: a pixel in the middle of each bar tall and wide enough to hold one.</summary>
    public IEnumerable<Mark> Marks(Figure figure)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            var top = figure.Locate(plot, new Coordinates(i, values[i]));
            var bottom = figure.Locate(plot, new Coordinates(i, 0));
            var left = figure.Locate(plot, new Coordinates(i - 0.4, 0));
            if (bottom.Y - top.Y < 6 || top.X - left.X < 3) continue;
            yield return new Mark(name, labels[i], (int)Math.Round(top.X), (int)Math.Round((top.Y + bottom.Y) / 2), colours[i].ToHex());
        }
    }
}
