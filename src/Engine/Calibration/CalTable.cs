using MmsMpi.Casacore;

namespace MmsMpi.Calibration;

/// <summary>
/// The Jones types MmsMpi applies, in CASA's VisEquation order (VisCal::Type: ..., B, K, G, ..., T): several tables
/// are applied in this order whatever order gaintable lists them in.
/// </summary>
public enum CalType { B, K, G, T }

/// <summary>The solutions of one calibration-table spw: rows in time order, cells [chan][pol] (pol fastest, as casacore's [npol, nchan]).</summary>
public sealed class SpwSolutions
{
    public required int NChan { get; init; }
    public required int NPol { get; init; }
    public required double[] Time { get; init; }
    public required int[] Field { get; init; }
    public required int[] Antenna { get; init; }
    /// <summary>CPARAM (G, T, B) as complex values, or FPARAM (K: delays in ns) in the real parts.</summary>
    public required ComplexF[] Param { get; init; }
    public required bool[] Flag { get; init; }

    public int CellSize => NChan * NPol;
}

/// <summary>
/// A calibration table in CASA's format (NewCalTable: a casacore table with TIME, FIELD_ID, SPECTRAL_WINDOW_ID,
/// ANTENNA1, CPARAM or FPARAM [npol, nchan], FLAG, ...; keywords VisCal, ParType; subtables ANTENNA, FIELD,
/// SPECTRAL_WINDOW), read whole: a table holds antennas × times × spws small cells, tiny next to an MS.
/// </summary>
public sealed class CalTable
{
    public required string Path { get; init; }
    public required CalType Type { get; init; }
    /// <summary>The VisCal keyword, e.g. "G Jones".</summary>
    public required string VisCal { get; init; }
    public required string[] AntennaNames { get; init; }
    public required string[] FieldNames { get; init; }
    /// <summary>FIELD PHASE_DIR, 2 values (RA, Dec in radians) per field.</summary>
    public required double[] FieldDirections { get; init; }
    /// <summary>SPECTRAL_WINDOW CHAN_FREQ per spw row (Hz): the solutions' channel frequencies.</summary>
    public required double[][] SpwFreqs { get; init; }
    public required double[] SpwRefFreq { get; init; }
    /// <summary>Whether the table records the CASA version that wrote it (K's frequency pivot depends on it).</summary>
    public required bool HasCasaVersion { get; init; }
    public required IReadOnlyDictionary<int, SpwSolutions> Spws { get; init; }

    public string Name => System.IO.Path.GetFileName(Path.TrimEnd('/'));

    /// <summary>Field ids that have solutions.</summary>
    public IEnumerable<int> FieldsWithSolutions => Spws.Values.SelectMany(s => s.Field).Distinct().Order();

    private static readonly Dictionary<string, CalType> Types = new()
    {
        ["G Jones"] = CalType.G, ["T Jones"] = CalType.T, ["B Jones"] = CalType.B, ["K Jones"] = CalType.K,
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, DateTime), Lazy<CalTable>> Cache = new();

    /// <summary>
    /// Reads a table, refusing what is not a calibration table of a type MmsMpi applies. A process reads each table
    /// (as last written) once: the sub-MS jobs of an MMS running at once in threads (LocalCluster) all apply it, and
    /// casacore must not see one table from two threads.
    /// </summary>
    public static CalTable Read(string path)
    {
        var key = (System.IO.Path.GetFullPath(path), File.GetLastWriteTimeUtc(System.IO.Path.Combine(path, "table.dat")));
        return Cache.GetOrAdd(key, _ => new Lazy<CalTable>(() => ReadTable(path))).Value;
    }

    private static CalTable ReadTable(string path)
    {
        if (!Directory.Exists(path)) throw new UserError($"gaintable '{path}' not found");
        CasaTable t;
        try { t = CasaTable.Open(path); }
        catch (CasacoreException e) { throw new UserError($"gaintable '{path}' is not a table: {e.Message.Split('\n')[0]}"); }
        using (t)
        {
            var kw = t.Keywords;
            if (!kw.TryGetValue("VisCal", out var visCal) || !t.HasColumn("FLAG") || !t.HasColumn("ANTENNA1"))
                throw new UserError($"gaintable '{path}' is not a calibration table (no VisCal keyword or FLAG/ANTENNA1 column)");
            if (!Types.TryGetValue(visCal, out var type))
                throw new UserError($"gaintable '{path}' is a '{visCal}' table: MmsMpi applies G, T, B and K Jones tables");
            string param = type == CalType.K ? "FPARAM" : "CPARAM";
            if (!t.HasColumn(param)) throw new UserError($"gaintable '{path}' ({visCal}) has no {param} column");
            foreach (var sub in new[] { "ANTENNA", "FIELD", "SPECTRAL_WINDOW" })
                if (!t.SubtableNames.Contains(sub)) throw new UserError($"gaintable '{path}' has no {sub} subtable");
            using var ant = t.OpenSubtable("ANTENNA");
            using var field = t.OpenSubtable("FIELD");
            using var spw = t.OpenSubtable("SPECTRAL_WINDOW");
            var spwIds = t.GetColumn<int>("SPECTRAL_WINDOW_ID");
            var solutions = new Dictionary<int, SpwSolutions>();
            foreach (int s in spwIds.Distinct().Order())
            {
                if (s < 0 || s >= spw.NRow) throw new UserError($"gaintable '{path}' has solutions for spw {s}, which its SPECTRAL_WINDOW table lacks");
                using var rows = t.Query($"select from $1 where SPECTRAL_WINDOW_ID=={s} orderby TIME, ANTENNA1");
                solutions[s] = ReadSpw(rows, param, type);
            }
            return new CalTable
            {
                Path = path, Type = type, VisCal = visCal, AntennaNames = ant.GetStrings("NAME"), FieldNames = field.GetStrings("NAME"),
                FieldDirections = Enumerable.Range(0, (int)field.NRow).SelectMany(r => field.GetCell<double>("PHASE_DIR", r).Take(2)).ToArray(),
                SpwFreqs = Enumerable.Range(0, (int)spw.NRow).Select(r => spw.GetCell<double>("CHAN_FREQ", r)).ToArray(),
                SpwRefFreq = spw.GetColumn<double>("REF_FREQUENCY"), HasCasaVersion = kw.ContainsKey("CASA_Version"), Spws = solutions,
            };
        }
    }

    private static SpwSolutions ReadSpw(CasaTable rows, string param, CalType type)
    {
        long n = rows.NRow;
        rows.GetCell<bool>("FLAG", 0, out var shape);
        int npol = (int)shape[0], nchan = shape.Length > 1 ? (int)shape[1] : 1;
        var values = new ComplexF[n * npol * nchan];
        if (type == CalType.K)
        {
            var real = new float[values.Length];
            rows.GetColumn<float>(param, 0, n, real);
            for (int i = 0; i < real.Length; i++) values[i] = new ComplexF(real[i], 0);
        }
        else rows.GetColumn<ComplexF>(param, 0, n, values);
        var flags = new bool[values.Length];
        rows.GetColumn<bool>("FLAG", 0, n, flags);
        return new SpwSolutions
        {
            NChan = nchan, NPol = npol, Time = rows.GetColumn<double>("TIME"), Field = rows.GetColumn<int>("FIELD_ID"),
            Antenna = rows.GetColumn<int>("ANTENNA1"), Param = values, Flag = flags,
        };
    }
}
