namespace MmsMpi.Tests.Support;

/// <summary>Scratch directories shared by a whole test run (unpacked and generated data), removed when the run ends.</summary>
public static class RunScratch
{
    private static readonly List<string> Dirs = [];

    public static string Create(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        lock (Dirs) Dirs.Add(dir);
        return dir;
    }

    public static void RemoveAll()
    {
        lock (Dirs)
            foreach (var dir in Dirs.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
    }
}
