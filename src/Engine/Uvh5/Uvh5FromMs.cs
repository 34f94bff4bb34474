using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Hdf5;
using MmsMpi.Runtime;
using MmsMpi.Ms;

namespace MmsMpi.Uvh5;

/// <summary>
/// Writes an MS (or the rows of a Multi-MS's reference table) as a UVH5 file (docs/uvh5-rules.md, MS → UVH5): the
/// Header from the subtables and the row metadata, then the Data in blocks of baseline-times, each block gathered from
/// runs of MS rows of one DDI; flags and nsamples LZF-compressed as pyuvdata writes them.
/// </summary>
public static class Uvh5FromMs
{
    private const long BlockBytes = 32L << 20;

    public static long Write(string vis, string output, CancellationToken cancel)
    {
        using var ms = CasaTable.Open(vis);
        var layout = ExportLayout.Read(ms);
        using var file = H5File.Create(output);
        Uvh5HeaderWriter.Write(file, ms, layout);
        file.CreateGroup("Data");
        WriteData(file, ms, layout, cancel);
        return layout.Rows;
    }

    private static void WriteData(H5File file, CasaTable ms, ExportLayout l, CancellationToken cancel)
    {
        int nf = l.NFreqs, np = l.Pols.Length;
        int chunk = (int)Math.Clamp((1L << 18) / ((long)nf * np), 1, l.NBlts);
        int block = (int)Math.Max(chunk, BlockBytes / (8L * nf * np) / chunk * chunk);
        ulong[] dims = [(ulong)l.NBlts, (ulong)nf, (ulong)np], chunkDims = [(ulong)chunk, (ulong)nf, (ulong)np];
        using var vis = file.CreateDataset("Data/visdata", dims, H5Types.ComplexFloat);
        using var flags = file.CreateDataset("Data/flags", dims, H5Types.Bool, chunkDims);
        using var nsamples = file.CreateDataset("Data/nsamples", dims, H5Types.Float, chunkDims);
        var v = new float[2L * block * nf * np];
        var f = new sbyte[(long)block * nf * np];
        var w = new float[(long)block * nf * np];
        bool spectrum = CellReads.Filled(ms, "WEIGHT_SPECTRUM", 0);
        var rows = new RowBuffers();
        var (gather, write) = (new Stopwatch(), new Stopwatch());
        for (int b0 = 0; b0 < l.NBlts; b0 += block)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(block, l.NBlts - b0);
            int cells = n * nf * np;
            // Cells no MS row fills (a spw missing at a baseline-time): zero, flagged, no samples.
            if (!l.Complete)
            {
                Array.Clear(v, 0, 2 * cells);
                Array.Clear(w, 0, cells);
                Array.Fill(f, (sbyte)1, 0, cells);
            }
            gather.Start();
            foreach (var run in l.RunsOf(b0, n)) Gather(ms, l, run, b0, spectrum, rows, v, f, w);
            gather.Stop();
            write.Start();
            ulong[] start = [(ulong)b0, 0, 0], count = [(ulong)n, (ulong)nf, (ulong)np];
            vis.Write<float>(v.AsSpan(0, 2 * cells), H5Types.ComplexFloat, start, count);
            flags.Write<sbyte>(f.AsSpan(0, cells), H5Types.Bool, start, count);
            nsamples.Write<float>(w.AsSpan(0, cells), H5Types.Float, start, count);
            write.Stop();
            RowMeter.Add(n);
        }
        Log.For<ExportLayout>().Debug($"{Path.GetFileName(file.Path)}: read and gather {gather.Elapsed.TotalSeconds:F2} s, write {write.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>One run's MS cells, reused from run to run (grown to the largest).</summary>
    private sealed class RowBuffers
    {
        public ComplexF[] Data = [];
        public bool[] Flag = [];
        public float[] Weight = [];

        public void Ensure(int cells)
        {
            if (Data.Length >= cells) return;
            (Data, Flag, Weight) = (new ComplexF[cells], new bool[cells], new float[cells]);
        }
    }

    /// <summary>Reads one run of rows (one DDI) and puts its cells into the block, conjugated and in AIPS order.</summary>
    private static void Gather(CasaTable ms, ExportLayout l, RowRun run, int b0, bool spectrum, RowBuffers buffers, float[] v, sbyte[] f, float[] w)
    {
        var (nchan, ncorr, chan0) = (l.DdiChannels[run.Ddi], l.NCorr, l.DdiFirstChannel[run.Ddi]);
        int cells = run.Length * nchan * ncorr;
        buffers.Ensure(cells);
        var data = buffers.Data.AsSpan(0, cells);
        var flag = buffers.Flag.AsSpan(0, cells);
        var weight = buffers.Weight.AsSpan(0, spectrum ? cells : run.Length * ncorr);
        ms.GetColumn<ComplexF>("DATA", run.Start, run.Length, data);
        ms.GetColumn<bool>("FLAG", run.Start, run.Length, flag);
        ms.GetColumn<float>(spectrum ? "WEIGHT_SPECTRUM" : "WEIGHT", run.Start, run.Length, weight);
        int nf = l.NFreqs, np = l.Pols.Length;
        float sign = l.FlipConj ? -1 : 1;
        var corrOf = l.CorrOfPol;
        for (int r = 0; r < run.Length; r++)
        {
            int at = ((l.BltOfRow[run.Start + r] - b0) * nf + chan0) * np;
            for (int c = 0; c < nchan; c++, at += np)
            {
                int cell = (r * nchan + c) * ncorr;
                for (int j = 0; j < np; j++)
                {
                    int src = cell + corrOf[j], dst = at + j;
                    v[2 * dst] = data[src].Re;
                    v[2 * dst + 1] = sign * data[src].Im;
                    f[dst] = (sbyte)(flag[src] ? 1 : 0);
                    w[dst] = spectrum ? weight[src] : weight[r * ncorr + corrOf[j]];
                }
            }
        }
    }
}

/// <summary>
/// How an MS's rows become a UVH5 file's axes: baseline-times in the order their (TIME, ANTENNA1, ANTENNA2) first
/// appear, channels of the DDIs in DDI order, polarizations in AIPS order; the row metadata of each baseline-time.
/// </summary>
public sealed class ExportLayout
{
    public required long Rows { get; init; }
    public required int NBlts { get; init; }
    public required int[] BltOfRow { get; init; }
    public required int[] RowOfBlt { get; init; }
    public required int[] DdiOfRow { get; init; }
    /// <summary>Channels of each DDI in the file (0 for DDIs without rows) and where they start on its frequency axis.</summary>
    public required int[] DdiChannels { get; init; }
    public required int[] DdiFirstChannel { get; init; }

