using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MmsMpi.Tasks.ListObs;

/// <summary>listobs' output: CASA's layout (observation, scans, fields, spectral windows, antennas), or JSON.</summary>
public static class ObsSummaryText
{
    private static readonly DateTime MjdEpoch = new(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Json(ObsSummary s) => JsonSerializer.Serialize(s, JsonOptions);

    /// <summary>CASA's date/time form, e.g. 01-Jan-2020/00:00:00.0.</summary>
    public static string Time(double mjdSeconds, bool withDate = true) =>
        MjdEpoch.AddSeconds(mjdSeconds).ToString(withDate ? "dd-MMM-yyyy/HH:mm:ss.f" : "HH:mm:ss.f", CultureInfo.InvariantCulture);

    /// <summary>Right ascension as hh:mm:ss.ssssss and declination as ±dd.mm.ss.sssss, as listobs prints them.</summary>
    public static (string Ra, string Dec) Direction(double lon, double lat)
    {
        double h = (lon * 12 / Math.PI % 24 + 24) % 24, d = Math.Abs(lat * 180 / Math.PI);
        string Sexagesimal(double v, string sep, int decimals)
        {
            long scale = (long)Math.Pow(10, decimals), total = (long)Math.Round(v * 3600 * scale);
            long whole = total / scale, frac = total % scale;
            return $"{whole / 3600:D2}{sep}{whole / 60 % 60:D2}{sep}{whole % 60:D2}.{frac.ToString($"D{decimals}")}";
        }
        return (Sexagesimal(h, ":", 6), (lat < 0 ? "-" : "+") + Sexagesimal(d, ".", 5));
    }

    public static string Format(ObsSummary s)
    {
        var sb = new StringBuilder();
        string rule = new('=', 100);
        sb.AppendLine(rule).AppendLine($"           MeasurementSet Name:  {s.Vis}").AppendLine(rule);
        if (s.Mms is { } mms)
            sb.AppendLine($"This is a Multi-MS with separation axis = {mms.Axis ?? "unknown"} and {mms.SubMss.Count} sub-MSs: {string.Join(", ", mms.SubMss)}");
        sb.AppendLine($"   Observer: {s.Observer}     Project: {s.Project}");
        sb.AppendLine($"Observation: {s.Telescope}");
        sb.AppendLine($"Data records: {s.Rows}       Total elapsed time = {s.End - s.Start:F0} seconds");
        sb.AppendLine($"   Observed from   {Time(s.Start)}   to   {Time(s.End)} (UTC)");
        sb.AppendLine();

        sb.AppendLine("Scans:");
        var scanRows = s.Scans.Select(c => new[]
        {
            $"{Time(c.Start)} - {Time(c.End, withDate: false)}", c.ScanNumber.ToString(), c.FieldId.ToString(), c.FieldName, c.Rows.ToString(),
            "[" + string.Join(",", c.SpwIds) + "]", c.MeanInterval.ToString("G4", CultureInfo.InvariantCulture), "[" + string.Join(",", c.Intents) + "]",
            s.Mms is null ? "" : string.Join(",", c.SubMss),
        });
        string[] scanHead = ["Timerange (UTC)", "Scan", "FldId", "FieldName", "nRows", "SpwIds", "Interval(s)", "ScanIntent", s.Mms is null ? "" : "Sub-MS"];
        Table(sb, scanHead, scanRows);
        sb.AppendLine();

        sb.AppendLine($"Fields: {s.Fields.Count}");
        Table(sb, ["ID", "Code", "Name", "RA", "Decl", "Epoch", "SrcId", "nRows"], s.Fields.Select(f =>
        {
            var (ra, dec) = Direction(f.Lon, f.Lat);
            return new[] { f.Id.ToString(), f.Code, f.Name, ra, dec, f.Frame, f.SourceId.ToString(), f.Rows.ToString() };
        }));
        sb.AppendLine();

        sb.AppendLine($"Spectral Windows:  ({s.Spws.Count} with a data description)");
        Table(sb, ["SpwID", "Name", "#Chans", "Frame", "Ch0(MHz)", "ChanWid(kHz)", "TotBW(kHz)", "CtrFreq(MHz)", "Corrs"], s.Spws.Select(w => new[]
        {
            w.Id.ToString(), w.Name, w.NumChan.ToString(), w.Frame, (w.FirstChannelHz / 1e6).ToString("F3", CultureInfo.InvariantCulture),
            (w.ChannelWidthHz / 1e3).ToString("F3", CultureInfo.InvariantCulture), (w.TotalBandwidthHz / 1e3).ToString("F1", CultureInfo.InvariantCulture),
            (w.CentreHz / 1e6).ToString("F4", CultureInfo.InvariantCulture), string.Join(" ", w.Correlations),
        }));
        sb.AppendLine();

        sb.AppendLine($"Antennas: {s.Antennas.Count}:");
        Table(sb, ["ID", "Name", "Station", "Diam.", "Long.", "Lat.", "ITRF x (m)", "ITRF y (m)", "ITRF z (m)"], s.Antennas.Select(a => new[]
        {
            a.Id.ToString(), a.Name, a.Station, a.Diameter.ToString("F1", CultureInfo.InvariantCulture) + " m",
            a.LongitudeDeg.ToString("F5", CultureInfo.InvariantCulture), a.LatitudeDeg.ToString("F5", CultureInfo.InvariantCulture),
            a.Itrf[0].ToString("F3", CultureInfo.InvariantCulture), a.Itrf[1].ToString("F3", CultureInfo.InvariantCulture), a.Itrf[2].ToString("F3", CultureInfo.InvariantCulture),
        }));
        return sb.ToString();
    }

    /// <summary>Left-aligned columns two spaces apart, each as wide as its widest cell.</summary>
    private static void Table(StringBuilder sb, string[] head, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(head).ToList();
        var width = head.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        foreach (var r in all) sb.AppendLine(("  " + string.Join("  ", r.Select((v, c) => v.PadRight(width[c])))).TrimEnd());
    }
}
