namespace MmsMpi.Tests.Support;

/// <summary>A scratch directory removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mmsmpi-test-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>A copy of the table (or any directory) source under name here; its path.</summary>
    public string CopyOf(string source, string name)
    {
        var r = Proc.Run("cp", ["-r", source, this[name]]);
        NUnit.Framework.Assert.That(r.ExitCode, NUnit.Framework.Is.EqualTo(0), r.ToString());
        return this[name];
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
