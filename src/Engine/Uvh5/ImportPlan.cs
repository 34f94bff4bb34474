using MmsMpi.Heuristics;

namespace MmsMpi.Uvh5;

/// <summary>An ANTENNA row: row index = antenna number; a number no file uses is a row with POSITION 0 and no name.</summary>
public sealed record AntennaRow(string Name, double[] Position, double Diameter);

/// <summary>A SPECTRAL_WINDOW row: the file's spw number and its channels.</summary>
public sealed record SpwRow(int Id, double[] Freqs, double[] Widths);

/// <summary>
/// How one file's rows go into the shared tables: the global spw (= DATA_DESC_ID) of each of its spws, the FIELD of
/// each of its catalogue ids, and the scan numbers it continues from.
/// </summary>
public sealed record FilePart(string Path, int[] SpwOfFileSpw, Dictionary<int, int> FieldOfCentre, int ScanOffset);

/// <summary>
/// The shared subtables of the MS or MMS that UVH5 files become, and each file's place in them (docs/uvh5-rules.md
/// §11): pure planning from the files' headers, on the coordinator; every job writes the same tables.
/// </summary>
public sealed record ImportPlan(
    string TelescopeName, string Instrument, double[] TelescopeEcef, string Observer, string VisUnits, string History,
    AntennaRow[] Antennas, SpwRow[] Spws, int[] Pols, PhaseCentre[] Fields, string DirectionRef,
    double FirstTimeJd, double LastTimeJd, FilePart[] Files)
{
    public int MaxChannels => Spws.Max(s => s.Freqs.Length);

    /// <summary>The plan of headers given in the order their sub-MSs are to have (time, then frequency).</summary>
    public static ImportPlan Of(IReadOnlyList<Uvh5Header> files)
    {
        var first = files[0];
        foreach (var h in files.Skip(1))
        {
            if (h.TelescopeName != first.TelescopeName)
                throw h.Error($"telescope {h.TelescopeName} differs from {first.TelescopeName} of {Path.GetFileName(first.File)}: one MS holds one telescope");
            if (!Polarizations.InCasaOrder(h.Pols).SequenceEqual(Polarizations.InCasaOrder(first.Pols)))
                throw h.Error($"its polarizations differ from those of {Path.GetFileName(first.File)}");
        }
        var spws = new List<SpwRow>();
        var fields = new List<PhaseCentre>();
        var parts = new List<FilePart>();
        var scanOffsets = ScanOffsets(files);
        foreach (var (h, i) in files.Select((h, i) => (h, i)))
        {
            var spwMap = h.SpwChannels().Select(r => Index(spws, new SpwRow(r.Spw, h.Freqs[r.First..(r.First + r.Count)],
                h.ChannelWidths[r.First..(r.First + r.Count)]), (a, b) => a.Id == b.Id && a.Freqs.SequenceEqual(b.Freqs))).ToArray();
            var used = h.PhaseCentreIds.ToHashSet();
            var fieldMap = h.Catalog.Where(c => used.Contains(c.Id)).ToDictionary(c => c.Id, c => Index(fields, c, (a, b) => a.SameCentre(b)));
            parts.Add(new FilePart(h.File, spwMap, fieldMap, scanOffsets[i]));
        }
        var frames = fields.Select(f => f.MsFrame()).Distinct().ToList();
        if (frames.Count > 1)
            throw new UserError($"the phase centres are in different frames ({string.Join(", ", frames)}): one FIELD table holds one direction frame");
        var pols = Polarizations.InCasaOrder(first.Pols);
        if (files.Any(h => h.Ant1.Where((a, b) => a > h.Ant2[b]).Any()) && pols.Any(p => !pols.Contains(Polarizations.Swapped(p))))
            throw new UserError("baseline-times with ant_1 > ant_2 need both cross hands (XY and YX, or RL and LR) to be turned into CASA's order");
        return new ImportPlan(first.TelescopeName, first.Instrument, first.TelescopeEcef, first.Observer ?? first.TelescopeName,
            first.VisUnits, first.History, AntennaTable(files), spws.ToArray(), pols, fields.ToArray(), frames[0],
            files.Min(h => h.TimeJd.Min()), files.Max(h => h.TimeJd.Max()), parts.ToArray());
    }

    /// <summary>
    /// How the files divide the observation: 'scan' when they share their spws (a split in time), 'spw' when they
    /// share their times (a split in frequency), auto ("scan,spw") otherwise; given one, it must be that.
    /// </summary>
    public SeparationAxis Axis(IReadOnlyList<Uvh5Header> files, SeparationAxis asked)
    {
        bool sameSpws = Files.All(f => f.SpwOfFileSpw.Order().SequenceEqual(Files[0].SpwOfFileSpw.Order()));
        bool sameTimes = files.All(h => h.TimeJd.Min() == files[0].TimeJd.Min() && h.TimeJd.Max() == files[0].TimeJd.Max());
        var axis = sameSpws && !sameTimes ? SeparationAxis.Scan : sameTimes && !sameSpws ? SeparationAxis.Spw : SeparationAxis.Auto;
        if (asked != SeparationAxis.Auto && asked != axis)
            throw new UserError($"separationaxis {asked.AxisTypeText()}: one sub-MS per file divides these files along {axis.AxisTypeText()}");
        return axis;
    }

    /// <summary>Files over the same times (a frequency split) share scan numbers; later times continue the count.</summary>
    private static int[] ScanOffsets(IReadOnlyList<Uvh5Header> files)
    {
        var groups = files.Select((h, i) => (Key: (h.TimeJd.Min(), h.TimeJd.Max()), Scans: h.ScanOfBlt().DefaultIfEmpty(0).Max(), i))
            .GroupBy(x => x.Key).OrderBy(g => g.Key.Item1).ToList();
        var offsets = new int[files.Count];
        int offset = 0;
        foreach (var g in groups)
        {
            foreach (var x in g) offsets[x.i] = offset;
            offset += g.Max(x => x.Scans);
        }
        return offsets;
    }

    private static AntennaRow[] AntennaTable(IReadOnlyList<Uvh5Header> files)
    {
        var rows = new Dictionary<int, (AntennaRow Row, string File)>();
        foreach (var h in files)
            for (int a = 0; a < h.AntennaNumbers.Length; a++)
            {
                var pos = Enumerable.Range(0, 3).Select(k => h.TelescopeEcef[k] + h.AntennaPositions[3 * a + k]).ToArray();
                var row = new AntennaRow(h.AntennaNames[a], pos, h.AntennaDiameters[a]);
                int n = h.AntennaNumbers[a];
                if (n < 0) throw h.Error($"antenna number {n} is negative (it is the ANTENNA row)");
                if (!rows.TryGetValue(n, out var known)) rows[n] = (row, h.File);
                else if (known.Row.Name != row.Name || Enumerable.Range(0, 3).Any(k => Math.Abs(known.Row.Position[k] - pos[k]) > 1e-3))
                    throw h.Error($"antenna {n} ({row.Name}) differs from antenna {n} ({known.Row.Name}) of {Path.GetFileName(known.File)}");
            }
        int count = rows.Keys.Max() + 1;
        return Enumerable.Range(0, count).Select(n => rows.TryGetValue(n, out var r) ? r.Row : new AntennaRow("", new double[3], 0)).ToArray();
    }

    private static int Index<T>(List<T> list, T item, Func<T, T, bool> same)
    {
        int i = list.FindIndex(x => same(x, item));
        if (i >= 0) return i;
        list.Add(item);
        return list.Count - 1;
    }
}
