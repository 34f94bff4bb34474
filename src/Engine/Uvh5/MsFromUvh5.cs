using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MmsMpi.Casacore;
using MmsMpi.Hdf5;
using MmsMpi.Runtime;

namespace MmsMpi.Uvh5;

/// <summary>
/// Writes the MS that UVH5 files become (docs/uvh5-rules.md, UVH5 → MS): the shared subtables of an import plan,
/// then each file's rows, spw by spw in blocks of baseline-times read straight from the file's datasets.
/// </summary>
public static class MsFromUvh5
{
    /// <summary>About this many bytes of visibilities per block read from the file.</summary>
    private const long BlockBytes = 32L << 20;

    private const double MjdOfJd0 = 2400000.5, SecondsPerDay = 86400;

    public static double MjdSeconds(double jd) => (jd - MjdOfJd0) * SecondsPerDay;

    /// <summary>Creates the MS at path with the plan's subtables and no rows; returns it open for writing.</summary>
    public static CasaTable Create(string path, ImportPlan plan)
    {
        var ms = MsWriter.CreateNew(path, ["DATA", "WEIGHT_SPECTRUM"], plan.Pols.Length, plan.MaxChannels, plan.DirectionRef);
        try
        {
            ms.PutKeyword(null, "pyuvdata_flip_conj", true);
            if (VisUnits.CasaUnit(plan.VisUnits) is { } unit) ms.PutKeyword("DATA", "QuantumUnits", unit, asVector: true);
            using (var t = ms.OpenSubtable("ANTENNA", writable: true)) Subtables.Antennas(t, plan);
            using (var t = ms.OpenSubtable("FEED", writable: true)) Subtables.Feeds(t, plan);
            using (var t = ms.OpenSubtable("SPECTRAL_WINDOW", writable: true)) Subtables.Spws(t, plan);
            using (var t = ms.OpenSubtable("DATA_DESCRIPTION", writable: true)) Subtables.DataDescriptions(t, plan);
            using (var t = ms.OpenSubtable("POLARIZATION", writable: true)) Subtables.Polarization(t, plan);
            using (var t = ms.OpenSubtable("FIELD", writable: true)) Subtables.Fields(t, plan);
            using (var t = ms.OpenSubtable("SOURCE", writable: true)) Subtables.Sources(t, plan);
            using (var t = ms.OpenSubtable("OBSERVATION", writable: true)) Subtables.Observation(t, plan);
            using (var t = ms.OpenSubtable("HISTORY", writable: true)) Subtables.History(t, plan);
            return ms;
        }
        catch
        {
            ms.Dispose();
            throw;
        }
    }

    /// <summary>Appends the rows of the plan's file fileIndex; returns how many.</summary>
    public static long AppendFile(CasaTable ms, ImportPlan plan, int fileIndex, CancellationToken cancel)
    {
        var part = plan.Files[fileIndex];
        using var file = H5File.Open(part.Path);
        var header = Uvh5Header.Read(file);
        using var data = new Uvh5Data(file, header);
        var rows = new RowBuilder(header, plan, part);
        long written = 0;
        var (read, convert, write) = (new Stopwatch(), new Stopwatch(), new Stopwatch());
        foreach (var (spw, (_, first, nchan)) in header.SpwChannels().Select((r, i) => (i, r)))
        {
            int block = Math.Min(data.BlockRows((int)Math.Max(1, BlockBytes / (8L * nchan * header.Npols))), header.Nblts);
            var buffers = new Block(block, nchan, header.Npols);
            for (int blt0 = 0; blt0 < header.Nblts; blt0 += block)
            {
                cancel.ThrowIfCancellationRequested();
                int n = Math.Min(block, header.Nblts - blt0);
                read.Start();
                data.Read(blt0, n, first, nchan, buffers.Vis.AsSpan(0, 2 * n * nchan * header.Npols),
                    buffers.Flags.AsSpan(0, n * nchan * header.Npols), buffers.NSamples.AsSpan(0, n * nchan * header.Npols));
                read.Stop();
                convert.Start();
                rows.Fill(buffers, blt0, n, nchan);
                convert.Stop();
                write.Start();
                long row0 = ms.NRow;
                ms.AddRows(n);
                buffers.Write(ms, row0, n, nchan, part.SpwOfFileSpw[spw]);
                write.Stop();
                written += n;
                RowMeter.Add(n);
            }
        }
        Log.For<ImportPlan>().Debug($"{Path.GetFileName(part.Path)}: read {read.Elapsed.TotalSeconds:F2} s, convert {convert.Elapsed.TotalSeconds:F2} s, write {write.Elapsed.TotalSeconds:F2} s");
        return written;
    }

