using MmsMpi.Casacore;

namespace MmsMpi;

/// <summary>
/// casacore's log in ours (rank as origin, one line per message): warnings and severe messages as WARN and ERROR
/// lines, informational ones at debug level. The measures-data messages that every frame conversion repeats with
/// Debian's casacore-data (IERS tables missing, leap-second table out of date: a dozen lines each time) become one
/// WARN line per run, said by rank 0 (a worker's goes to the log file and tells rank 0).
/// </summary>
public static class CasacoreMessages
{
    private static readonly string[] MeasuresData =
    [
        "Leap second table TAI_UTC", "derived from UTC could be wrong", "Until the table is updated",
        "Requested data table IERS", "outside the range of the IERS", "Calculations will proceed with less precision",
    ];

    private const string Notice = "casacore's measures data are out of date (no IERS Earth-orientation tables, an old leap-second table): " +
                                  "times and directions derived from UTC may be off by about 1 s (said once; README, Known messages)";

    private static readonly NLog.Logger Logger = NLog.LogManager.GetLogger("casacore");

    private static int _measuresSaid;
    private static bool _worker;

    /// <param name="worker">a worker rank: its notice goes to the run's log only, rank 0 says it once for the run</param>
    public static void Install(bool worker)
    {
        _worker = worker;
        CasacoreLog.RouteTo(Post);
    }

    /// <summary>Whether a log line is the measures-data notice (rank 0 looks for it in the workers' lines).</summary>
    public static bool IsMeasuresNotice(string line) => line.Contains(Notice);

    /// <summary>Says the measures-data notice, once per process.</summary>
    public static void SayMeasuresNotice()
    {
        if (Interlocked.Exchange(ref _measuresSaid, 1) == 0) Logger.Log(_worker ? NLog.LogLevel.Info : NLog.LogLevel.Warn, Notice);
    }

    private static void Post(int priority, string origin, string message)
    {
        string text = string.Join(' ', message.Split((char[])['\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (MeasuresData.Any(text.Contains))
        {
            SayMeasuresNotice();
            return;
        }
        var level = priority >= CasacoreLog.Severe ? NLog.LogLevel.Error : priority == CasacoreLog.Warn ? NLog.LogLevel.Warn : NLog.LogLevel.Debug;
        Logger.Log(level, $"{origin}: {text}");
    }
}
