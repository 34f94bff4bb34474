using MmsMpi.Plots;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Tasks.ListPartition;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The pictures: listpartition --plot (rows and size per sub-MS, the scan × spw matrix by sub-MS) and flagdata summary
/// --plot (flagged fraction per antenna, spw, scan, channel). The CLI's PNG is read back by a standard-library PNG
/// decoder (tests/tools/png_pixels.py): its size, and at the pixels where the picture says it drew each bar or cell,
/// the colour that bar or cell must have.
/// </summary>
public class PlotTests
{
    /// <summary>The PNG's width and height and the colour at each mark's pixel, as the independent reader sees them.</summary>
    private static (int Width, int Height, List<string> Colours) Read(string png, IEnumerable<Mark> marks)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("png_pixels.py"), png, .. marks.Select(m => $"{m.X},{m.Y}")]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var size = lines[0].Split(' ').Select(int.Parse).ToArray();
        return (size[0], size[1], lines.Skip(1).ToList());
    }

    private static string Rgb(string hex) => hex[..7].ToUpperInvariant();

    private static void AssertColoursAtMarks(string png, IReadOnlyList<Mark> marks)
    {
        var (_, _, colours) = Read(png, marks);
        for (int i = 0; i < marks.Count; i++)
            Assert.That(colours[i], Is.EqualTo(Rgb(marks[i].Colour)), $"{marks[i].Panel} {marks[i].Label} at ({marks[i].X},{marks[i].Y})");
    }

    [Test]
    public void ListPartitionDrawsABarPerSubMsAndACellPerScanAndSpw()
    {
        using var tmp = new TempDir();
        var part = Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["p.mms"], "--separationaxis", "scan", "--numsubms", "3", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        var r = Proc.MmsMpi("listpartition", "--vis", tmp["p.mms"], "--plot", tmp["p.png"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.StartWith("This is a Multi-MS"), "the table is printed as without --plot");

        // Where the picture drew its marks: the same drawing in this process, which must give the CLI's pixels.
        var listing = ListPartitionTask.Read(tmp["p.mms"]);
        var marks = PartitionPicture.Write(listing, "p.mms", tmp["here.png"]);
        var (width, height, _) = Read(tmp["p.png"], []);
        Assert.That((width, height), Is.EqualTo((1200, 900)));
        Assert.That(marks.Count(m => m.Panel == "rows per sub-MS"), Is.EqualTo(3), "a bar per sub-MS");
        Assert.That(marks.Count(m => m.Panel == "size per sub-MS"), Is.EqualTo(3));
        int cells = listing.SubMss.SelectMany(s => s.scanId.SelectMany(kv => kv.Value.spwIds.Select(spw => (kv.Key, spw)))).Distinct().Count();
        Assert.That(cells, Is.EqualTo(5 * 3), "5 scans × 3 spws in the data");
        Assert.That(marks.Count(m => m.Panel == "scan x spw"), Is.EqualTo(cells));
        // On the scan axis a scan's cells are all in one sub-MS: one colour per column, and each a sub-MS's colour.
        var bars = marks.Where(m => m.Panel == "rows per sub-MS").Select(m => m.Colour).ToHashSet();
        Assert.That(bars, Has.Count.EqualTo(3), "three colours");
        foreach (var column in marks.Where(m => m.Panel == "scan x spw").GroupBy(m => m.Label.Split(' ')[1]))
            Assert.That(column.Select(m => m.Colour).Distinct().Single(), Is.AnyOf(bars.ToArray()), $"scan {column.Key}");
        AssertColoursAtMarks(tmp["p.png"], marks);
    }

    [Test]
    public void OnTheBaselineAxisEveryCellIsHeldBySeveralSubMss()
    {
        using var tmp = new TempDir();
        var part = Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["b.mms"], "--separationaxis", "baseline", "--numsubms", "2", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        var marks = PartitionPicture.Write(ListPartitionTask.Read(tmp["b.mms"]), "b.mms", tmp["b.png"]);
        Assert.That(marks.Where(m => m.Panel == "scan x spw").Select(m => Rgb(m.Colour)).Distinct(), Is.EqualTo(new[] { Rgb(ScottPlot.Colors.Gray.ToHex()) }));
        AssertColoursAtMarks(tmp["b.png"], marks);
    }

    [Test]
    public void FlagSummaryDrawsTheFlaggedFractionWhereFlagsAre()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.SmallMs, "f.ms");
        var names = Checks.Py(Path.Combine(ms, "ANTENNA"), "' '.join(t.getcol('NAME'))").Split(' ');
        string bad = names[2];
        // Unflag everything, then flag one antenna wholly and spw 1 wholly: every other antenna is flagged only in spw 1.
        foreach (var args in new[]
                 {
                     new[] { "--mode", "unflag" }, ["--mode", "manual", "--antenna", bad], ["--mode", "manual", "--spw", "1"],
                 })
            Assert.That(Proc.MmsMpi(["flagdata", "--vis", ms, "--flagbackup", "false", .. args]).ExitCode, Is.EqualTo(0));
        var r = Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "summary", "--plot", tmp["f.png"], "--summary-json", tmp["f.json"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(File.ReadAllText(tmp["f.json"]), Does.Not.Contain("spw:channel"), "counted for the plot, not printed unless spwchan is asked for");

        var counts = CountSummary(ms);
        var marks = FlagSummaryPicture.Write(counts, "f.ms", tmp["here.png"]);
        var (width, height, _) = Read(tmp["f.png"], []);
        Assert.That((width, height), Is.EqualTo((1200, 1000)));
        var antennaBars = marks.Where(m => m.Panel.EndsWith("per antenna")).ToList();
        Assert.That(antennaBars.Select(m => m.Label), Is.EquivalentTo(names), "every antenna is flagged in spw 1: a bar each");
        var spwBars = marks.Where(m => m.Panel == "per spw").Select(m => m.Label).ToList();
        Assert.That(spwBars, Does.Contain("1"), "spw 1 is wholly flagged");
        AssertColoursAtMarks(tmp["f.png"], marks);
        // The bad antenna's bar is the tallest: at the height of the others' tops plus a margin only its bar is drawn.
        var badBar = antennaBars.Single(m => m.Label == bad);
        int above = antennaBars.Where(m => m.Label != bad).Min(m => m.Y) - 40;
        var (_, _, colours) = Read(tmp["f.png"], [badBar with { Y = above }, .. antennaBars.Where(m => m.Label != bad).Select(m => m with { Y = above })]);
        Assert.That(colours[0], Is.EqualTo(Rgb(ScottPlot.Colors.SteelBlue.ToHex())), "inside the bad antenna's bar");
        Assert.That(colours.Skip(1), Has.None.EqualTo(Rgb(ScottPlot.Colors.SteelBlue.ToHex())), "above the other antennas' bars");
        double Fraction(string key) => counts.Categories["antenna"][key].Flagged / counts.Categories["antenna"][key].Total;
        Assert.That(Fraction(bad), Is.GreaterThan(0.9), "every cross-correlation of the bad antenna (its autocorrelation is not in antenna='NAME')");
        Assert.That(names.Where(n => n != bad).Select(Fraction), Has.All.LessThan(0.5));
    }

    /// <summary>The summary's counts as the CLI merges them (a summary pass in this process).</summary>
    private static FlagSummary CountSummary(string ms)
    {
        var summary = FlagParameters.Build(new Dictionary<string, string> { ["mode"] = "summary", ["spwchan"] = "true" }, "mode='summary' spwchan=True");
        var p = new FlagDataParams(ms, [summary], false, FlagAction.Apply, false);
        var result = new FlagDataTask(new MmsMpi.Runtime.TaskContext(new MmsMpi.Runtime.LocalCluster()), p).Run();
        return result.Commands.Single().Report.Summary!;
    }
}
