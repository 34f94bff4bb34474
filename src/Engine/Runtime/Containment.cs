using System.Runtime.InteropServices;
using MmsMpi.Casacore;

namespace MmsMpi.Runtime;

/// <summary>
/// Where inputs and outputs may be: an output never inside its input nor around it, and an MMS's members and
/// subtable links never outside the MMS (a hostile or hand-edited MMS could send a writing task into another MS).
/// Paths are compared after resolving symbolic links.
/// </summary>
public static partial class Containment
{
    /// <summary>Refuses outputvis == vis, an output inside the input, and an input inside the output.</summary>
    public static void CheckOutputPlacement(string vis, string output)
    {
        string input = Real(vis), target = Real(output);
        if (input == target) throw new UserError($"outputvis {output} is the input vis {vis}");
        if (Inside(target, input)) throw new UserError($"outputvis {output} is inside the input vis {vis}");
        if (Inside(input, target)) throw new UserError($"the input vis {vis} is inside outputvis {output}");
    }

    /// <summary>
    /// Every symbolic link in an MMS (its SUBMSS members, the reference table's and the members' subtable links) and
    /// every part the reference table lists, that resolves outside the MMS: "LINK → TARGET" per escape.
    /// </summary>
    public static IReadOnlyList<string> EscapesOf(CasaTable reference)
    {
        string mms = reference.Name, root = Real(mms);
        var escapes = new List<string>();
        foreach (var entry in new DirectoryInfo(mms).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is null) continue;
            string target = Real(entry.FullName);
            if (!Inside(target, root)) escapes.Add($"{Path.GetRelativePath(mms, entry.FullName)} → {target}");
        }
        foreach (var part in reference.PartNames())
            if (!Inside(Real(part), root)) escapes.Add($"member {part} → {Real(part)}");
        return escapes.Distinct().ToList();
    }

    /// <summary>Refuses (writing tasks) or warns about (reading tasks) links of an MMS that lead outside it.</summary>
    public static void CheckMms(CasaTable mms, bool writing, NLog.Logger logger)
    {
        var escapes = EscapesOf(mms);
        if (escapes.Count == 0) return;
        string text = $"{mms.Name} has links outside the MMS: {string.Join("; ", escapes)}";
        if (writing) throw new UserError($"{text}: refusing to write through them");
        logger.Warn($"{text}: they are read as they are");
    }

    /// <summary>The path with every symbolic link resolved (for a path that does not exist yet: its parent's, plus its name).</summary>
    private static string Real(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var existing = full;
        var rest = new Stack<string>();
        while (!Path.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        string resolved = Resolve(existing);
        while (rest.Count > 0) resolved = Path.Combine(resolved, rest.Pop());
        return resolved;
    }

    private static bool Inside(string path, string dir) => path.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>realpath(3): the existing path with every link (also links to links, and links inside targets) resolved.</summary>
    private static string Resolve(string path)
    {
        nint resolved = realpath(path, 0);
        if (resolved == 0) return path;
        try { return Marshal.PtrToStringUTF8(resolved)!; }
        finally { free(resolved); }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport("libc")]
    private static partial void free(nint pointer);
}
