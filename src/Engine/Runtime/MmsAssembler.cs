using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Ms;

namespace MmsMpi.Runtime;

/// <summary>
/// Turns finished sub-MSs into a Multi-MS (fact sheet §2.8, design document): spw consolidation on the spw axis,
/// POINTING/SYSCAL/SYSPOWER kept only in the first sub-MS and linked from the others, a casacore ConcatTable as
/// reference MS whose subtables are relative links into the first sub-MS, and the AxisType line in table.info.
/// Runs on the coordinator with every sub-MS closed.
/// </summary>
public static class MmsAssembler
{
    /// <summary>
    /// Builds the MMS at mmsPath from sub-MSs (siblings in one directory), which move into mmsPath/SUBMSS.
    /// consolidateSpws: the sub-MSs hold only their own spws (a partition along spw) and get the merged tables.
    /// </summary>
    public static void Assemble(IReadOnlyList<string> subMss, string mmsPath, string axisType, bool consolidateSpws)
    {
        string first = Path.GetFileName(subMss[0]);
        if (consolidateSpws) ConsolidateSpwTables(subMss);
        foreach (var sub in subMss.Skip(1))
            foreach (var name in SpwSubtables.SharedByLink.Where(n => Directory.Exists(Path.Combine(subMss[0], n))))
                ReplaceWithLink(Path.Combine(sub, name), Path.Combine("..", first, name));

        IReadOnlyList<string> subtables;
        using (var ms = CasaTable.Open(subMss[0])) subtables = ms.SubtableNames;
        MsWriter.Concat(subMss, mmsPath);
        foreach (var name in subtables)
            ReplaceWithLink(Path.Combine(mmsPath, name), Path.Combine(SubMsNaming.SubDir, first, name));
        WriteAxisType(Path.Combine(mmsPath, "table.info"), axisType);
        var broken = BrokenLinks(mmsPath).ToList();
        if (broken.Count > 0) throw new InvalidOperationException($"The new MMS contains broken symlinks: {string.Join(", ", broken)}");
    }

    /// <summary>
    /// Spw axis: each sub-MS holds the SPECTRAL_WINDOW, DATA_DESCRIPTION and spw-indexed rows of its own spws with
    /// global ids; the first sub-MS gets all of them appended in order, and the others get copies of the result.
    /// </summary>
    private static void ConsolidateSpwTables(IReadOnlyList<string> subMss)
    {
        foreach (var name in new[] { "SPECTRAL_WINDOW", "DATA_DESCRIPTION" }.Concat(SpwSubtables.SpwIndexed))
        {
            var target = Path.Combine(subMss[0], name);
            if (!Directory.Exists(target)) continue;
            using (var merged = CasaTable.Open(target, writable: true))
            {
                foreach (var sub in subMss.Skip(1))
                {
                    using var part = CasaTable.Open(Path.Combine(sub, name));
                    // Rows for "all spws" (-1) are the same in every sub-MS: the first one's are enough.
                    using var rows = part.HasColumn("SPECTRAL_WINDOW_ID") && name != "DATA_DESCRIPTION"
                        ? part.Query("select from $1 where SPECTRAL_WINDOW_ID >= 0")
                        : part.Query("select from $1");
                    if (rows.NRow > 0) merged.CopyRowsFrom(rows, merged.NRow, 0, rows.NRow);
                }
                merged.Flush();
            }
            using var consolidated = CasaTable.Open(target);
            foreach (var sub in subMss.Skip(1))
            {
                Directory.Delete(Path.Combine(sub, name), recursive: true);
                consolidated.DeepCopy(Path.Combine(sub, name));
            }
        }
    }

    private static void ReplaceWithLink(string path, string relativeTarget)
    {
        if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
            Directory.Delete(path, recursive: true);
        else if (File.Exists(path) || Directory.Exists(path))
            File.Delete(path);
        File.CreateSymbolicLink(path, relativeTarget);
    }

    /// <summary>Puts "AxisType = X" first in the readme of table.info, as CASA's setAxisType does.</summary>
    public static void WriteAxisType(string tableInfo, string axisType)
    {
        var lines = File.ReadAllLines(tableInfo).Where(l => !l.StartsWith("AxisType")).ToList();
        int blank = lines.FindIndex(string.IsNullOrWhiteSpace);
        if (blank < 0) { lines.Add(""); blank = lines.Count - 1; }
        lines.Insert(blank + 1, $"AxisType = {axisType}");
        File.WriteAllLines(tableInfo, lines);
    }

    /// <summary>The AxisType of an MMS's table.info readme, or null when there is none.</summary>
    public static string? ReadAxisType(string msPath)
    {
        var info = Path.Combine(msPath, "table.info");
        if (!File.Exists(info)) return null;
        var line = File.ReadLines(info).FirstOrDefault(l => l.Contains("AxisType"));
        return line is null ? null : line[(line.IndexOf('=') + 1)..].Trim();
    }

    private static IEnumerable<string> BrokenLinks(string root) =>
        new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => f.LinkTarget is not null && !Path.Exists(Path.Combine(Path.GetDirectoryName(f.FullName)!, f.LinkTarget)))
            .Select(f => f.FullName);
}
