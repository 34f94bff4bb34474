using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MmsMpi.Runtime;

/// <summary>
/// The work directory of a task that writes a new MS: OUT.building/ beside the output (same filesystem), so the
/// output appears only when complete, by one rename. It holds a ledger (the command's parameters and every completed
/// job's output with its rows and size) and a lock owned by the running coordinator. A run that stops (a signal, a
/// killed rank, a lost node) leaves it behind: the next run refuses it, naming it, unless given --resume, which keeps
/// the completed outputs of the same command and runs the rest.
/// </summary>
public sealed class Staging : IDisposable
{
    private const string LedgerFile = "ledger.json", LockFile = "owner.lock";
    private static readonly NLog.Logger Logger = Log.For<Staging>();

    private readonly FileLock _lock;
    private readonly Ledger _ledger;
    private bool _keep = true;

    public string Dir { get; }

    private Staging(string dir, FileLock owner, Ledger ledger) => (Dir, _lock, _ledger) = (dir, owner, ledger);

    public static string DirFor(string finalPath) => Path.TrimEndingDirectorySeparator(finalPath) + ".building";

    /// <summary>Opens the staging of finalPath for command (parameter → value): fresh, or resumed when resume and the same command left one.</summary>
    public static Staging Begin(string finalPath, IReadOnlyDictionary<string, string> command, string task, bool resume)
    {
        string dir = DirFor(finalPath), lockPath = Path.Combine(dir, LockFile);
        if (Directory.Exists(dir) && FileLock.IsHeld(lockPath))
            throw new UserError($"{finalPath} is being written by {FileLock.Owner(lockPath)} (its staging is {dir})");
        Ledger ledger;
        if (Directory.Exists(dir) && !resume)
            throw new UserError($"a staging directory {dir} of an interrupted run exists ({Ledger.Describe(Path.Combine(dir, LedgerFile))}): " +
                "rerun the same command with --resume to continue it, or remove it");
        if (Directory.Exists(dir))
        {
            ledger = Ledger.Read(Path.Combine(dir, LedgerFile)) ?? new Ledger(command, []);
            if (Ledger.FirstDifference(ledger.Command, command) is { } diff)
                throw new UserError($"--resume: {dir} was made by a different command: {diff}");
            ledger = ledger.KeepIntact(dir);
            RemoveAllBut(dir, ledger);
            Logger.Info($"resuming {dir}: {ledger.Done.Count} completed output(s) kept");
        }
        else
        {
            if (resume) Logger.Info($"--resume: no staging {dir} to resume; starting afresh");
            Directory.CreateDirectory(dir);
            ledger = new Ledger(command, []);
        }
        var owner = FileLock.TryAcquire(lockPath, FileLock.Describe(task))
                    ?? throw new UserError($"{finalPath} is being written by {FileLock.Owner(lockPath)} (its staging is {dir})");
        var staging = new Staging(dir, owner, ledger);
        staging.Save();
        return staging;
    }

    public string PathFor(string name) => Path.Combine(Dir, name);

    /// <summary>The rows of a completed output kept from an earlier run of this command, or null.</summary>
    public long? Done(string path) => _ledger.Done.TryGetValue(Path.GetRelativePath(Dir, path), out var d) ? d.Rows : null;

    /// <summary>Records a completed output (its size is checked when resuming).</summary>
    public void Record(string path, long rows)
    {
        _ledger.Done[Path.GetRelativePath(Dir, path)] = new Ledger.Entry(rows, DiskUsage.Bytes(path));
        Save();
    }

    /// <summary>Moves a finished output from the staging to its final path: the one moment the output appears.</summary>
    public static void Publish(string builtPath, string finalPath) => Directory.Move(builtPath, finalPath);

    /// <summary>The staging is removed at dispose (success, or a failure that leaves nothing worth resuming).</summary>
    public void Discard() => _keep = false;

    /// <summary>Whether completed outputs would make a --resume worthwhile.</summary>
    public bool Resumable => _ledger.Done.Count > 0;

    public void Dispose()
    {
        _lock.Dispose();
        if (!_keep && Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
        else if (_keep) Logger.Info($"staging kept in {Dir} ({_ledger.Done.Count} completed output(s)): rerun with --resume to continue");
    }

    private void Save()
    {
        string path = PathFor(LedgerFile), temp = path + ".new";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_ledger, RuntimeJson.Default.Ledger));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Everything an interrupted run left that the ledger does not vouch for goes (partial outputs, a half-built MMS).</summary>
    private static void RemoveAllBut(string dir, Ledger ledger)
    {
        var keep = ledger.Done.Keys.Select(k => k.Split(Path.DirectorySeparatorChar)[0]).Append(LedgerFile).Append(LockFile).ToHashSet();
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            // A nested task's own staging (mstransform's partition) resumes through its own ledger.
            if (keep.Contains(entry.Name) || entry.Name.EndsWith(".building", StringComparison.Ordinal)) continue;
            if (entry is DirectoryInfo d && d.LinkTarget is null) d.Delete(recursive: true);
            else entry.Delete();
        }
    }
}

/// <summary>The staging's record: the command that made it and its completed outputs (path relative to the staging → rows, bytes).</summary>
public sealed record Ledger(IReadOnlyDictionary<string, string> Command, Dictionary<string, Ledger.Entry> Done)
{
    public sealed record Entry(long Rows, long Bytes);

    public static Ledger? Read(string path)
    {
        try { return JsonSerializer.Deserialize(File.ReadAllBytes(path), RuntimeJson.Default.Ledger); }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    /// <summary>One line about a staging's ledger for the message that refuses it.</summary>
    public static string Describe(string path) =>
        Read(path) is { } l ? $"{l.Command.GetValueOrDefault("task", "a task")}, {l.Done.Count} output(s) completed" : "no readable ledger";

    /// <summary>The first parameter whose value differs, as "outputvis was 'a', now 'b'", or null when the commands are the same.</summary>
    public static string? FirstDifference(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> now) =>
        before.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != now.GetValueOrDefault(k))
            .Select(k => $"{k} was '{before.GetValueOrDefault(k, "")}', now '{now.GetValueOrDefault(k, "")}'")
            .FirstOrDefault();

    /// <summary>The entries whose outputs are still there with the size they had when completed.</summary>
    public Ledger KeepIntact(string dir) => this with
    {
        Done = Done.Where(kv => Directory.Exists(Path.Combine(dir, kv.Key)) && DiskUsage.Bytes(Path.Combine(dir, kv.Key)) == kv.Value.Bytes)
            .ToDictionary(kv => kv.Key, kv => kv.Value),
    };
}

/// <summary>A task's parameters as the flat "name → value" text a ledger or marker compares (nested records as "Selection.Spw").</summary>
public static class CommandFingerprint
{
    /// <summary>
    /// Through the parameters' build-time metadata (<see cref="Tasks.CommandJson"/>: enums by name): building it by
    /// reflection took 0.13–0.15 s at the start of every run (measured), on the way to its first job.
    /// </summary>
    public static Dictionary<string, string> Of<T>(T parameters, JsonTypeInfo<T> metadata)
    {
        var flat = new Dictionary<string, string>();
        Flatten(JsonSerializer.SerializeToElement(parameters, metadata), "", flat);
        return flat;
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, string> flat)
    {
        if (e.ValueKind == JsonValueKind.Object)
            foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", flat);
        else flat[prefix] = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
    }
}

/// <summary>Build-time serialisation metadata of the runtime's own files (ledger, in-place marker), written indented for a reader.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Ledger))]
[JsonSerializable(typeof(InPlaceMarker))]
internal sealed partial class RuntimeJson : JsonSerializerContext;
