namespace MmsMpi.Tests.Support;

/// <summary>Paths of the checkout, the shared data beside it, and the built CLI next to the tests.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The MmsMpi CLI built with the tests (the test project references the Engine).</summary>
    /// <summary>The CLI under test: scripts/test.sh's published (ReadyToRun) one, else the copy built beside the tests.</summary>
    public static string MmsMpiDll => Environment.GetEnvironmentVariable("MMSMPI_DLL") is { Length: > 0 } published
        ? published : Path.Combine(AppContext.BaseDirectory, "MmsMpi.dll");

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    public static string Tool(string name) => Path.Combine(Root, "tests", "tools", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MmsMpi.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("MmsMpi.sln not found above the test directory");
    }
}
