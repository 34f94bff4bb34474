using System.Text.Json;
using MmsMpi.Hdf5;

namespace MmsMpi.Uvh5;

/// <summary>
/// The Header of a UVH5 file as the MS needs it, read from every layout pyuvdata reads (UVH5 memo, versions 0.x to
/// 1.2; docs/pyuvdata-conventions.md §1): rank-3 or legacy rank-4 data, 1-D or legacy 2-D freq_array, scalar or
/// per-blt integration_time, int32/int64 counts, fixed or variable strings, the catalogue as groups, as JSON strings
/// or as the pre-1.1 phase_type fields. Checked against the data's shape; what the MS cannot hold is refused.
/// </summary>
public sealed record Uvh5Header
{
    public required string File { get; init; }
    public required string TelescopeName { get; init; }
    public required string Instrument { get; init; }
    public required string History { get; init; }
    public required string VisUnits { get; init; }
    public string? Observer { get; init; }

    /// <summary>The telescope's ECEF position (m).</summary>
    public required double[] TelescopeEcef { get; init; }

    public required int[] AntennaNumbers { get; init; }
    public required string[] AntennaNames { get; init; }

    /// <summary>ECEF offsets from the telescope (m), 3 per antenna.</summary>
    public required double[] AntennaPositions { get; init; }

    public required double[] AntennaDiameters { get; init; }
    public required int Nblts { get; init; }
    public required int Nfreqs { get; init; }
    public required int Npols { get; init; }
    public required int[] Ant1 { get; init; }
    public required int[] Ant2 { get; init; }

    /// <summary>Julian dates (UTC) of the integrations' centres.</summary>
    public required double[] TimeJd { get; init; }

    public required double[] IntegrationTime { get; init; }

    /// <summary>uvw (m, ant 2 − ant 1), 3 per baseline-time.</summary>
    public required double[] Uvw { get; init; }

    public required double[] Freqs { get; init; }
    public required double[] ChannelWidths { get; init; }

    /// <summary>spw_array: the file's spw numbers in order.</summary>
    public required int[] SpwIds { get; init; }

    /// <summary>The spw number of every channel (flex_spw_id_array).</summary>
    public required int[] ChannelSpw { get; init; }

    /// <summary>AIPS polarization codes in file order.</summary>
    public required int[] Pols { get; init; }

    public required int[] PhaseCentreIds { get; init; }
    public required IReadOnlyList<PhaseCentre> Catalog { get; init; }

    /// <summary>The data have the legacy spw axis of length 1 (Nblts, 1, Nfreqs, Npols).</summary>
    public required bool SpwAxis { get; init; }

    /// <summary>The channel range (first, count) of each spw of spw_array, in its order.</summary>
    public IReadOnlyList<(int Spw, int First, int Count)> SpwChannels()
    {
        var ranges = new List<(int, int, int)>();
        foreach (int spw in SpwIds)
        {
            int first = Array.IndexOf(ChannelSpw, spw), last = Array.LastIndexOf(ChannelSpw, spw);
            if (first < 0) throw Error($"spw {spw} of spw_array has no channels in flex_spw_id_array");
            if (ChannelSpw[first..(last + 1)].Any(s => s != spw))
                throw Error($"the channels of spw {spw} are not contiguous in freq_array (an interleaved flexible-spw layout is not supported)");
            ranges.Add((spw, first, last - first + 1));
        }
        if (ranges.Sum(r => r.Item3) != Nfreqs) throw Error("flex_spw_id_array names spws that are not in spw_array");
        return ranges;
    }

    /// <summary>Scan number (from 1) of each baseline-time: runs of one phase centre along the baseline-time axis.</summary>
    public int[] ScanOfBlt()
    {
        var scan = new int[Nblts];
        for (int b = 0, s = 0; b < Nblts; b++)
        {
            if (b == 0 || PhaseCentreIds[b] != PhaseCentreIds[b - 1]) s++;
            scan[b] = s;
        }
        return scan;
    }

