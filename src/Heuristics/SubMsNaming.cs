namespace MmsMpi.Heuristics;

/// <summary>
/// Sub-MS names of the design document: the MMS base name without its extension plus a 4-digit index,
/// e.g. out.mms → SUBMSS/out.0000.ms.
/// </summary>
public static class SubMsNaming
{
    public const string SubDir = "SUBMSS";

    public static string BaseName(string outputVis)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(outputVis)).TrimEnd('.');
        var stem = Path.GetFileNameWithoutExtension(name);
        return stem.Length > 0 ? stem : name;
    }

    public static string Name(string baseName, int index) => $"{baseName}.{index:D4}.ms";
}
