using ScottPlot;
using SkiaSharp;

namespace MmsMpi.Plots;

/// <summary>
/// One PNG of several ScottPlot panels, each drawn into its own part of the image. The file appears only when it is
/// complete (written beside it, then renamed). After <see cref="Save"/> every panel knows its pixels, so a picture
/// can say where it drew each mark (<see cref="Mark"/>) and tests can look there.
/// </summary>
public sealed class Figure(int width, int height)
{
    private readonly List<(Plot Plot, PixelRect Rect)> _panels = [];

    public int Width => width;
    public int Height => height;

    /// <summary>A new panel over a part of the image given as fractions of its width and height from the top left.</summary>
    public Plot Panel(double left, double top, double right, double bottom)
    {
        var plot = new Plot();
        _panels.Add((plot, new PixelRect((float)(left * width), (float)(right * width), (float)(bottom * height), (float)(top * height))));
        return plot;
    }

    /// <summary>After <see cref="Save"/>: the image pixel of a coordinate of a panel.</summary>
    public Pixel Locate(Plot plot, Coordinates at)
    {
        var rect = _panels.Single(p => p.Plot == plot).Rect;
        var p = plot.GetPixel(at);
        return new Pixel(p.X + rect.Left, p.Y + rect.Top);
    }

    public void Save(string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("no drawing surface");
        surface.Canvas.Clear(SKColors.White);
        // Each panel on a surface of its own: a plot's render clears the whole canvas it is given.
        foreach (var (plot, rect) in _panels)
        {
            using var panel = SKSurface.Create(new SKImageInfo((int)rect.Width, (int)rect.Height)) ?? throw new InvalidOperationException("no drawing surface");
            plot.Render(panel.Canvas, (int)rect.Width, (int)rect.Height);
            surface.Canvas.DrawSurface(panel, rect.Left, rect.Top);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        string partial = $"{path}.{Environment.ProcessId}.partial";
        using (var file = File.Create(partial)) png.SaveTo(file);
        File.Move(partial, path, overwrite: true);
    }
}

/// <summary>Where a picture drew one mark (a bar, a matrix cell): a pixel well inside it and its colour.</summary>
public sealed record Mark(string Panel, string Label, int X, int Y, string Colour);
