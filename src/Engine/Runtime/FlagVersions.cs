using MmsMpi.Casacore;
using MmsMpi.Ms;

namespace MmsMpi.Runtime;

/// <summary>
/// CASA's flag versions: &lt;vis&gt;.flagversions/ holds FLAG_VERSION_LIST ("name : comment" per line) and one
/// plain table flags.&lt;name&gt; with the FLAG and FLAG_ROW columns of the MS (or MMS) at the time of saving, row for
/// row (an MMS is saved through its ConcatTable, so its rows follow the sub-MSs in order).
/// </summary>
public static class FlagVersions
{
    public static string DirFor(string vis) => Path.TrimEndingDirectorySeparator(vis) + ".flagversions";

    public static string TablePath(string versionsDir, string name) => Path.Combine(versionsDir, "flags." + name);

    /// <summary>The versions in FLAG_VERSION_LIST order (none when the directory or list does not exist).</summary>
    public static IReadOnlyList<(string Name, string Comment)> List(string versionsDir)
    {
        var list = ListFile(versionsDir);
        if (!File.Exists(list)) return [];
        return File.ReadAllLines(list).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(" : ", 2) is var p && p.Length == 2 ? (p[0].Trim(), p[1]) : (l.Trim(), "")).ToList();
    }

    /// <summary>Saves the current flags as version prefix_N, N the first number not taken (flaghelper.backupFlags).</summary>
    public static string Backup(string vis, string versionsDir, string prefix, string comment)
    {
        var existing = List(versionsDir).Select(v => v.Name).ToHashSet();
        int n = 1;
        while (existing.Contains($"{prefix}_{n}") || Directory.Exists(TablePath(versionsDir, $"{prefix}_{n}"))) n++;
        string name = $"{prefix}_{n}";
        Save(vis, versionsDir, name, comment);
        return name;
    }

    /// <summary>
    /// Saves the current flags as version name. An existing version of that name is first renamed to
    /// name.old.&lt;unix time&gt; (task_flagmanager's save), so nothing is overwritten.
    /// </summary>
    public static void Save(string vis, string versionsDir, string name, string comment)
    {
        Directory.CreateDirectory(versionsDir);
        if (List(versionsDir).Any(v => v.Name == name))
        {
            string old = $"{name}.old.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
            Log.For<CasaTable>().Warn($"Version name '{name}' already exist. Will rename it to {old}");
            Rename(versionsDir, name, old, null);
        }
        string table = TablePath(versionsDir, name);
        try
        {
            using var ms = CasaTable.Open(vis);
            // An empty table with the MS's own storage managers for FLAG and FLAG_ROW (made natively: no path in TaQL
            // text or a shell, so any path works); the rows are then copied in bulk per run of one DDI (one cell
            // shape): TaQL's own copy of a selection went cell by cell and took longer than the rest of a partition.
            ms.CreateEmptyWithColumns(table, "FLAG", "FLAG_ROW");
            using var version = CasaTable.Open(table, writable: true);
            version.AddRows(ms.NRow);
            var runs = RowRun.Consecutive(ms).Select(r => new CopyRun(r.Start, r.Length, 0)).ToList();
            MsWriter.CopyRuns(ms, version, runs, 0, [VisSlice.Whole], [("FLAG", "FLAG"), ("FLAG_ROW", "FLAG_ROW")]);
        }
        catch
        {
            // A version that is not in the list must not stay half written (a full disk).
            if (Directory.Exists(table)) Directory.Delete(table, recursive: true);
            throw;
        }
        File.AppendAllLines(ListFile(versionsDir), [$"{name} : {comment}"]);
    }

    /// <summary>Removes a version's table and its line.</summary>
    public static void Delete(string versionsDir, string name)
    {
        Require(versionsDir, name);
        Directory.Delete(TablePath(versionsDir, name), recursive: true);
        WriteList(versionsDir, List(versionsDir).Where(v => v.Name != name));
    }

    /// <summary>Renames a version (its table and line); a null comment keeps the old one.</summary>
    public static void Rename(string versionsDir, string oldName, string newName, string? comment)
    {
        Require(versionsDir, oldName);
        RequireFree(versionsDir, newName);
        Directory.Move(TablePath(versionsDir, oldName), TablePath(versionsDir, newName));
        WriteList(versionsDir, List(versionsDir).Select(v => v.Name == oldName ? (newName, comment ?? v.Comment) : v));
    }

    /// <summary>Refuses a version that is not in the list or has no table.</summary>
    public static void Require(string versionsDir, string name)
    {
        if (!List(versionsDir).Any(v => v.Name == name) || !Directory.Exists(TablePath(versionsDir, name)))
            throw new UserError($"Flag version {name} does not exist");
    }

    /// <summary>Refuses a name that a version already has.</summary>
    public static void RequireFree(string versionsDir, string name)
    {
        if (List(versionsDir).Any(v => v.Name == name) || Directory.Exists(TablePath(versionsDir, name)))
            throw new UserError($"Flagversions {name} already exists!");
    }

    private static string ListFile(string versionsDir) => Path.Combine(versionsDir, "FLAG_VERSION_LIST");

    private static void WriteList(string versionsDir, IEnumerable<(string Name, string Comment)> versions) =>
        File.WriteAllLines(ListFile(versionsDir), versions.Select(v => $"{v.Name} : {v.Comment}").ToList());
}
