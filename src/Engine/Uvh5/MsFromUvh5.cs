using MmsMpi.Casacore;
using MmsMpi.Hdf5;

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
        foreach (var (spw, (_, first, nchan)) in header.SpwChannels().Select((r, i) => (i, r)))
        {
            int block = (int)Math.Clamp(BlockBytes / (8L * nchan * header.Npols), 1, header.Nblts);
            var buffers = new Block(block, nchan, header.Npols);
            for (int blt0 = 0; blt0 < header.Nblts; blt0 += block)
            {
                cancel.ThrowIfCancellationRequested();
                int n = Math.Min(block, header.Nblts - blt0);
                data.Read(blt0, n, first, nchan, buffers.Vis.AsSpan(0, 2 * n * nchan * header.Npols),
                    buffers.Flags.AsSpan(0, n * nchan * header.Npols), buffers.NSamples.AsSpan(0, n * nchan * header.Npols));
                rows.Fill(buffers, blt0, n, nchan);
                long row0 = ms.NRow;
                ms.AddRows(n);
                buffers.Write(ms, row0, n, nchan, part.SpwOfFileSpw[spw]);
                written += n;
            }
        }
        return written;
    }

    /// <summary>One block's file values and the MS rows made of them, reused from block to block.</summary>
    private sealed class Block(int rows, int nchan, int npol)
    {
        public readonly float[] Vis = new float[2L * rows * nchan * npol];
        public readonly sbyte[] Flags = new sbyte[(long)rows * nchan * npol];
        public readonly float[] NSamples = new float[(long)rows * nchan * npol];
        public readonly ComplexF[] Data = new ComplexF[(long)rows * nchan * npol];
        public readonly bool[] Flag = new bool[(long)rows * nchan * npol];
        public readonly float[] WeightSpectrum = new float[(long)rows * nchan * npol];
        public readonly float[] Weight = new float[rows * npol], Sigma = new float[rows * npol];
        public readonly bool[] FlagRow = new bool[rows];
        public readonly int[] Ant1 = new int[rows], Ant2 = new int[rows], Field = new int[rows], Scan = new int[rows];
        public readonly double[] Time = new double[rows], Interval = new double[rows], Uvw = new double[3 * rows];
        public readonly float[] Channel = new float[nchan];

        public void Write(CasaTable ms, long row0, int n, int nchan, int ddi)
        {
            int ncorr = npol;
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
            int cells = n * nchan * ncorr;
            ms.PutCells<ComplexF>("DATA", row0, n, Data.AsSpan(0, cells), ncorr, nchan);
            ms.PutCells<bool>("FLAG", row0, n, Flag.AsSpan(0, cells), ncorr, nchan);
            ms.PutCells<float>("WEIGHT_SPECTRUM", row0, n, WeightSpectrum.AsSpan(0, cells), ncorr, nchan);
            ms.PutCells<float>("WEIGHT", row0, n, Weight.AsSpan(0, n * ncorr), ncorr);
            ms.PutCells<float>("SIGMA", row0, n, Sigma.AsSpan(0, n * ncorr), ncorr);
        }
    }

    /// <summary>Turns a block of a file's baseline-times into MS rows: CASA's antenna order and conjugation, correlation order, weights.</summary>
    private sealed class RowBuilder
    {
        private readonly Uvh5Header _h;
        private readonly int[] _pol, _swappedPol, _scan, _field;
        private readonly double[] _time;

        public RowBuilder(Uvh5Header h, ImportPlan plan, FilePart part)
        {
            _h = h;
            // MS correlation k takes file polarization _pol[k]; from the other antenna's side, its cross hand swapped.
            _pol = plan.Pols.Select(p => Array.IndexOf(h.Pols, p)).ToArray();
            _swappedPol = plan.Pols.Select(p => Array.IndexOf(h.Pols, Polarizations.Swapped(p))).ToArray();
            _scan = h.ScanOfBlt().Select(s => s + part.ScanOffset).ToArray();
            _field = h.PhaseCentreIds.Select(id => part.FieldOfCentre[id]).ToArray();
            _time = h.TimeJd.Select(MjdSeconds).ToArray();
        }

        public void Fill(Block b, int blt0, int n, int nchan)
        {
            int npol = _h.Npols;
            for (int r = 0; r < n; r++)
            {
                int blt = blt0 + r;
                // UVH5 holds <E1* E2> with uvw = X2 − X1; CASA's MS <E1 E2*> with uvw = X1 − X2 for ANTENNA1 ≤ ANTENNA2.
                bool inOrder = _h.Ant1[blt] <= _h.Ant2[blt];
                (b.Ant1[r], b.Ant2[r]) = inOrder ? (_h.Ant1[blt], _h.Ant2[blt]) : (_h.Ant2[blt], _h.Ant1[blt]);
                for (int k = 0; k < 3; k++) b.Uvw[3 * r + k] = inOrder ? -_h.Uvw[3 * blt + k] : _h.Uvw[3 * blt + k];
                (b.Time[r], b.Interval[r], b.Field[r], b.Scan[r]) = (_time[blt], _h.IntegrationTime[blt], _field[blt], _scan[blt]);
                var pol = inOrder ? _pol : _swappedPol;
                float sign = inOrder ? -1 : 1;
                bool all = true;
                for (int c = 0; c < nchan; c++)
                    for (int k = 0; k < npol; k++)
                    {
                        int src = (r * nchan + c) * npol + pol[k], dst = (r * nchan + c) * npol + k;
                        b.Data[dst] = new ComplexF(b.Vis[2 * src], sign * b.Vis[2 * src + 1]);
                        b.Flag[dst] = b.Flags[src] != 0;
                        b.WeightSpectrum[dst] = b.NSamples[src];
                        all &= b.Flag[dst];
                    }
                b.FlagRow[r] = all;
                for (int k = 0; k < npol; k++)
                {
                    for (int c = 0; c < nchan; c++) b.Channel[c] = b.WeightSpectrum[(r * nchan + c) * npol + k];
                    float w = Median(b.Channel.AsSpan(0, nchan));
                    b.Weight[r * npol + k] = w;
                    b.Sigma[r * npol + k] = w > 0 ? 1 / MathF.Sqrt(w) : 0;
                }
            }
        }

        /// <summary>numpy's median (the mean of the middle two of an even count); sorts values in place.</summary>
        private static float Median(Span<float> values)
        {
            values.Sort();
            int m = values.Length / 2;
            return values.Length % 2 == 1 ? values[m] : (float)(((double)values[m - 1] + values[m]) / 2);
        }
    }
}
