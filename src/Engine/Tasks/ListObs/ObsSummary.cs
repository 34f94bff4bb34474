using MmsMpi.Casacore;
using MmsMpi.Ms;
using MmsMpi.Runtime;
using MmsMpi.Tasks.Flagging;
using MmsMpi.Uvh5;

namespace MmsMpi.Tasks.ListObs;

/// <summary>
/// What `listobs` reports of an MS or MMS, as CASA's listobs (MSSummary) does: the observation, its scans in time
/// order (fields, spws, intents, rows, integration), fields, spectral windows and antennas; for an MMS, its sub-MSs
/// and which of them hold each scan. Times are MJD seconds (UTC).
/// </summary>
public sealed record ObsSummary(
    string Vis, ObsSummary.MultiMs? Mms, string Telescope, string Observer, string Project, long Rows, double Start, double End,
    IReadOnlyList<ObsSummary.Scan> Scans, IReadOnlyList<ObsSummary.Field> Fields, IReadOnlyList<ObsSummary.Spw> Spws,
    IReadOnlyList<ObsSummary.Antenna> Antennas)
{
    public sealed record MultiMs(string? Axis, IReadOnlyList<string> SubMss);

    public sealed record Scan(int Observation, int ScanNumber, int FieldId, string FieldName, double Start, double End, long Rows,
        int[] SpwIds, double MeanInterval, string[] Intents, string[] SubMss);

    public sealed record Field(int Id, string Code, string Name, double Lon, double Lat, string Frame, int SourceId, long Rows);

    public sealed record Spw(int Id, string Name, int NumChan, string Frame, double FirstChannelHz, double ChannelWidthHz,
        double TotalBandwidthHz, double CentreHz, string[] Correlations);

    public sealed record Antenna(int Id, string Name, string Station, double Diameter, double LongitudeDeg, double LatitudeDeg, double[] Itrf);

    private static readonly string[] FrequencyFrames = ["REST", "LSRK", "LSRD", "BARY", "GEO", "TOPO", "GALACTO", "LGROUP", "CMB"];

    public static ObsSummary Read(string vis)
    {
        using var ms = InputVis.OpenMs(vis);
        var rows = ms.NRow;
        var time = ms.GetColumn<double>("TIME");
        var interval = ms.GetColumn<double>(ms.HasColumn("INTERVAL") ? "INTERVAL" : "EXPOSURE");
        var scan = ms.GetColumn<int>("SCAN_NUMBER");
        var field = ms.GetColumn<int>("FIELD_ID");
        var ddi = ms.GetColumn<int>("DATA_DESC_ID");
        var obs = ms.HasColumn("OBSERVATION_ID") ? ms.GetColumn<int>("OBSERVATION_ID") : new int[rows];
        var state = ms.HasColumn("STATE_ID") ? ms.GetColumn<int>("STATE_ID") : Enumerable.Repeat(-1, (int)rows).ToArray();
        var spwOfDdi = ms.SpwOfDdi();
        var intents = StateIntents(ms);
        var fields = ReadFields(ms, field);
        var members = ms.IsMms() ? ms.Members() : [];
        var scansOfMember = members.Select(m => (Name: Path.GetFileName(m), Scans: ScanKeys(m))).ToList();

        var scans = Enumerable.Range(0, (int)rows).GroupBy(r => (obs[r], scan[r], field[r])).Select(g =>
        {
            var (o, s, f) = g.Key;
            return new Scan(o, s, f, f >= 0 && f < fields.Count ? fields[f].Name : "", g.Min(r => time[r] - interval[r] / 2),
                g.Max(r => time[r] + interval[r] / 2), g.LongCount(), g.Select(r => spwOfDdi[ddi[r]]).Distinct().Order().ToArray(),
                g.Average(r => interval[r]),
                g.Select(r => state[r]).Distinct().Where(i => i >= 0 && i < intents.Length).SelectMany(i => intents[i]).Distinct().Order().ToArray(),
                scansOfMember.Where(m => m.Scans.Contains(g.Key)).Select(m => m.Name).ToArray());
        }).OrderBy(s => s.Start).ThenBy(s => s.ScanNumber).ToList();

        string telescope, observer, project;
        using (var o = ms.OpenSubtable("OBSERVATION"))
        {
            string Obs(string col) => o.NRow > 0 && o.HasColumn(col) ? o.GetString(col, 0) : "";
            (telescope, observer, project) = (Obs("TELESCOPE_NAME"), Obs("OBSERVER"), Obs("PROJECT"));
        }
        return new ObsSummary(Path.GetFullPath(vis), ms.IsMms() ? new MultiMs(MmsAssembler.ReadAxisType(vis), members.Select(m => Path.GetFileName(m)).ToList()) : null,
            telescope, observer, project, rows, scans.Min(s => s.Start), scans.Max(s => s.End), scans, fields, ReadSpws(ms, spwOfDdi), ReadAntennas(ms));
    }

    /// <summary>The (observation, scan, field) keys a sub-MS holds.</summary>
    private static HashSet<(int, int, int)> ScanKeys(string member)
    {
        using var t = CasaTable.Open(member);
        var obs = t.HasColumn("OBSERVATION_ID") ? t.GetColumn<int>("OBSERVATION_ID") : new int[t.NRow];
        return obs.Zip(t.GetColumn<int>("SCAN_NUMBER"), t.GetColumn<int>("FIELD_ID")).Select(x => (x.First, x.Second, x.Third)).ToHashSet();
    }

    /// <summary>The intents of each STATE row (OBS_MODE, comma separated); none without a STATE table.</summary>
    private static string[][] StateIntents(CasaTable ms)
    {
        if (!ms.SubtableNames.Contains("STATE")) return [];
        using var st = ms.OpenSubtable("STATE");
        return Enumerable.Range(0, (int)st.NRow)
            .Select(r => st.GetString("OBS_MODE", r).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
    }

    private static List<Field> ReadFields(CasaTable ms, int[] fieldOfRow)
    {
        using var f = ms.OpenSubtable("FIELD");
        var frames = f.DirectionFrames();
        var sources = f.GetColumn<int>("SOURCE_ID");
        var count = fieldOfRow.GroupBy(x => x).ToDictionary(g => g.Key, g => g.LongCount());
        return Enumerable.Range(0, (int)f.NRow).Select(i =>
        {
            var dir = f.GetCell<double>("PHASE_DIR", i);
            return new Field(i, f.GetString("CODE", i), f.GetString("NAME", i), dir[0], dir[1], frames[i], sources[i], count.GetValueOrDefault(i));
        }).ToList();
    }

    /// <summary>The spws that data use, with the correlations of their DDIs.</summary>
    private static List<Spw> ReadSpws(CasaTable ms, int[] spwOfDdi)
    {
        using var dd = ms.OpenSubtable("DATA_DESCRIPTION");
        using var pol = ms.OpenSubtable("POLARIZATION");
        using var sw = ms.OpenSubtable("SPECTRAL_WINDOW");
        var polOfDdi = dd.GetColumn<int>("POLARIZATION_ID");
        var frame = sw.GetColumn<int>("MEAS_FREQ_REF");
        var total = sw.GetColumn<double>("TOTAL_BANDWIDTH");
        var nchan = sw.GetColumn<int>("NUM_CHAN");
        return spwOfDdi.Select((s, d) => (s, d)).GroupBy(x => x.s).OrderBy(g => g.Key).Select(g =>
        {
            int s = g.Key;
            var freq = sw.GetCell<double>("CHAN_FREQ", s);
            var width = sw.GetCell<double>("CHAN_WIDTH", s);
            var corrs = g.SelectMany(x => pol.GetCell<int>("CORR_TYPE", polOfDdi[x.d])).Distinct().Select(CorrelationNames.Name).ToArray();
            return new Spw(s, sw.GetString("NAME", s), nchan[s], frame[s] >= 0 && frame[s] < FrequencyFrames.Length ? FrequencyFrames[frame[s]] : $"code {frame[s]}",
                freq[0], width[0], total[s], (freq.Min() + freq.Max()) / 2, corrs);
        }).ToList();
    }

    private static List<Antenna> ReadAntennas(CasaTable ms)
    {
        using var a = ms.OpenSubtable("ANTENNA");
        var pos = new double[3 * a.NRow];
        a.GetColumn<double>("POSITION", 0, a.NRow, pos);
        var diameter = a.GetColumn<double>("DISH_DIAMETER");
        return Enumerable.Range(0, (int)a.NRow).Select(i =>
        {
            var itrf = pos[(3 * i)..(3 * i + 3)];
            var (lat, lon, _) = itrf.Any(x => x != 0) ? Wgs84.FromEcef(itrf) : (0, 0, 0);
            return new Antenna(i, a.GetString("NAME", i), a.GetString("STATION", i), diameter[i], lon, lat, itrf);
        }).ToList();
    }
}