    /// <summary>The spws of the DDIs that have rows, in DDI order: the file's spws.</summary>
    public required int[] UsedSpws { get; init; }
    public required int NCorr { get; init; }

    /// <summary>AIPS codes of the file's polarizations, and the MS correlation each one is.</summary>
    public required int[] Pols { get; init; }
    public required int[] CorrOfPol { get; init; }
    public required bool FlipConj { get; init; }
    public required double[] Time { get; init; }
    public required int[] Ant1 { get; init; }
    public required int[] Ant2 { get; init; }
    public required int[] Field { get; init; }
    public required double[] Exposure { get; init; }
    public required double[] Uvw { get; init; }

    public int NFreqs => DdiChannels.Sum();

    /// <summary>Every baseline-time has exactly one row of every DDI: the rows fill every cell of the file.</summary>
    public required bool Complete { get; init; }

    /// <summary>The rows of each baseline-time, in row order: rows [BltStart[b], BltStart[b + 1]) of RowsByBlt.</summary>
    public required int[] RowsByBlt { get; init; }
    public required int[] BltStart { get; init; }

    /// <summary>The runs of rows of one DDI that fill baseline-times [b0, b0 + n).</summary>
    public List<RowRun> RunsOf(int b0, int n)
    {
        var rows = RowsByBlt[BltStart[b0]..BltStart[b0 + n]];
        Array.Sort(rows);
        return RowRun.Consecutive(rows.Select(r => (long)r).ToArray(), rows.Select(r => DdiOfRow[r]).ToArray());
    }

