namespace MmsMpi;

/// <summary>Size on disk of a table directory, like `du -s` (links not followed), and its human form like `du -h`.</summary>
public static class DiskUsage
{
    public static long Bytes(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Sum(f => f.Length);

    public static string Human(long bytes)
    {
        string[] units = ["B", "K", "M", "G", "T"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes}B" : v < 10 ? $"{v:0.0}{units[u]}" : $"{v:0}{units[u]}";
    }
}
