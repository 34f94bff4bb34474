using MmsMpi.Casacore;

namespace MmsMpi.Uvh5;

/// <summary>The subtable rows of an import plan (docs/uvh5-rules.md §4, §6–§8, §10), written into a new MS.</summary>
internal static class Subtables
{
    private static double MidTime(ImportPlan p) => MsFromUvh5.MjdSeconds((p.FirstTimeJd + p.LastTimeJd) / 2);

    private static double Span(ImportPlan p) => MsFromUvh5.MjdSeconds(p.LastTimeJd) - MsFromUvh5.MjdSeconds(p.FirstTimeJd);

    private static T[] Each<T>(int n, Func<int, T> f) => Enumerable.Range(0, n).Select(f).ToArray();

    private static void Strings(CasaTable t, string col, IReadOnlyList<string> values)
    {
        for (int r = 0; r < values.Count; r++) t.PutStrings(col, r, values[r]);
    }

    public static void Antennas(CasaTable t, ImportPlan p)
    {
        int n = p.Antennas.Length;
        t.AddRows(n);
        Strings(t, "NAME", p.Antennas.Select(a => a.Name).ToList());
        Strings(t, "STATION", p.Antennas.Select(a => a.Name).ToList());
        Strings(t, "TYPE", Each(n, _ => "GROUND-BASED"));
        Strings(t, "MOUNT", Each(n, _ => "alt-az"));
        t.PutCells<double>("POSITION", 0, n, p.Antennas.SelectMany(a => a.Position).ToArray(), 3);
        t.PutCells<double>("OFFSET", 0, n, new double[3 * n], 3);
        t.PutColumn<double>("DISH_DIAMETER", p.Antennas.Select(a => a.Diameter).ToArray());
        t.PutColumn<bool>("FLAG_ROW", new bool[n]);
    }

    public static void Feeds(CasaTable t, ImportPlan p)
    {
        int n = p.Antennas.Length;
        t.AddRows(n);
        t.PutColumn<int>("ANTENNA_ID", Each(n, a => a));
        t.PutColumn<int>("FEED_ID", new int[n]);
        t.PutColumn<int>("SPECTRAL_WINDOW_ID", Each(n, _ => -1));
        t.PutColumn<double>("TIME", Each(n, _ => MidTime(p)));
        t.PutColumn<double>("INTERVAL", Each(n, _ => Span(p)));
        t.PutColumn<int>("NUM_RECEPTORS", Each(n, _ => 2));
        t.PutColumn<int>("BEAM_ID", Each(n, _ => -1));
        t.PutCells<double>("BEAM_OFFSET", 0, n, new double[4 * n], 2, 2);
        var types = Polarizations.FeedTypes(p.Pols);
        for (int a = 0; a < n; a++) t.PutStrings("POLARIZATION_TYPE", a, types);
        t.PutCells<ComplexF>("POL_RESPONSE", 0, n, Each(n, _ => new[] { new ComplexF(1, 0), default, default, new ComplexF(1, 0) }).SelectMany(x => x).ToArray(), 2, 2);
        t.PutCells<double>("POSITION", 0, n, new double[3 * n], 3);
        t.PutCells<double>("RECEPTOR_ANGLE", 0, n, new double[2 * n], 2);
    }

    public static void Spws(CasaTable t, ImportPlan p)
    {
        int n = p.Spws.Length;
        t.AddRows(n);
        for (int s = 0; s < n; s++)
        {
            var spw = p.Spws[s];
            var abs = spw.Widths.Select(Math.Abs).ToArray();
            t.PutCell<double>("CHAN_FREQ", s, spw.Freqs);
            t.PutCell<double>("CHAN_WIDTH", s, spw.Widths);
            t.PutCell<double>("EFFECTIVE_BW", s, abs);
            t.PutCell<double>("RESOLUTION", s, abs);
            t.PutCell<int>("ASSOC_SPW_ID", s, [spw.Id]);
            t.PutStrings("ASSOC_NATURE", s, "");
            t.PutStrings("NAME", s, $"SPW{spw.Id}");
        }
        t.PutColumn<int>("NUM_CHAN", p.Spws.Select(s => s.Freqs.Length).ToArray());
        t.PutColumn<double>("REF_FREQUENCY", p.Spws.Select(s => s.Freqs[0]).ToArray());
        t.PutColumn<double>("TOTAL_BANDWIDTH", p.Spws.Select(s => s.Widths.Sum(Math.Abs)).ToArray());
        t.PutColumn<int>("MEAS_FREQ_REF", Each(n, _ => 5));   // TOPO: UVH5 frequencies are topocentric
        t.PutColumn<int>("NET_SIDEBAND", p.Spws.Select(s => s.Widths[0] < 0 ? -1 : 1).ToArray());
        t.PutColumn<int>("IF_CONV_CHAIN", new int[n]);
        t.PutColumn<int>("FREQ_GROUP", new int[n]);
        Strings(t, "FREQ_GROUP_NAME", Each(n, _ => ""));
        t.PutColumn<bool>("FLAG_ROW", new bool[n]);
    }

    public static void DataDescriptions(CasaTable t, ImportPlan p)
    {
        int n = p.Spws.Length;
        t.AddRows(n);
        t.PutColumn<int>("SPECTRAL_WINDOW_ID", Each(n, s => s));
        t.PutColumn<int>("POLARIZATION_ID", new int[n]);
        t.PutColumn<bool>("FLAG_ROW", new bool[n]);
    }

