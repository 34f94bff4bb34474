using MmsMpi.Casacore;
using MmsMpi.Hdf5;
using MmsMpi.Ms;

namespace MmsMpi.Uvh5;

/// <summary>The Header group of an exported UVH5 file (UVH5 memo 1.2 as pyuvdata writes it; docs/uvh5-rules.md, MS → UVH5).</summary>
internal static class Uvh5HeaderWriter
{
    public static void Write(H5File file, CasaTable ms, ExportLayout l)
    {
        file.CreateGroup("Header");
        var h = new Writer(file);
        var (numbers, names, absolute, diameters) = Antennas(ms);
        var location = TelescopeLocation(ms, absolute);
        var (lat, lon, alt) = Wgs84.FromEcef(location);
        using (var obs = ms.OpenSubtable("OBSERVATION"))
        {
            string telescope = obs.NRow > 0 ? obs.GetString("TELESCOPE_NAME", 0) : "unknown";
            h.Str("telescope_name", telescope);
            h.Str("instrument", telescope);
        }
        h.Double("latitude", lat);
        h.Double("longitude", lon);
        h.Double("altitude", alt);
        h.Str("telescope_frame", "itrs");
        h.Str("version", "1.2");
        h.Str("history", History(ms));
        h.Str("vis_units", VisUnits(ms));

        int nblts = l.NBlts;
        var ant1 = l.RowOfBlt.Select(r => l.Ant1[r]).ToArray();
        var ant2 = l.RowOfBlt.Select(r => l.Ant2[r]).ToArray();
        var time = l.RowOfBlt.Select(r => l.Time[r] / 86400 + 2400000.5).ToArray();
        // UVH5 holds uvw = X2 − X1 with V = <E1* E2>: the opposite of CASA's MS.
        double sign = l.FlipConj ? -1 : 1;
        var uvw = l.RowOfBlt.SelectMany(r => new[] { sign * l.Uvw[3 * r], sign * l.Uvw[3 * r + 1], sign * l.Uvw[3 * r + 2] }).ToArray();
        h.Long("Nants_data", ant1.Concat(ant2).Distinct().Count());
        h.Long("Nants_telescope", numbers.Length);
        h.Long("Nbls", ant1.Zip(ant2).Distinct().Count());
        h.Long("Nblts", nblts);
        h.Long("Ntimes", time.Distinct().Count());
        h.Ints("ant_1_array", ant1);
        h.Ints("ant_2_array", ant2);
        h.Ints("antenna_numbers", numbers);
        file.WriteStrings("Header/antenna_names", names);
        h.Doubles("antenna_positions", absolute.SelectMany(p => new[] { p[0] - location[0], p[1] - location[1], p[2] - location[2] }).ToArray(), numbers.Length, 3);
        h.Doubles("antenna_diameters", diameters);
        h.Doubles("uvw_array", uvw, nblts, 3);
        h.Doubles("time_array", time);
        h.Doubles("integration_time", l.RowOfBlt.Select(r => l.Exposure[r]).ToArray());
        var lst = time.Select(t => Sidereal.Lst(t, lon)).ToArray();
        h.Doubles("lst_array", lst);

        using (var spw = ms.OpenSubtable("SPECTRAL_WINDOW"))
        {
            var chanFreqs = l.UsedSpws.Select(s => spw.GetCell<double>("CHAN_FREQ", s)).ToList();
            var freqs = chanFreqs.SelectMany(f => f).ToArray();
            var widths = l.UsedSpws.SelectMany(s => spw.GetCell<double>("CHAN_WIDTH", s)).ToArray();
            var ids = SpwIds(spw, l.UsedSpws);
            h.Long("Nspws", ids.Length);
            h.Long("Nfreqs", freqs.Length);
            h.Doubles("freq_array", freqs);
            h.Doubles("channel_width", widths);
            h.Ints("spw_array", ids);
            h.Longs("flex_spw_id_array", chanFreqs.SelectMany((f, i) => Enumerable.Repeat((long)ids[i], f.Length)).ToArray());
        }
        h.Long("Npols", l.Pols.Length);
        h.Ints("polarization_array", l.Pols);
        PhaseCentres(file, h, ms, l, lst, lat * Math.PI / 180);
    }

    /// <summary>Antennas with a position (pyuvdata's read_ms drops the all-zero rows of unused numbers).</summary>
    private static (int[] Numbers, string[] Names, double[][] Positions, double[] Diameters) Antennas(CasaTable ms)
    {
        using var ant = ms.OpenSubtable("ANTENNA");
        var pos = new double[3 * ant.NRow];
        ant.GetColumn<double>("POSITION", 0, ant.NRow, pos);
        var rows = Enumerable.Range(0, (int)ant.NRow).Where(r => pos[3 * r] != 0 || pos[3 * r + 1] != 0 || pos[3 * r + 2] != 0).ToArray();
        var diameters = ant.GetColumn<double>("DISH_DIAMETER");
        return (rows, rows.Select(r => ant.GetString("NAME", r) is { Length: > 0 } n ? n : ant.GetString("STATION", r)).ToArray(),
            rows.Select(r => pos[(3 * r)..(3 * r + 3)]).ToArray(), rows.Select(r => diameters[r]).ToArray());
    }