    public static ExportLayout Read(CasaTable ms)
    {
        long nrow = ms.NRow;
        if (nrow == 0) throw new UserError($"{ms.Name} has no rows to export");
        if (!ms.HasColumn("DATA")) throw new UserError($"{ms.Name} has no DATA column");
        var time = ms.GetColumn<double>("TIME");
        var a1 = ms.GetColumn<int>("ANTENNA1");
        var a2 = ms.GetColumn<int>("ANTENNA2");
        var ddi = ms.GetColumn<int>("DATA_DESC_ID");
        var field = ms.GetColumn<int>("FIELD_ID");
        var exposure = ms.GetColumn<double>(ms.HasColumn("EXPOSURE") ? "EXPOSURE" : "INTERVAL");
        var uvw = new double[3 * nrow];
        ms.GetColumn<double>("UVW", 0, nrow, uvw);
        if (ms.HasColumn("ARRAY_ID") && ms.GetColumn<int>("ARRAY_ID").Distinct().Count() > 1)
            throw new UserError($"{ms.Name} has several ARRAY_IDs: a UVH5 file holds one array");

        var bltOfKey = new Dictionary<(double, int, int), int>();
        var bltOfRow = new int[nrow];
        var rowOfBlt = new List<int>();
        for (int r = 0; r < nrow; r++)
        {
            var key = (time[r], a1[r], a2[r]);
            if (!bltOfKey.TryGetValue(key, out int b)) { bltOfKey[key] = b = rowOfBlt.Count; rowOfBlt.Add(r); }
            bltOfRow[r] = b;
        }

        using var dd = ms.OpenSubtable("DATA_DESCRIPTION");
        using var spwTable = ms.OpenSubtable("SPECTRAL_WINDOW");
        using var polTable = ms.OpenSubtable("POLARIZATION");
        var ddiSpw = dd.GetColumn<int>("SPECTRAL_WINDOW_ID");
        var ddiPol = dd.GetColumn<int>("POLARIZATION_ID");
        // DDIs without rows (an ALMA MS's unused spws) have no channels in the file.
        var used = ddi.Distinct().Order().ToArray();
        var corrTypes = polTable.GetCell<int>("CORR_TYPE", ddiPol[used[0]]);
        if (used.Any(d => !polTable.GetCell<int>("CORR_TYPE", ddiPol[d]).SequenceEqual(corrTypes)))
            throw new UserError($"{ms.Name}: its spws have different correlations (one polarization setup per UVH5 file; split them apart first)");
        var aips = corrTypes.Select(t => Polarizations.FromCorrType(t) ?? throw new UserError($"{ms.Name}: correlation type {t} has no UVH5 polarization code")).ToArray();
        var pols = Polarizations.InAipsOrder(aips);
        var numChan = spwTable.GetColumn<int>("NUM_CHAN");
        var channels = Enumerable.Range(0, ddiSpw.Length).Select(d => used.Contains(d) ? numChan[ddiSpw[d]] : 0).ToArray();
        var firsts = channels.Select((_, i) => channels.Take(i).Sum()).ToArray();
        // Rows grouped by baseline-time (a counting sort, rows ascending within each): a block finds its rows directly.
        var bltStart = new int[rowOfBlt.Count + 1];
        foreach (int b in bltOfRow) bltStart[b + 1]++;
        for (int b = 0; b < rowOfBlt.Count; b++) bltStart[b + 1] += bltStart[b];
        var rowsByBlt = new int[nrow];
        var fill = bltStart[..^1];
        for (int r = 0; r < nrow; r++) rowsByBlt[fill[bltOfRow[r]]++] = r;
        var cellsOfRows = new HashSet<(int, int)>();
        for (int r = 0; r < nrow; r++) cellsOfRows.Add((bltOfRow[r], ddi[r]));
        bool flip = !(ms.Keywords.TryGetValue("pyuvdata_flip_conj", out var k) && k == "false");
        return new ExportLayout
        {
            Rows = nrow, NBlts = rowOfBlt.Count, BltOfRow = bltOfRow, RowsByBlt = rowsByBlt, BltStart = bltStart, RowOfBlt = rowOfBlt.ToArray(), DdiOfRow = ddi,
            DdiChannels = channels, DdiFirstChannel = firsts, UsedSpws = used.Select(d => ddiSpw[d]).ToArray(), NCorr = corrTypes.Length,
            Complete = cellsOfRows.Count == nrow && nrow == (long)rowOfBlt.Count * used.Length,
            Pols = pols, CorrOfPol = pols.Select(p => Array.IndexOf(aips, p)).ToArray(), FlipConj = flip,
            Time = time, Ant1 = a1, Ant2 = a2, Field = field, Exposure = exposure, Uvw = uvw,
        };
    }
}
