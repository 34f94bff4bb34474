using System.Text.Json;

namespace MmsMpi.Runtime;

/// <summary>
/// The part of the cycle shared by tasks that change an MS or MMS in place (flagdata, flagmanager, applycal, clearcal).
/// One writer at a time: a lock file in the MS (or the MMS's reference MS) directory, held by the coordinator (a
/// second writer is refused, naming the first; casacore's own table locks do not stop two processes from
/// interleaving read-modify-write of flags, and the flag-version list is rewritten by whoever saves). While a run
/// writes, a marker beside it records its command, the flag backup it saved and the sub-MSs it finished; a run that
/// stops leaves it, so the next flagdata says flags may be partly applied and how to restore them, and the same
/// command with --resume finishes the remaining sub-MSs. Both live in the MS itself, which the task changes anyway:
/// VIS.flagversions appears only when a version is saved (flagbackup=false creates none).
/// </summary>
public abstract class InPlaceTaskHelper<TResult>(TaskContext context) : ParallelTaskHelper<TResult>(context)
{
    private const string LockName = "mmsmpi-writer.lock", MarkerName = "mmsmpi-interrupted-run.json";

    private FileLock? _lock;
    private InPlaceMarker? _marker;
    private string _dir = "";

    public override TResult Run()
    {
        try { return base.Run(); }
        catch (Exception e) when (_dir.Length > 0 && NoSpace.Is(e, _dir))
        {
            throw new UserError($"no space left on device writing {_dir} ({e.Message.Split('\n')[0].Trim()})");
        }
        finally { _lock?.Dispose(); }
    }

    /// <summary>Takes the writer lock of vis.</summary>
    protected void LockForWriting(string vis)
    {
        _dir = vis;
        string path = Path.Combine(_dir, LockName);
        _lock = FileLock.TryAcquire(path, FileLock.Describe(TaskName))
                ?? throw new UserError($"{vis} is being changed by {FileLock.Owner(path)}: wait until it finishes");
    }

    /// <summary>The marker an interrupted run left on vis, if any.</summary>
    private InPlaceMarker? Interrupted() =>
        File.Exists(MarkerPath) ? JsonSerializer.Deserialize(File.ReadAllBytes(MarkerPath), RuntimeJson.Default.InPlaceMarker) : null;

    /// <summary>
    /// Refuses to start over a run that stopped half way, unless --resume continues the same command: the sub-MSs it
    /// finished are then kept.
    /// </summary>
    protected void RequireNoInterruptedRun(string vis, IReadOnlyDictionary<string, string> command)
    {
        if (Interrupted() is not { } m) return;
        if (!Context.Resume)
            throw new UserError($"an earlier {m.Task} on {vis} stopped before it finished, so its flags may be partly applied: " +
                (m.Backup is null ? "" : $"restore the flags from before it with 'flagmanager --vis {vis} --mode restore --versionname {m.Backup}', or ") +
                "finish it by running the same command with --resume");
        if (Ledger.FirstDifference(m.Command, command) is { } diff)
            throw new UserError($"--resume: the interrupted run on {vis} was a different command: {diff}");
        _marker = m;
        Resuming = true;
        Logger.Info($"resuming the interrupted {m.Task}: {m.Done.Count} sub-MS(s) it finished are kept");
    }

    /// <summary>Writes the marker before the first change (backup: the flag version saved before it, if any).</summary>
    protected void BeginWriting(IReadOnlyDictionary<string, string> command, string? backup)
    {
        _marker = _marker is null ? new InPlaceMarker(TaskName, command, backup, []) : _marker with { Backup = _marker.Backup ?? backup };
        SaveMarker();
    }

    /// <summary>The run completed: the marker goes (also a marker an earlier run left, e.g. after a full restore).</summary>
    protected void FinishWriting()
    {
        _marker = null;
        if (File.Exists(MarkerPath)) File.Delete(MarkerPath);
    }

    /// <summary>This run continues an interrupted one (--resume found its marker).</summary>
    protected bool Resuming { get; private set; }

    /// <summary>The flag backup the interrupted run saved (a resumed run saves none of its own: the flags are no longer the original ones).</summary>
    /// A fresh run's marker holds its own backup, which is not a resumed one (a fresh run restored it before every pass).
    protected string? ResumedBackup => Resuming ? _marker?.Backup : null;

    /// <summary>Whether the interrupted run this one resumes finished the job of this name.</summary>
    protected bool FinishedBefore(string jobName) => _marker?.Done.Contains(jobName) == true;

    /// <summary>Nothing the interrupted run did is kept: every job runs again (after the flags were restored).</summary>
    protected void RedoAll() => _marker?.Done.Clear();

    /// <summary>Jobs that change the data; only they are recorded and skipped when resuming.</summary>
    protected abstract bool Writes(Job job);

    protected override JobResult? Kept(Job job) => Writes(job) && FinishedBefore(job.Name) ? new JobResult(0) : null;

    protected override void Completed(Job job, JobResult result)
    {
        if (!Writes(job) || _marker is null) return;
        _marker.Done.Add(job.Name);
        SaveMarker();
    }

    protected override string ResumeHint => _marker?.Backup is { } b
        ? $"flags may be partly applied: rerun with --resume to finish, or restore version {b} with flagmanager"
        : "flags may be partly applied: rerun with --resume to finish";

    private string MarkerPath => Path.Combine(_dir, MarkerName);

    private void SaveMarker()
    {
        string temp = MarkerPath + ".new";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_marker, RuntimeJson.Default.InPlaceMarker));
        File.Move(temp, MarkerPath, overwrite: true);
    }
}

/// <summary>What an in-place run records beside the MS while it writes: its command, its flag backup, the sub-MSs it finished.</summary>
internal sealed record InPlaceMarker(string Task, IReadOnlyDictionary<string, string> Command, string? Backup, HashSet<string> Done);
