using MmsMpi.Casacore;

namespace MmsMpi;

/// <summary>
/// casacore's log in ours (rank as origin, one line per message): warnings and severe messages as WARN and ERROR
/// lines, informational ones at debug level. The measures-data messages that every frame conversion repeats with
/// Debian's casacore-data (IERS tables missing, leap-second table out of date: a dozen lines each time) become one
/// WARN line per process.
/// </summary>
public static class CasacoreMessages
{
    private static readonly string[] MeasuresData =
    [
        "Leap second table TAI_UTC", "derived from UTC could be wrong", "Until the table is updated",
        "Requested data table IERS", "outside the range of the IERS", "Calculations will proceed with less precision",
    ];

    private static readonly NLog.Logger Logger = NLog.LogManager.GetLogger("casacore");

    private static int _measuresSaid;

    public static void Install() => CasacoreLog.RouteTo(Post);

    private static void Post(int priority, string origin, string message)
    {
        string text = string.Join(' ', message.Split((char[])['\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (MeasuresData.Any(text.Contains))
        {
            if (Interlocked.Exchange(ref _measuresSaid, 1) == 0)
                Logger.Warn("casacore's measures data are out of date (no IERS Earth-orientation tables, an old leap-second table): " +
                            "times and directions derived from UTC may be off by about 1 s (said once; README, Known messages)");
            return;
        }
        var level = priority >= CasacoreLog.Severe ? NLog.LogLevel.Error : priority == CasacoreLog.Warn ? NLog.LogLevel.Warn : NLog.LogLevel.Debug;
        Logger.Log(level, $"{origin}: {text}");
    }
}