    /// <summary>
    /// One block's file values, turned into MS cells in place (the file's [blt][chan][pol] is the MS cell's [row][chan]
    /// [corr]: only correlations move), and the row columns; reused from block to block.
    /// </summary>
    private sealed class Block(int rows, int nchan, int npol)
    {
        public readonly float[] Vis = new float[2L * rows * nchan * npol];
        public readonly sbyte[] Flags = new sbyte[(long)rows * nchan * npol];
        public readonly float[] NSamples = new float[(long)rows * nchan * npol];
        public readonly float[] Weight = new float[rows * npol], Sigma = new float[rows * npol];
        public readonly bool[] FlagRow = new bool[rows];
        public readonly int[] Ant1 = new int[rows], Ant2 = new int[rows], Field = new int[rows], Scan = new int[rows];
        public readonly double[] Time = new double[rows], Interval = new double[rows], Uvw = new double[3 * rows];
        /// <summary>Each correlation's weights over the channels, for its median.</summary>
        public readonly float[] Channels = new float[nchan * npol];

        public void Write(CasaTable ms, long row0, int n, int nchan, int ddi)
        {
            int ncorr = npol, cells = n * nchan * ncorr;
            ms.PutColumn<int>("ANTENNA1", row0, n, Ant1.AsSpan(0, n));
            ms.PutColumn<int>("ANTENNA2", row0, n, Ant2.AsSpan(0, n));
            ms.PutColumn<double>("TIME", row0, n, Time.AsSpan(0, n));
            ms.PutColumn<double>("TIME_CENTROID", row0, n, Time.AsSpan(0, n));
            ms.PutColumn<double>("INTERVAL", row0, n, Interval.AsSpan(0, n));
            ms.PutColumn<double>("EXPOSURE", row0, n, Interval.AsSpan(0, n));
            ms.PutColumn<int>("FIELD_ID", row0, n, Field.AsSpan(0, n));
            ms.PutColumn<int>("SCAN_NUMBER", row0, n, Scan.AsSpan(0, n));
            foreach (var (col, value) in new[] { ("DATA_DESC_ID", ddi), ("STATE_ID", -1), ("PROCESSOR_ID", -1), ("ARRAY_ID", 0),
                         ("OBSERVATION_ID", 0), ("FEED1", 0), ("FEED2", 0) })
                ms.PutColumn<int>(col, row0, n, Enumerable.Repeat(value, n).ToArray());
            ms.PutColumn<bool>("FLAG_ROW", row0, n, FlagRow.AsSpan(0, n));
            ms.PutCells<double>("UVW", row0, n, Uvw.AsSpan(0, 3 * n), 3);
            ms.PutCells<ComplexF>("DATA", row0, n, MemoryMarshal.Cast<float, ComplexF>(Vis.AsSpan(0, 2 * cells)), ncorr, nchan);
            // h5py's booleans are bytes 0 and 1, which is what a .NET bool is.
            ms.PutCells<bool>("FLAG", row0, n, MemoryMarshal.Cast<sbyte, bool>(Flags.AsSpan(0, cells)), ncorr, nchan);
            ms.PutCells<float>("WEIGHT_SPECTRUM", row0, n, NSamples.AsSpan(0, cells), ncorr, nchan);
            ms.PutCells<float>("WEIGHT", row0, n, Weight.AsSpan(0, n * ncorr), ncorr);
            ms.PutCells<float>("SIGMA", row0, n, Sigma.AsSpan(0, n * ncorr), ncorr);
        }
    }

    /// <summary>Turns a block of a file's baseline-times into MS rows: CASA's antenna order and conjugation, correlation order, weights.</summary>
    private sealed class RowBuilder
    {
        private readonly Uvh5Header _h;
        private readonly int[] _pol, _swappedPol, _scan, _field;
        private readonly bool _polInOrder, _swappedInOrder;
        private readonly double[] _time;

        public RowBuilder(Uvh5Header h, ImportPlan plan, FilePart part)
        {
            _h = h;
            // MS correlation k takes file polarization _pol[k]; from the other antenna's side, its cross hand swapped.
            _pol = plan.Pols.Select(p => Array.IndexOf(h.Pols, p)).ToArray();
            _swappedPol = plan.Pols.Select(p => Array.IndexOf(h.Pols, Polarizations.Swapped(p))).ToArray();
            (_polInOrder, _swappedInOrder) = (IsIdentity(_pol), IsIdentity(_swappedPol));
            _scan = h.ScanOfBlt().Select(s => s + part.ScanOffset).ToArray();
            _field = h.PhaseCentreIds.Select(id => part.FieldOfCentre[id]).ToArray();
            _time = h.TimeJd.Select(MjdSeconds).ToArray();
        }