    public static void Polarization(CasaTable t, ImportPlan p)
    {
        t.AddRows(1);
        t.PutColumn<int>("NUM_CORR", [p.Pols.Length]);
        t.PutCell<int>("CORR_TYPE", 0, p.Pols.Select(Polarizations.ToCorrType).ToArray());
        t.PutCell<int>("CORR_PRODUCT", 0, p.Pols.SelectMany(c => { var (a, b) = Polarizations.Receptors(c); return new[] { a, b }; }).ToArray(), 2, p.Pols.Length);
        t.PutColumn<bool>("FLAG_ROW", [false]);
    }

    /// <summary>SOURCE_ID: the catalogue ids when they tell the fields apart (one file), else the FIELD rows.</summary>
    private static int[] SourceIds(ImportPlan p) =>
        p.Fields.Select(f => f.Id).Distinct().Count() == p.Fields.Length ? p.Fields.Select(f => f.Id).ToArray() : Each(p.Fields.Length, i => i);

    public static void Fields(CasaTable t, ImportPlan p)
    {
        int n = p.Fields.Length;
        t.AddRows(n);
        Strings(t, "NAME", p.Fields.Select(f => f.Name).ToList());
        Strings(t, "CODE", Each(n, _ => ""));
        t.PutColumn<double>("TIME", Each(n, _ => MidTime(p)));
        t.PutColumn<int>("NUM_POLY", new int[n]);
        var dirs = p.Fields.SelectMany(f => { var (lon, lat) = f.MsDirection(); return new[] { lon, lat }; }).ToArray();
        foreach (var col in new[] { "DELAY_DIR", "PHASE_DIR", "REFERENCE_DIR" }) t.PutCells<double>(col, 0, n, dirs, 2, 1);
        t.PutColumn<int>("SOURCE_ID", SourceIds(p));
        t.PutColumn<bool>("FLAG_ROW", new bool[n]);
    }

    public static void Sources(CasaTable t, ImportPlan p)
    {
        int n = p.Fields.Length;
        t.AddRows(n);
        t.PutColumn<int>("SOURCE_ID", SourceIds(p));
        t.PutColumn<double>("TIME", Each(n, _ => MidTime(p)));
        t.PutColumn<double>("INTERVAL", Each(n, _ => Span(p)));
        t.PutColumn<int>("SPECTRAL_WINDOW_ID", Each(n, _ => -1));
        t.PutColumn<int>("NUM_LINES", new int[n]);
        Strings(t, "NAME", p.Fields.Select(f => f.Name).ToList());
        t.PutColumn<int>("CALIBRATION_GROUP", new int[n]);
        Strings(t, "CODE", Each(n, _ => ""));
        t.PutCells<double>("DIRECTION", 0, n, p.Fields.SelectMany(f => { var (lon, lat) = f.MsDirection(); return new[] { lon, lat }; }).ToArray(), 2);
        t.PutCells<double>("PROPER_MOTION", 0, n, new double[2 * n], 2);
    }

    public static void Observation(CasaTable t, ImportPlan p)
    {
        t.AddRows(1);
        t.PutStrings("TELESCOPE_NAME", 0, p.TelescopeName);
        t.PutCell<double>("TIME_RANGE", 0, [MsFromUvh5.MjdSeconds(p.FirstTimeJd), MsFromUvh5.MjdSeconds(p.LastTimeJd)]);
        t.PutStrings("OBSERVER", 0, p.Observer);
        t.PutStrings("PROJECT", 0, "");
        t.PutStrings("SCHEDULE_TYPE", 0, "");
        t.PutColumn<double>("RELEASE_DATE", [0.0]);
        t.PutStrings("LOG", 0);
        t.PutStrings("SCHEDULE", 0);
        t.PutColumn<bool>("FLAG_ROW", [false]);
        t.PutCell<double>("TELESCOPE_LOCATION", 0, p.TelescopeEcef);
    }

    /// <summary>The file's history, one row per line, as pyuvdata writes it.</summary>
    public static void History(CasaTable t, ImportPlan p)
    {
        var lines = p.History.Split('\n').Where(l => l.Trim().Length > 0).Append($"Imported from UVH5 by MmsMpi importuvh5 ({p.Files.Length} file(s))").ToList();
        t.AddRows(lines.Count);
        double now = (DateTime.UtcNow - new DateTime(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
        t.PutColumn<double>("TIME", Each(lines.Count, _ => now));
        t.PutColumn<int>("OBSERVATION_ID", new int[lines.Count]);
        t.PutColumn<int>("OBJECT_ID", new int[lines.Count]);
        Strings(t, "MESSAGE", lines);
        Strings(t, "PRIORITY", Each(lines.Count, _ => "INFO"));
        Strings(t, "ORIGIN", Each(lines.Count, _ => "MmsMpi importuvh5"));
        Strings(t, "APPLICATION", Each(lines.Count, _ => "MmsMpi"));
        for (int r = 0; r < lines.Count; r++)
        {
            t.PutStrings("CLI_COMMAND", r, "");
            t.PutStrings("APP_PARAMS", r, "");
        }
    }
}
