using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

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
    private readonly Dictionary<BinKey, Bin> _open = [];
    private readonly Dictionary<int, List<Bin>> _done = [];
    /// <summary>Emitted bins by cell size, reused for new bins: a job opens one bin per baseline and integration pair, so accumulators are recycled, never allocated per bin.</summary>
    private readonly Dictionary<int, Stack<Bin>> _free = [];
    /// <summary>The bins the current chunk's rows go to (each once).</summary>
    private readonly List<Bin> _filling = [];

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        c.SettleRowWeights();   // the bins' row weights come from WEIGHT
        double tMin = double.MaxValue;
        // Which bin each row goes to, in row order (a bin closes on its first row's time and uvw only, which Start
        // sets, so this needs no sums); then the sums, bin by bin on the job's compute threads.
        for (int r = 0; r < c.NRow; r++)
        {
            var key = new BinKey(c.Observation[r], c.Array[r], span.Scan ? -1 : c.Scan[r], span.State ? -1 : c.State[r],
                span.Field ? -1 : c.Field[r], c.Ddi, c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r]);
            if (_open.TryGetValue(key, out var bin) && bin.Closes(c, r, timebin, maxUvwDistance))
            {
                Close(key, bin);
                bin = null;
            }
            if (bin is null) _open[key] = bin = NewBin(c, r);
            if (bin.Takes(r)) _filling.Add(bin);
            tMin = Math.Min(tMin, c.Time[r]);
        }
        ComputeThreads.ForBlocks(_filling.Count, c.NRow > 0 ? c.CellSize * c.NRow / _filling.Count : 0, (b0, n) =>
        {
            for (int b = b0; b < b0 + n; b++) _filling[b].AddTaken(c);
        });
        _filling.Clear();
        // Bins that started more than a timebin before this chunk's first row cannot grow any more.
        double horizon = tMin - timebin;
        foreach (var (key, bin) in _open.Where(kv => kv.Value.T0 < horizon).ToList()) Close(key, bin);
        return TakeDone(full: true);
    }

    public IEnumerable<VisChunk> Finish()
    {
        foreach (var (key, bin) in _open.ToList()) Close(key, bin);
        return TakeDone(full: false);
    }

    private Bin NewBin(VisChunk c, int r)
    {
        var bin = _free.TryGetValue(c.CellSize, out var free) && free.Count > 0 ? free.Pop() : new Bin(c.CellSize, c.Vis.Keys);
        bin.Start(c, r);
        return bin;
    }

    private void Close(BinKey key, Bin bin)
    {
        _open.Remove(key);
        if (!_done.TryGetValue(key.Ddi, out var list)) _done[key.Ddi] = list = [];
        list.Add(bin);
    }

    /// <summary>
    /// The closed bins of each DDI as output chunks of exactly the reader's chunk size (so the pool serves every
    /// output chunk from the same few arrays), or with <paramref name="full"/> false all that are left.
    /// </summary>
    private IEnumerable<VisChunk> TakeDone(bool full)
    {
        foreach (var (ddi, bins) in _done.Where(kv => kv.Value.Count > 0).ToList())
        {
            int size = full ? VisReader.RowsPerChunk(bins[0].NChan, bins[0].NCorr) : bins.Count;
            while (bins.Count >= size && bins.Count > 0)
            {
                var taken = bins.GetRange(0, size);
                bins.RemoveRange(0, size);
                var chunk = Bin.ToChunk(ddi, taken);
                if (!_free.TryGetValue(taken[0].CellSize, out var free)) _free[taken[0].CellSize] = free = new Stack<Bin>();
                foreach (var b in taken) free.Push(b);
                yield return chunk;
            }
        }
    }

    private readonly record struct BinKey(int Obs, int Array, int Scan, int State, int Field, int Ddi, int Ant1, int Ant2, int Feed1, int Feed2);

    /// <summary>One bin of one baseline: the cell accumulator and the row sums; reused by <see cref="Start"/>.</summary>
    private sealed class Bin
    {
        private VisRow _first;  // the ids of the bin's output row
        private readonly string[] _columns;
        private readonly Dictionary<string, ComplexF[]> _sumVis = [];
        private readonly float[] _sumWeight, _scratchWeight;
        private readonly bool[] _accFlag, _scratchFlag;
        private readonly double[] _uvw0 = new double[3];
        private double _tFirst, _tLast, _intervalFirst, _intervalLast, _exposure, _rowWeight, _centroid;
        private readonly double[] _uvwSum = new double[3];
        private readonly List<int> _taken = [];
        private bool _flagRow, _rowsAllFlagged;
        private int _count;

        public int NChan { get; private set; }
        public int NCorr { get; private set; }
        public int CellSize => _sumWeight.Length;
        public double T0 => _tFirst;

        public Bin(int cellSize, IEnumerable<string> columns)
        {
            _columns = columns.ToArray();
            // The first Add initialises every element (first = true), so the accumulators need no clearing.
            foreach (var col in _columns) _sumVis[col] = new ComplexF[cellSize];
            _sumWeight = new float[cellSize];
            _accFlag = new bool[cellSize];
            _scratchWeight = _columns.Length > 1 ? new float[cellSize] : [];
            _scratchFlag = _columns.Length > 1 ? new bool[cellSize] : [];
        }

        public void Start(VisChunk c, int r)
        {
            _first = VisRow.Of(c, r);
            (NChan, NCorr) = (c.NChan, c.NCorr);
            _tFirst = c.Time[r];
            c.Uvw.AsSpan(3 * r, 3).CopyTo(_uvw0);
            (_tLast, _intervalFirst, _intervalLast, _exposure, _rowWeight, _centroid) = (0, 0, 0, 0, 0, 0);
            Array.Clear(_uvwSum);
            (_flagRow, _rowsAllFlagged, _count) = (true, true, 0);
        }

        public bool Closes(VisChunk c, int r, double timebin, double maxUvw)
        {
            if (c.Time[r] - _tFirst > 0.999 * timebin) return true;
            if (maxUvw <= 0) return false;
            double d2 = 0;
            for (int k = 0; k < 3; k++) d2 += Math.Pow(c.Uvw[3 * r + k] - _uvw0[k], 2);
            return d2 > maxUvw * maxUvw;
        }

        /// <summary>Row r of the current chunk goes to this bin (<see cref="AddTaken"/> sums it); true for the bin's first row of the chunk.</summary>
        public bool Takes(int r)
        {
            _taken.Add(r);
            return _taken.Count == 1;
        }

        /// <summary>Sums the rows <see cref="Takes"/> gave it from chunk c, in row order (so in time order).</summary>
        public void AddTaken(VisChunk c)
        {
            foreach (int r in _taken) Add(c, r);
            _taken.Clear();
        }

        private void Add(VisChunk c, int r)
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
            var o = VisChunk.Allocate(ddi, bins.Count, b0.NChan, b0.NCorr, b0._columns);
            ComputeThreads.ForBlocks(bins.Count, o.CellSize, (i0, n) =>
            {
                for (int i = i0; i < i0 + n; i++) bins[i].WriteRow(o, i);
            });
            o.DeriveRowWeights();
            return o;
        }

        private void WriteRow(VisChunk o, int i)
        {
            _first.WriteTo(o, i);
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
