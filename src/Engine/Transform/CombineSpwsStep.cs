using MmsMpi.Casacore;
using MmsMpi.Kernels;

namespace MmsMpi.Transform;

/// <summary>
/// Spw combination (fact sheet §5.5): the rows of one time, baseline and ids in every selected DDI (the plan's slots)
/// become one row of the combined spw, through the SpwCombine kernel; a slot that never arrives counts as flagged.
/// Output rows carry OutputDdi (the combined spw's DDI). Input rows of one timestamp arrive close together in an MS,
/// so complete rows leave at once and little is held.
/// </summary>
public sealed class CombineSpwsStep(CombinePlan plan, IReadOnlyDictionary<int, int> slotOfDdi, int outputDdi) : IVisStep
{
    private const int OutputChunkRows = 4096;
    private readonly Dictionary<RowKey, Pending> _pending = [];
    private readonly List<Pending> _done = [];

    public IEnumerable<VisChunk> Process(VisChunk c)
    {
        if (!slotOfDdi.TryGetValue(c.Ddi, out int slot)) return [c];
        for (int r = 0; r < c.NRow; r++)
        {
            var key = new RowKey(c.Time[r], c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r], c.Field[r], c.Scan[r], c.State[r], c.Observation[r], c.Array[r]);
            if (!_pending.TryGetValue(key, out var p)) _pending[key] = p = new Pending(plan, c, r);
            p.Fill(slot, c, r);
            if (p.Complete)
            {
                _pending.Remove(key);
                _done.Add(p);
            }
        }
        return _done.Count >= OutputChunkRows ? [Flush()] : [];
    }

    public IEnumerable<VisChunk> Finish()
    {
        _done.AddRange(_pending.Values);
        _pending.Clear();
        return _done.Count > 0 ? [Flush()] : [];
    }

    private VisChunk Flush()
    {
        var first = _done[0];
        int nout = plan.ChanFreq.Length, ncorr = first.NCorr, cell = nout * ncorr;
        var o = VisChunk.Allocate(outputDdi, _done.Count, nout, ncorr, first.Columns);
        for (int i = 0; i < _done.Count; i++)
        {
            var p = _done[i];
            p.CopyRowTo(o, i);
            var weight = o.WeightSpectrum.AsSpan(i * cell, cell);
            var flag = o.Flag.AsSpan(i * cell, cell);
            foreach (var col in first.Columns)
                SpwCombine.Run(plan, p.Vis[col], p.Flag, p.Weight, ncorr, o.Vis[col].AsSpan(i * cell, cell), flag, weight);
        }
        RowWeights.FromSpectrum(o.WeightSpectrum, o.Flag, o.NRow, nout, ncorr, o.Weight, o.Sigma);
        _done.Clear();
        return o;
    }

    private readonly record struct RowKey(double Time, int Ant1, int Ant2, int Feed1, int Feed2, int Field, int Scan, int State, int Obs, int Array);

    /// <summary>One output row being gathered: the slots' cells concatenated in slot order, unfilled slots flagged.</summary>
    private sealed class Pending
    {
        private readonly CombinePlan _plan;
        private readonly VisChunk _meta;
        private readonly int _row;
        private readonly bool[] _filled;
        public readonly int NCorr;
        public readonly string[] Columns;
        public readonly Dictionary<string, ComplexF[]> Vis = [];
        public readonly bool[] Flag;
        public readonly float[] Weight;

        public Pending(CombinePlan plan, VisChunk c, int r)
        {
            (_plan, _meta, _row, NCorr) = (plan, c, r, c.NCorr);
            Columns = c.Vis.Keys.ToArray();
            int n = plan.InputChannels * c.NCorr;
            foreach (var col in Columns) Vis[col] = new ComplexF[n];
            Flag = Enumerable.Repeat(true, n).ToArray();
            Weight = new float[n];
            _filled = new bool[plan.SlotChannels.Length];
        }

        public bool Complete => _filled.All(f => f);

        public void Fill(int slot, VisChunk c, int r)
        {
            if (c.NCorr != NCorr) throw new UserError("combinespws needs the same correlations in every selected spw");
            int cell = c.CellSize, at = _plan.SlotOffset(slot) * NCorr;
            foreach (var col in Columns) c.Vis[col].AsSpan(r * cell, cell).CopyTo(Vis[col].AsSpan(at));
            c.Flag.AsSpan(r * cell, cell).CopyTo(Flag.AsSpan(at));
            c.WeightSpectrum.AsSpan(r * cell, cell).CopyTo(Weight.AsSpan(at));
            _filled[slot] = true;
        }

        /// <summary>Row columns from the first slot that arrived (the same in every spw of one time and baseline).</summary>
        public void CopyRowTo(VisChunk o, int i)
        {
            var (c, r) = (_meta, _row);
            (o.Ant1[i], o.Ant2[i], o.Feed1[i], o.Feed2[i]) = (c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r]);
            (o.Field[i], o.Scan[i], o.State[i], o.Observation[i], o.Array[i], o.Processor[i]) = (c.Field[r], c.Scan[r], c.State[r], c.Observation[r], c.Array[r], c.Processor[r]);
            (o.Time[i], o.Interval[i], o.Exposure[i], o.TimeCentroid[i], o.FlagRow[i]) = (c.Time[r], c.Interval[r], c.Exposure[r], c.TimeCentroid[r], c.FlagRow[r]);
            c.Uvw.AsSpan(3 * r, 3).CopyTo(o.Uvw.AsSpan(3 * i, 3));
        }
    }
}
