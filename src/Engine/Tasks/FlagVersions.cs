using MmsMpi.Casacore;

namespace MmsMpi.Tasks;

/// <summary>
/// CASA's flag versions: &lt;vis&gt;.flagversions/ holds FLAG_VERSION_LIST ("name : comment" per line) and one
/// plain table flags.&lt;name&gt; with the FLAG and FLAG_ROW columns of the MS (or MMS) at the time of saving.
/// </summary>
public static class FlagVersions
{
    public static string DirFor(string vis) => Path.TrimEndingDirectorySeparator(vis) + ".flagversions";

    /// <summary>Saves the current flags as version prefix_N (N = 1 + the versions with that prefix already there).</summary>
    public static string Backup(string vis, string versionsDir, string prefix, string comment)
    {
        Directory.CreateDirectory(versionsDir);
        var list = Path.Combine(versionsDir, "FLAG_VERSION_LIST");
        var existing = File.Exists(list) ? File.ReadAllLines(list) : [];
        int n = 1 + existing.Count(l => l.StartsWith(prefix + "_"));
        string name = $"{prefix}_{n}";
        using (var ms = CasaTable.Open(vis))
        using (ms.Query($"select FLAG, FLAG_ROW from $1 giving '{Path.Combine(versionsDir, "flags." + name)}' as plain")) { }
        File.AppendAllLines(list, [$"{name} : {comment}"]);
        return name;
    }
}