    public UserError Error(string what) => Error(File, what);

    public static UserError Error(string file, string what) => new($"{Path.GetFileName(file)}: {what}");

    /// <summary>Reads and checks the Header of an open file.</summary>
    public static Uvh5Header Read(H5File f)
    {
        var h = new HeaderReader(f);
        if (!f.Exists("Header") || !f.Exists("Data/visdata"))
            throw Error(f.Path, "not a UVH5 file (an HDF5 file without the Header group and Data/visdata)");
        if (h.Has("flex_spw_polarization_array"))
            throw Error(f.Path, "flex-pol data (flex_spw_polarization_array: one polarization per spw) are not supported");
        if (h.Has("telescope_frame") && h.Str("telescope_frame").ToLowerInvariant() is not ("itrs" or ""))
            throw Error(f.Path, $"telescope_frame '{h.Str("telescope_frame")}' is not supported (an MS's antennas are in ITRF)");

        int nblts = h.Int("Nblts"), nfreqs = h.Int("Nfreqs"), npols = h.Int("Npols");
        int[] dims;
        using (var vis = f.Dataset("Data/visdata")) dims = vis.Dims.Select(d => (int)d).ToArray();
        bool spwAxis = dims.Length == 4;
        if (dims.Length is not (3 or 4)) throw Error(f.Path, $"Data/visdata has {dims.Length} dimensions (3, or 4 with a spw axis)");
        if (spwAxis && dims[1] != 1) throw Error(f.Path, $"Data/visdata has a spw axis of length {dims[1]} (only 1 is supported, as in pyuvdata)");
        int[] shape = spwAxis ? [dims[0], dims[2], dims[3]] : dims;
        if (shape[0] != nblts) throw Error(f.Path, $"Nblts is {nblts} but Data/visdata has {shape[0]} baseline-times");
        if (shape[1] != nfreqs) throw Error(f.Path, $"Nfreqs is {nfreqs} but Data/visdata has {shape[1]} channels");
        if (shape[2] != npols) throw Error(f.Path, $"Npols is {npols} but Data/visdata has {shape[2]} polarizations");
        foreach (var data in new[] { "Data/flags", "Data/nsamples" })
        {
            if (!f.Exists(data)) throw Error(f.Path, $"{data} is missing");
            using var ds = f.Dataset(data);
            if (!ds.Dims.Select(d => (int)d).SequenceEqual(dims)) throw Error(f.Path, $"{data} has shape [{string.Join(",", ds.Dims)}], visdata [{string.Join(",", dims)}]");
        }

        var numbers = h.Ints("antenna_numbers");
        var names = h.Strs("antenna_names");
        var positions = h.Doubles("antenna_positions");
        if (names.Length != numbers.Length || positions.Length != 3 * numbers.Length)
            throw Error(f.Path, $"antenna_names ({names.Length}) and antenna_positions ({positions.Length / 3}) do not match antenna_numbers ({numbers.Length})");
        var ant1 = h.Ints("ant_1_array", nblts);
        var ant2 = h.Ints("ant_2_array", nblts);
        var known = numbers.ToHashSet();
        foreach (int a in ant1.Concat(ant2).Where(a => !known.Contains(a)).Take(1))
            throw Error(f.Path, $"baseline-times name antenna {a}, which is not in antenna_numbers");

        var freqs = h.Doubles("freq_array");
        if (freqs.Length != nfreqs) throw Error(f.Path, $"freq_array has {freqs.Length} values for Nfreqs {nfreqs} (a legacy 2-D freq_array may have one spw row only)");
        var widths = h.Doubles("channel_width");
        if (widths.Length == 1 && nfreqs > 1) widths = Enumerable.Repeat(widths[0], nfreqs).ToArray();
        if (widths.Length != nfreqs) throw Error(f.Path, $"channel_width has {widths.Length} values for Nfreqs {nfreqs}");
        var spws = h.Ints("spw_array");
        var channelSpw = h.Has("flex_spw_id_array") ? h.Ints("flex_spw_id_array", nfreqs) : Enumerable.Repeat(spws[0], nfreqs).ToArray();
        var pols = h.Ints("polarization_array", npols);
        foreach (int p in pols.Where(p => !Polarizations.IsKnown(p)).Take(1))
            throw Error(f.Path, $"polarization code {p} has no MS correlation type");
        if (pols.Distinct().Count() != npols) throw Error(f.Path, "polarization_array repeats a polarization");
        var integration = h.Doubles("integration_time");
        if (integration.Length == 1 && nblts > 1) integration = Enumerable.Repeat(integration[0], nblts).ToArray();
        if (integration.Length != nblts) throw Error(f.Path, $"integration_time has {integration.Length} values for Nblts {nblts}");

        var catalog = h.Catalog();
        var centreIds = h.Has("phase_center_id_array") ? h.Ints("phase_center_id_array", nblts) : Enumerable.Repeat(catalog[0].Id, nblts).ToArray();
        var ids = catalog.Select(c => c.Id).ToHashSet();
        foreach (int i in centreIds.Where(i => !ids.Contains(i)).Take(1))
            throw Error(f.Path, $"phase_center_id_array names id {i}, which is not in the phase_center_catalog");
        foreach (var c in catalog.Where(c => centreIds.Contains(c.Id)))
        {
            try { c.MsFrame(); }
            catch (UserError e) { throw Error(f.Path, e.Message); }
        }

        return new Uvh5Header
        {
            File = f.Path,
            TelescopeName = h.Str("telescope_name"),
            Instrument = h.Has("instrument") ? h.Str("instrument") : h.Str("telescope_name"),
            History = h.Has("history") ? h.Str("history") : "",
            VisUnits = h.Has("vis_units") ? h.Str("vis_units") : "uncalib",
            Observer = h.ExtraKeyword("observer"),
            TelescopeEcef = h.Has("latitude")
                ? Wgs84.ToEcef(h.Doubles("latitude")[0], h.Doubles("longitude")[0], h.Doubles("altitude")[0])
                : h.Doubles("telescope_location", 3),
            AntennaNumbers = numbers,
            AntennaNames = names,
            AntennaPositions = positions,
            AntennaDiameters = h.Has("antenna_diameters") ? h.Doubles("antenna_diameters", numbers.Length) : new double[numbers.Length],
            Nblts = nblts,
            Nfreqs = nfreqs,
            Npols = npols,
            Ant1 = ant1,
            Ant2 = ant2,
            TimeJd = h.Doubles("time_array", nblts),
            IntegrationTime = integration,
            Uvw = h.Doubles("uvw_array", 3 * nblts),
            Freqs = freqs,
            ChannelWidths = widths,
            SpwIds = spws,
            ChannelSpw = channelSpw,
            Pols = pols,
            PhaseCentreIds = centreIds,
            Catalog = catalog,
            SpwAxis = spwAxis,
        };
    }