    /// <summary>OBSERVATION's TELESCOPE_LOCATION (pyuvdata's column), else the mean antenna position.</summary>
    private static double[] TelescopeLocation(CasaTable ms, double[][] antennas)
    {
        using var obs = ms.OpenSubtable("OBSERVATION");
        if (obs.HasColumn("TELESCOPE_LOCATION") && obs.NRow > 0 && obs.IsDefined("TELESCOPE_LOCATION", 0))
            return obs.GetCell<double>("TELESCOPE_LOCATION", 0);
        return Enumerable.Range(0, 3).Select(k => antennas.Average(p => p[k])).ToArray();
    }

    private static string History(CasaTable ms)
    {
        using var history = ms.OpenSubtable("HISTORY");
        return string.Join("\n", Enumerable.Range(0, (int)history.NRow).Select(r => history.GetString("MESSAGE", r)));
    }

    private static string VisUnits(CasaTable ms) =>
        Uvh5.VisUnits.FromCasaUnit(ms.ColumnKeywords("DATA").TryGetValue("QuantumUnits", out var u) ? u : "");

    /// <summary>ASSOC_SPW_ID when it tells the spws apart, else the SPECTRAL_WINDOW rows.</summary>
    private static int[] SpwIds(CasaTable spw, int[] spws)
    {
        if (spw.HasColumn("ASSOC_SPW_ID"))
        {
            var ids = spws.Select(s => spw.IsDefined("ASSOC_SPW_ID", s) && spw.GetCell<int>("ASSOC_SPW_ID", s) is { Length: > 0 } a ? a[0] : -1).ToArray();
            if (ids.All(i => i >= 0) && ids.Distinct().Count() == ids.Length) return ids;
        }
        return spws;
    }

    private static void PhaseCentres(H5File file, Writer h, CasaTable ms, ExportLayout l, double[] lst, double latitude)
    {
        using var fieldTable = ms.OpenSubtable("FIELD");
        var frames = fieldTable.DirectionFrames();
        var sourceIds = fieldTable.GetColumn<int>("SOURCE_ID");
        var used = l.RowOfBlt.Select(r => l.Field[r]).Distinct().Order().ToArray();
        var catIds = used.Select(f => sourceIds[f]).Distinct().Count() == used.Length && used.All(f => sourceIds[f] >= 0)
            ? used.ToDictionary(f => f, f => sourceIds[f]) : used.ToDictionary(f => f, f => f);
        // PHASE_DIR's first term: the direction at the field's TIME (pyuvdata refuses NUM_POLY > 0 altogether).
        var centres = used.ToDictionary(f => f, f => fieldTable.GetCell<double>("PHASE_DIR", f) is var d
            ? PhaseCentre.FromMs(catIds[f], fieldTable.GetString("NAME", f), frames[f], d[0], d[1]) : null!);
        file.CreateGroup("Header/phase_center_catalog");
        foreach (var c in centres.Values)
        {
            string g = $"Header/phase_center_catalog/{c.Id}";
            file.CreateGroup(g);
            file.WriteString($"{g}/cat_name", c.Name);
            file.WriteString($"{g}/cat_type", c.Type);
            file.Write<double>($"{g}/cat_lon", [c.Lon], [], H5Types.Double);
            file.Write<double>($"{g}/cat_lat", [c.Lat], [], H5Types.Double);
            file.WriteString($"{g}/cat_frame", c.Frame);
            if (c.Epoch is { } epoch) file.Write<double>($"{g}/cat_epoch", [epoch], [], H5Types.Double);
        }
        h.Long("Nphase", centres.Count);
        var blt = l.RowOfBlt.Select(r => centres[l.Field[r]]).ToArray();
        h.Ints("phase_center_id_array", blt.Select(c => c.Id).ToArray());
        // Apparent places without astrometry: the catalogue position (pyuvdata recomputes them on reading).
        var app = blt.Select((c, b) => c.Type switch
        {
            PhaseCentre.Sidereal => (c.Lon, c.Lat),
            PhaseCentre.Unprojected => (lst[b], latitude),
            _ => Sidereal.RaDecOfAzEl(c.Lon, c.Lat, lst[b], latitude),
        }).ToArray();
        h.Doubles("phase_center_app_ra", app.Select(a => a.Item1).ToArray());
        h.Doubles("phase_center_app_dec", app.Select(a => a.Item2).ToArray());
        h.Doubles("phase_center_frame_pa", new double[blt.Length]);
    }

    /// <summary>Header datasets with the types pyuvdata writes (int64 counts, int32 arrays, float64 values).</summary>
    private sealed class Writer(H5File file)
    {
        public void Long(string name, long value) => file.Write<long>($"Header/{name}", [value], [], H5Types.Int64);
        public void Double(string name, double value) => file.Write<double>($"Header/{name}", [value], [], H5Types.Double);
        public void Longs(string name, long[] values) => file.Write<long>($"Header/{name}", values, [(ulong)values.Length], H5Types.Int64);
        public void Ints(string name, int[] values) => file.Write<int>($"Header/{name}", values, [(ulong)values.Length], H5Types.Int32);
        public void Str(string name, string value) => file.WriteString($"Header/{name}", value);

        public void Doubles(string name, double[] values, params int[] dims) =>
            file.Write<double>($"Header/{name}", values, dims.Length == 0 ? [(ulong)values.Length] : dims.Select(d => (ulong)d).ToArray(), H5Types.Double);
    }
}
