using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Transform;

/// <summary>What time averaging may average across: CASA's timespan ('scan', 'state', 'field', or a list).</summary>
public sealed record AveragingSpan(bool Scan, bool State, bool Field)
{
    public static AveragingSpan Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToList();
        var bad = parts.Except(["scan", "state", "field"]).ToList();
        if (bad.Count > 0) throw new UserError($"timespan must be scan, state, field or a comma list of them, not '{string.Join(",", bad)}'");
        return new AveragingSpan(parts.Contains("scan"), parts.Contains("state"), parts.Contains("field"));
    }
}

/// <summary>
/// Per-baseline time averaging (fact sheet §5.2): each baseline's bin starts at its first sample and closes before a
/// row with t − t0 &gt; 0.999·timebin (or, with maxuvwdistance, when the uvw moved further than that); bins never cross
/// OBSERVATION, ARRAY, DDI, nor SCAN/STATE/FIELD unless timespan says so. Cells through the TimeAverage kernel;
/// TIME, INTERVAL, EXPOSURE, TIME_CENTROID and UVW by CASA's rules. Input rows must be time-ordered per baseline,
/// as MS writers store them.
/// </summary>
public sealed class TimeAverageStep(double timebin, AveragingSpan span, double maxUvwDistance) : IVisStep
{
    private const int OutputChunkRows = 4096;
    private readonly Dictionary<BinKey, Bin> _open = [];
    private readonly Dictionary<int, List<Bin>> _done = [];

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        for (int r = 0; r < c.NRow; r++)
        {
            var key = new BinKey(c.Observation[r], c.Array[r], span.Scan ? -1 : c.Scan[r], span.State ? -1 : c.State[r],
                span.Field ? -1 : c.Field[r], c.Ddi, c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r]);
            if (_open.TryGetValue(key, out var bin) && bin.Closes(c, r, timebin, maxUvwDistance))
            {
                Close(key, bin);
                bin = null;
            }
            if (bin is null) _open[key] = bin = new Bin(c, r);
            bin.Add(c, r);
        }
        // Bins that started more than a timebin before this chunk's first row cannot grow any more.
        double horizon = c.Time.Min() - timebin;
        foreach (var (key, bin) in _open.Where(kv => kv.Value.T0 < horizon).ToList()) Close(key, bin);
        return TakeDone(OutputChunkRows);
    }

    public IEnumerable<VisChunk> Finish()
    {
        foreach (var (key, bin) in _open.ToList()) Close(key, bin);
        return TakeDone(1);
    }

    private void Close(BinKey key, Bin bin)
    {
        _open.Remove(key);
        if (!_done.TryGetValue(key.Ddi, out var list)) _done[key.Ddi] = list = [];
        list.Add(bin);
    }

    private IEnumerable<VisChunk> TakeDone(int minRows)
    {
        foreach (var (ddi, bins) in _done.Where(kv => kv.Value.Count >= minRows).ToList())
        {
            _done.Remove(ddi);
            yield return Bin.ToChunk(ddi, bins);
        }
    }

    private readonly record struct BinKey(int Obs, int Array, int Scan, int State, int Field, int Ddi, int Ant1, int Ant2, int Feed1, int Feed2);

    /// <summary>One open bin of one baseline: the cell accumulator and the row sums.</summary>
    private sealed class Bin
    {
        private readonly int _first;
        private readonly VisChunk _ids;  // ids of the first row (a chunk row referenced, not copied)
        private readonly int _nchan, _ncorr;
        private readonly string[] _columns;
        private readonly Dictionary<string, ComplexF[]> _sumVis = [];
        private readonly float[] _sumWeight, _scratchWeight;
        private readonly bool[] _accFlag, _scratchFlag;
        private readonly double[] _uvw0 = new double[3];
        private double _tFirst, _tLast, _intervalFirst, _intervalLast, _exposure, _rowWeight, _centroid;
        private readonly double[] _uvwSum = new double[3];
        private bool _flagRow = true, _rowsAllFlagged = true;
        private int _count;

        public double T0 => _tFirst;

        public Bin(VisChunk c, int r)
        {
            _ids = c;
            _first = r;
            _nchan = c.NChan;
            _ncorr = c.NCorr;
            _columns = c.Vis.Keys.ToArray();
            foreach (var col in _columns) _sumVis[col] = new ComplexF[c.CellSize];
            _sumWeight = new float[c.CellSize];
            _accFlag = new bool[c.CellSize];
            _scratchWeight = _columns.Length > 1 ? new float[c.CellSize] : [];
            _scratchFlag = _columns.Length > 1 ? new bool[c.CellSize] : [];
            _tFirst = c.Time[r];
            c.Uvw.AsSpan(3 * r, 3).CopyTo(_uvw0);
        }

        public bool Closes(VisChunk c, int r, double timebin, double maxUvw)
        {
            if (c.Time[r] - _tFirst > 0.999 * timebin) return true;
            if (maxUvw <= 0) return false;
            double d2 = 0;
            for (int k = 0; k < 3; k++) d2 += Math.Pow(c.Uvw[3 * r + k] - _uvw0[k], 2);
            return d2 > maxUvw * maxUvw;
        }

        public void Add(VisChunk c, int r)
        {
            int cell = c.CellSize;
            var flag = c.Flag.AsSpan(r * cell, cell);
            var weight = c.WeightSpectrum.AsSpan(r * cell, cell);
            for (int i = 0; i < _columns.Length; i++)
            {
                // Every column shares the flags and weights: the shared accumulator state is advanced by the last column;
                // the others work on scratch copies of it.
                bool last = i == _columns.Length - 1;
                if (!last)
                {
                    _sumWeight.CopyTo(_scratchWeight, 0);
                    _accFlag.CopyTo(_scratchFlag, 0);
                }
                TimeAverage.Accumulate(c.Vis[_columns[i]].AsSpan(r * cell, cell), flag, weight, _sumVis[_columns[i]],
                    last ? _sumWeight : _scratchWeight, last ? _accFlag : _scratchFlag, _count == 0);
            }
            AddRow(c, r, flag);
            _count++;
        }

        // Row sums: rows of an unflagged bin skip flagged rows; the first unflagged row resets what flagged rows gave.
        private void AddRow(VisChunk c, int r, ReadOnlySpan<bool> flag)
        {
            bool rowFlagged = c.FlagRow[r] || !flag.Contains(false);
            _flagRow &= c.FlagRow[r];
            if (_count == 0) _intervalFirst = c.Interval[r];
            _tLast = c.Time[r];
            _intervalLast = c.Interval[r];
            if (rowFlagged && !_rowsAllFlagged) return;
            if (!rowFlagged && _rowsAllFlagged)
            {
                _rowsAllFlagged = false;
                (_exposure, _rowWeight, _centroid) = (0, 0, 0);
                Array.Clear(_uvwSum);
            }
            double w = rowFlagged ? 1 : RowWeight(c, r);
            _exposure += c.Exposure[r];
            _rowWeight += w;
            _centroid += w * (c.TimeCentroid[r] - _tFirst);
            for (int k = 0; k < 3; k++) _uvwSum[k] += w * c.Uvw[3 * r + k];
        }

        private double RowWeight(VisChunk c, int r)
        {
            double sum = 0;
            for (int k = 0; k < c.NCorr; k++) sum += c.Weight[r * c.NCorr + k];
            return sum;
        }

        public static VisChunk ToChunk(int ddi, List<Bin> bins)
        {
            var b0 = bins[0];
            var o = VisChunk.Allocate(ddi, bins.Count, b0._nchan, b0._ncorr, b0._columns);
            for (int i = 0; i < bins.Count; i++) bins[i].WriteRow(o, i);
            RowWeights.FromSpectrum(o.WeightSpectrum, o.Flag, o.NRow, o.NChan, o.NCorr, o.Weight, o.Sigma);
            return o;
        }

        private void WriteRow(VisChunk o, int i)
        {
            var (c, r) = (_ids, _first);
            (o.Ant1[i], o.Ant2[i], o.Feed1[i], o.Feed2[i]) = (c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r]);
            (o.Field[i], o.Scan[i], o.State[i]) = (c.Field[r], c.Scan[r], c.State[r]);
            (o.Observation[i], o.Array[i], o.Processor[i]) = (c.Observation[r], c.Array[r], c.Processor[r]);
            o.Time[i] = _tFirst + (_tLast - _tFirst) / 2;
            o.Interval[i] = _count == 1 ? _intervalFirst : _tLast - _tFirst + _intervalFirst / 2 + _intervalLast / 2;
            o.Exposure[i] = _exposure;
            double norm = _rowWeight > 0 ? _rowWeight : _count;
            o.TimeCentroid[i] = _tFirst + _centroid / norm;
            for (int k = 0; k < 3; k++) o.Uvw[3 * i + k] = _uvwSum[k] / norm;
            o.FlagRow[i] = _flagRow;
            int cell = o.CellSize;
            foreach (var col in _columns)
                TimeAverage.Finish(_sumVis[col], _sumWeight, _accFlag, o.Vis[col].AsSpan(i * cell, cell), o.Flag.AsSpan(i * cell, cell), o.WeightSpectrum.AsSpan(i * cell, cell));
        }
    }
}