    /// <summary>Typed reads of Header datasets, each missing or mis-sized one named.</summary>
    private sealed class HeaderReader(H5File f)
    {
        public bool Has(string name) => f.Exists("Header/" + name);

        private H5Dataset Open(string name) =>
            Has(name) ? f.Dataset("Header/" + name) : throw Error(f.Path, $"Header/{name} is missing");

        public int Int(string name) => Ints(name)[0];

        public int[] Ints(string name, int expected = -1)
        {
            using var ds = Open(name);
            if (!ds.Type.IsInteger) throw Error(f.Path, $"Header/{name} is not an integer dataset");
            return Sized(name, ds.Read<long>(H5Types.Int64).Select(v => checked((int)v)).ToArray(), expected);
        }

        public double[] Doubles(string name, int expected = -1)
        {
            using var ds = Open(name);
            if (!ds.Type.IsFloat && !ds.Type.IsInteger) throw Error(f.Path, $"Header/{name} is not numeric");
            return Sized(name, ds.Read<double>(H5Types.Double), expected);
        }

        public string Str(string name) => Strs(name)[0];

        public string[] Strs(string name)
        {
            using var ds = Open(name);
            return ds.Type.IsString ? ds.ReadStrings() : throw Error(f.Path, $"Header/{name} is not a string");
        }

