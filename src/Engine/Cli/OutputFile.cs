namespace MmsMpi.Cli;

/// <summary>Checks on report files a task writes besides its data (--json, --summary-json).</summary>
public static class OutputFile
{
    /// <summary>Refuses an output file whose directory does not exist or cannot be written, before any work is done.</summary>
    public static void RequireWritable(string file, string parameter)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (!Directory.Exists(dir)) throw new UserError($"{parameter} {file}: the directory {dir} does not exist");
        string probe = Path.Combine(dir, $".mmsmpi-probe-{Environment.ProcessId}");
        try { File.WriteAllText(probe, ""); File.Delete(probe); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"{parameter} {file}: {dir} is not writable"); }
    }

    /// <summary>A picture's file: a .png name in a writable directory.</summary>
    public static void RequirePng(string file, string parameter)
    {
        if (!file.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UserError($"{parameter} {file}: the picture is a PNG file, name it *.png");
        if (Directory.Exists(file)) throw new UserError($"{parameter} {file}: is a directory");
        RequireWritable(file, parameter);
    }
}
