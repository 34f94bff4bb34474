using System.Diagnostics;
using System.Globalization;

namespace MmsMpi.Runtime;

/// <summary>
/// Rank 0's progress of an MPI run between the per-job lines: every few seconds (MMSMPI_PROGRESS_SECONDS, default 5)
/// one line with the jobs and rows done, the rate, an estimate of the time left, and what each worker is running; on a
/// terminal the same as a line redrawn in place. Rows are counted when a job finishes (workers report no partial
/// rows), so the estimate is the mean job time spread over the workers.
/// </summary>
public sealed class JobProgress(int jobs, int workers)
{
    private static readonly NLog.Logger Logger = Log.For<JobProgress>();

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("MMSMPI_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 5);

    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, (string Job, TimeSpan Since)> _running = [];
    private TimeSpan _last;
    private int _done;
    private long _rows;
    private bool _drawn;

    public void Started(int worker, string job) => _running[worker] = (job, _clock.Elapsed);

    public void Finished(int worker, long rows)
    {
        _running.Remove(worker);
        _done++;
        _rows += rows;
    }

    /// <summary>Called by the coordinator's loop: says where the run is when the interval has passed.</summary>
    public void Tick()
    {
        var now = _clock.Elapsed;
        if (now - _last < _interval || _done == jobs) return;
        _last = now;
        string line = Describe(now);
        if (_terminal)
        {
            Console.Error.Write($"\r{line}\u001b[K");
            _drawn = true;
        }
        else Logger.Info(line);
    }

    /// <summary>Ends a redrawn line before other output follows.</summary>
    public void End()
    {
        if (_drawn) Console.Error.WriteLine();
        _drawn = false;
    }

    public string Describe(TimeSpan now)
    {
        double seconds = Math.Max(now.TotalSeconds, 1e-3);
        string left = _done == 0 ? "time left unknown"
            : $"about {Math.Ceiling(seconds / _done * (jobs - _done) / Math.Max(1, Math.Min(workers, jobs - _done))):F0} s left";
        string state = string.Join(", ", Enumerable.Range(1, workers).Select(w =>
            _running.TryGetValue(w, out var r) ? $"rank {w}: {r.Job} ({(now - r.Since).TotalSeconds:F0} s)" : $"rank {w}: idle"));
        return $"progress: {_done}/{jobs} jobs, {_rows} rows, {_rows / seconds:F0} rows/s, {left}; {state}";
    }
}