        public string? ExtraKeyword(string key)
        {
            string name = $"Header/extra_keywords/{key}";
            if (!f.Exists(name)) return null;
            using var ds = f.Dataset(name);
            return ds.Type.IsString ? ds.ReadString() : null;
        }

        private T[] Sized<T>(string name, T[] values, int expected) =>
            expected < 0 || values.Length == expected ? values
                : throw Error(f.Path, $"Header/{name} has {values.Length} values, {expected} expected");

        /// <summary>The catalogue: groups per cat_id, JSON strings per name (legacy), or the pre-1.1 phase_type fields.</summary>
        public IReadOnlyList<PhaseCentre> Catalog()
        {
            const string group = "Header/phase_center_catalog";
            if (f.Exists(group))
            {
                var children = f.Children(group);
                if (children.Count == 0) throw Error(f.Path, "phase_center_catalog is empty");
                return children.Select(c => c.IsGroup ? FromGroup($"{group}/{c.Name}", c.Name) : FromJson($"{group}/{c.Name}", c.Name)).ToList();
            }
            if (!Has("phase_type")) throw Error(f.Path, "neither Header/phase_center_catalog nor the legacy Header/phase_type is present");
            string? name = Has("object_name") ? Str("object_name") : null;
            return Str("phase_type") switch
            {
                "drift" => [new PhaseCentre(0, name ?? "unprojected", PhaseCentre.Unprojected, 0, Math.PI / 2, "altaz", null)],
                "phased" => [new PhaseCentre(0, name ?? "unknown", PhaseCentre.Sidereal, Doubles("phase_center_ra")[0], Doubles("phase_center_dec")[0],
                    Has("phase_center_frame") ? Str("phase_center_frame") : Doubles("phase_center_epoch")[0] == 1950 ? "fk4" : "fk5",
                    Has("phase_center_epoch") ? Doubles("phase_center_epoch")[0] : null)],
                var t => throw Error(f.Path, $"phase_type '{t}' is neither 'phased' nor 'drift'"),
            };
        }

        private PhaseCentre FromGroup(string path, string id)
        {
            string? S(string key) => Value($"{path}/{key}", d => d.ReadString());
            double? D(string key) => Value($"{path}/{key}", d => (double?)d.Read<double>(H5Types.Double)[0]);
            if (!int.TryParse(id, out int catId)) throw Error(f.Path, $"phase_center_catalog entry '{id}' is not a catalogue id");
            string type = S("cat_type") ?? throw Error(f.Path, $"phase centre {id} has no cat_type");
            return new PhaseCentre(catId, S("cat_name") ?? id, type, D("cat_lon") ?? 0, D("cat_lat") ?? 0, S("cat_frame") ?? "", D("cat_epoch"));
        }

        private PhaseCentre FromJson(string path, string name)
        {
            using var ds = f.Dataset(path);
            JsonElement e;
            try { e = JsonDocument.Parse(ds.ReadString()).RootElement; }
            catch (JsonException) { throw Error(f.Path, $"phase_center_catalog entry '{name}' is neither a group nor a JSON string"); }
            double? D(string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            string S(string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            return new PhaseCentre((int)(D("cat_id") ?? 0), name, S("cat_type"), D("cat_lon") ?? 0, D("cat_lat") ?? 0, S("cat_frame"), D("cat_epoch"));
        }

        /// <summary>A catalogue value, or null when the key is absent or h5py's Empty (pyuvdata's None).</summary>
        private T? Value<T>(string name, Func<H5Dataset, T> read)
        {
            if (!f.Exists(name)) return default;
            using var ds = f.Dataset(name);
            return ds.IsEmpty ? default : read(ds);
        }
    }
}