        public void Fill(Block b, int blt0, int n, int nchan)
        {
            int npol = _h.Npols, cells = nchan * npol;
            for (int r = 0; r < n; r++)
            {
                int blt = blt0 + r;
                // UVH5 holds <E1* E2> with uvw = X2 − X1; CASA's MS <E1 E2*> with uvw = X1 − X2 for ANTENNA1 ≤ ANTENNA2.
                bool inOrder = _h.Ant1[blt] <= _h.Ant2[blt];
                (b.Ant1[r], b.Ant2[r]) = inOrder ? (_h.Ant1[blt], _h.Ant2[blt]) : (_h.Ant2[blt], _h.Ant1[blt]);
                for (int k = 0; k < 3; k++) b.Uvw[3 * r + k] = inOrder ? -_h.Uvw[3 * blt + k] : _h.Uvw[3 * blt + k];
                (b.Time[r], b.Interval[r], b.Field[r], b.Scan[r]) = (_time[blt], _h.IntegrationTime[blt], _field[blt], _scan[blt]);
                var vis = b.Vis.AsSpan(2 * r * cells, 2 * cells);
                var flags = b.Flags.AsSpan(r * cells, cells);
                var weights = b.NSamples.AsSpan(r * cells, cells);
                if (inOrder ? _polInOrder : _swappedInOrder)
                {
                    if (inOrder) Kernels.Conjugate.InPlace(vis);
                    for (int c = 0; c < nchan; c++)
                        for (int k = 0; k < npol; k++) b.Channels[k * nchan + c] = weights[c * npol + k];
                }
                else Reorder(vis, flags, weights, inOrder ? _pol : _swappedPol, inOrder ? -1 : 1, b.Channels, nchan);
                b.FlagRow[r] = !flags.ContainsAnyExcept((sbyte)1);
                for (int k = 0; k < npol; k++)
                {
                    float w = Median(b.Channels.AsSpan(k * nchan, nchan));
                    b.Weight[r * npol + k] = w;
                    b.Sigma[r * npol + k] = w > 0 ? 1 / MathF.Sqrt(w) : 0;
                }
            }
        }

        /// <summary>
        /// One row's cells with correlation k taken from file polarization pol[k], the imaginary parts times imSign, in
        /// one pass that also gathers each correlation's weights over the channels into channels[k][c].
        /// </summary>
        private static void Reorder(Span<float> vis, Span<sbyte> flags, Span<float> weights, int[] pol, float imSign, Span<float> channels, int nchan)
        {
            int npol = pol.Length;
            Span<float> v = stackalloc float[2 * npol], w = stackalloc float[npol];
            Span<sbyte> f = stackalloc sbyte[npol];
            ref float vis0 = ref MemoryMarshal.GetReference(vis), w0 = ref MemoryMarshal.GetReference(weights);
            ref sbyte f0 = ref MemoryMarshal.GetReference(flags);
            for (int c = 0, at = 0; c < nchan; c++, at += npol)
            {
                for (int p = 0; p < npol; p++)
                {
                    v[2 * p] = Unsafe.Add(ref vis0, 2 * (at + p));
                    v[2 * p + 1] = Unsafe.Add(ref vis0, 2 * (at + p) + 1);
                    w[p] = Unsafe.Add(ref w0, at + p);
                    f[p] = Unsafe.Add(ref f0, at + p);
                }
                for (int k = 0; k < npol; k++)
                {
                    int p = pol[k];
                    Unsafe.Add(ref vis0, 2 * (at + k)) = v[2 * p];
                    Unsafe.Add(ref vis0, 2 * (at + k) + 1) = imSign * v[2 * p + 1];
                    Unsafe.Add(ref f0, at + k) = f[p];
                    Unsafe.Add(ref w0, at + k) = w[p];
                    channels[k * nchan + c] = w[p];
                }
            }
        }

        private static bool IsIdentity(int[] p) => p.Select((v, i) => v == i).All(x => x);

        /// <summary>numpy's median (the mean of the middle two of an even count); reorders values.</summary>
        private static float Median(Span<float> values)
        {
            // Real files mostly hold one nsamples value over a baseline's channels: no selection needed.
            if (!values.ContainsAnyExcept(values[0]) && !float.IsNaN(values[0])) return values[0];
            int m = values.Length / 2;
            float upper = Select(values, m);
            if (values.Length % 2 == 1) return upper;
            // After the selection nothing left of m is above values[m]: the lower middle is their maximum.
            float lower = values[0];
            foreach (float v in values[..m]) lower = Math.Max(lower, v);
            return (float)(((double)lower + upper) / 2);
        }

        /// <summary>The k-th smallest value (Hoare's quickselect, O(n)); values end up partitioned around it.</summary>
        private static float Select(Span<float> values, int k)
        {
            ref float v0 = ref MemoryMarshal.GetReference(values);
            int lo = 0, hi = values.Length - 1;
            while (lo < hi)
            {
                float pivot = Unsafe.Add(ref v0, (lo + hi) >>> 1);
                int i = lo, j = hi;
                while (i <= j)
                {
                    while (Unsafe.Add(ref v0, i) < pivot) i++;
                    while (Unsafe.Add(ref v0, j) > pivot) j--;
                    if (i > j) break;
                    (Unsafe.Add(ref v0, i), Unsafe.Add(ref v0, j)) = (Unsafe.Add(ref v0, j), Unsafe.Add(ref v0, i));
                    i++;
                    j--;
                }
                if (k <= j) hi = j;
                else if (k >= i) lo = i;
                else break;
            }
            return values[k];
        }
    }
}
