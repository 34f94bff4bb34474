using System.Diagnostics;
using System.Globalization;

namespace MmsMpi.Runtime;

/// <summary>How progress is shown: MMSMPI_PROGRESS=bar (redrawn in place), lines (a log line every interval) or off.</summary>
public enum ProgressStyle { Off, Lines, Bar }

/// <summary>
/// The coordinator's progress of a run between the per-job lines: every few seconds (MMSMPI_PROGRESS_SECONDS, default
/// 5) the jobs and rows done (rows of running jobs included, as their workers report them), the rate, an estimate of
/// the time left, and what each worker is running. On a terminal a bar with one line per worker, redrawn in place;
/// otherwise one log line. Worker 0 is this process in a run without mpiexec. The estimate is the mean job time
/// spread over the workers (jobs need not be of equal size, so it firms up as jobs finish).
/// </summary>
public sealed class JobProgress
{
    private static readonly NLog.Logger Logger = Log.For<JobProgress>();

    /// <summary>Worker lines drawn under the bar at most; the rest are summed up in one line.</summary>
    private const int ShownWorkers = 8;

    private readonly int _jobs;
    private readonly int _workers;
    private readonly string _unit;
    private readonly ProgressStyle _style;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, Running> _running = [];
    private readonly Lock _lock = new();
    private TimeSpan _last;
    private int _done;
    private long _rows;
    private int _drawnLines;

    private sealed record Running(string Job, TimeSpan Since, long Rows);

    /// <param name="workers">worker ranks, or threads of this process (0: the jobs run one at a time in this process)</param>
    /// <param name="unit">what a worker is: an MPI "rank" or a "thread" of this process</param>
    public JobProgress(int jobs, int workers, ProgressStyle? style = null, string unit = "rank")
    {
        _jobs = jobs;
        _workers = workers;
        _unit = unit;
        _style = style ?? StyleFromEnvironment();
        _interval = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("MMSMPI_PROGRESS_SECONDS"),
            NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 5);
    }

    /// <summary>The style MMSMPI_PROGRESS asks for; without it a bar on a terminal, else lines (scripts/run-mpi.sh says
    /// bar when its own stderr is a terminal: under mpiexec a rank's stderr is a pipe).</summary>
    public static ProgressStyle StyleFromEnvironment() => Environment.GetEnvironmentVariable("MMSMPI_PROGRESS")?.ToLowerInvariant() switch
    {
        "bar" => ProgressStyle.Bar,
        "lines" => ProgressStyle.Lines,
        "off" => ProgressStyle.Off,
        _ => Console.IsErrorRedirected ? ProgressStyle.Lines : ProgressStyle.Bar,
    };

    private IEnumerable<int> Slots => _workers == 0 ? [0] : Enumerable.Range(1, _workers);

    public void Started(int worker, string job)
    {
        lock (_lock) _running[worker] = new Running(job, _clock.Elapsed, 0);
    }

    /// <summary>The rows a worker's running job has done so far.</summary>
    public void RowsSoFar(int worker, long rows)
    {
        lock (_lock)
            if (_running.TryGetValue(worker, out var r)) _running[worker] = r with { Rows = rows };
    }

    public void Finished(int worker, long rows)
    {
        lock (_lock)
        {
            _running.Remove(worker);
            _done++;
            _rows += rows;
        }
    }

    /// <summary>Called by the coordinator's loop (or a timer): shows where the run is when the interval has passed.</summary>
    public void Tick()
    {
        lock (_lock)
        {
            var now = _clock.Elapsed;
            if (_style == ProgressStyle.Off || now - _last < _interval || _done == _jobs) return;
            _last = now;
            if (_style == ProgressStyle.Lines)
            {
                Logger.Info(Describe(now));
                return;
            }
            var lines = Draw(now);
            Console.Error.Write(Erase() + string.Join("", lines.Select(l => l + "\u001b[K\n")));
            _drawnLines = lines.Count;
        }
    }

    /// <summary>Removes a drawn bar before other output follows (the next tick draws it again below that output).</summary>
    public void End()
    {
        lock (_lock)
        {
            if (_drawnLines > 0) Console.Error.Write(Erase());
            _drawnLines = 0;
        }
    }

    private string Erase() => _drawnLines == 0 ? "" : $"\u001b[{_drawnLines}F\u001b[J";

    /// <summary>The one-line form (logs, CI).</summary>
    public string Describe(TimeSpan now)
    {
        lock (_lock)
        {
            string state = string.Join(", ", Slots.Select(w => $"{Who(w)}: {State(w, now)}"));
            return $"progress: {Summary(now)}; {state}";
        }
    }

    /// <summary>The terminal form: a bar of jobs done with the totals, and a line per worker.</summary>
    public IReadOnlyList<string> Draw(TimeSpan now)
    {
        lock (_lock)
        {
            const int width = 30;
            int filled = _jobs == 0 ? width : (int)Math.Round(width * (double)_done / _jobs);
            var lines = new List<string> { $"[{new string('#', filled)}{new string('.', width - filled)}] {Summary(now)}" };
            var slots = Slots.ToList();
            lines.AddRange(slots.Take(ShownWorkers).Select(w => $"  {Who(w),-8} {State(w, now)}"));
            if (slots.Count > ShownWorkers)
                lines.Add($"  and {slots.Count - ShownWorkers} more workers, {slots.Skip(ShownWorkers).Count(_running.ContainsKey)} busy");
            return lines;
        }
    }

    private string Who(int worker) => worker == 0 ? "this process" : $"{_unit} {worker}";

    private string Summary(TimeSpan now)
    {
        double seconds = Math.Max(now.TotalSeconds, 1e-3);
        long rows = _rows + _running.Values.Sum(r => r.Rows);
        int slots = Math.Max(1, _workers);
        string left = _done == 0 ? "time left unknown"
            : $"about {Math.Ceiling(seconds / _done * (_jobs - _done) / Math.Max(1, Math.Min(slots, _jobs - _done))):F0} s left";
        return $"{_done}/{_jobs} jobs, {rows} rows, {rows / seconds:F0} rows/s, {left}";
    }

    private string State(int worker, TimeSpan now) => _running.TryGetValue(worker, out var r)
        ? $"{r.Job} ({(now - r.Since).TotalSeconds:F0} s, {r.Rows} rows)"
        : "idle";
}
