using MmsMpi.Casacore;
using MmsMpi.Kernels;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Spw combination (fact sheet §5.5): the rows of one time, baseline and ids in every selected DDI (the plan's slots)
/// become one row of the combined spw, through the SpwCombine kernel; a slot that never arrives counts as flagged.
/// Output rows carry OutputDdi (the combined spw's DDI). Input rows of one timestamp arrive close together in an MS,
/// so complete rows leave at once and little is held. Output rows are combined in row blocks on the job's compute
/// threads.
/// </summary>
public sealed class CombineSpwsStep(CombinePlan plan, IReadOnlyDictionary<int, int> slotOfDdi, int outputDdi) : IVisStep
{
    private readonly Dictionary<RowKey, Pending> _pending = [];
    private readonly List<Pending> _done = [];

    /// <summary>The selected DDIs become the combined one (on the first's spw row), its widths as resolution.</summary>
    public SpectralInfo UpdateInfo(SpectralInfo input) => input.With(
        [KeyValuePair.Create(outputDdi, SpwGrid.Made(input[outputDdi].Row, plan.ChanFreq, plan.ChanWidth, plan.ChanWidth))], slotOfDdi.Keys);

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
        // chunks of exactly the reader's chunk size, so the pool serves every output chunk from the same few arrays
        int size = VisReader.RowsPerChunk(plan.ChanFreq.Length, c.NCorr);
        var full = new List<VisChunk>();
        while (_done.Count >= size) full.Add(Flush(size));
        return full;
    }

    public IEnumerable<VisChunk> Finish()
    {
        _done.AddRange(_pending.Values);
        _pending.Clear();
        return _done.Count > 0 ? [Flush(_done.Count)] : [];
    }

    /// <summary>The first n gathered rows as one chunk.</summary>
    private VisChunk Flush(int n)
    {
        var first = _done[0];
        int nout = plan.ChanFreq.Length, ncorr = first.NCorr, cell = nout * ncorr;
        var o = VisChunk.Allocate(outputDdi, n, nout, ncorr, first.Columns);
        ComputeThreads.ForBlocks(n, cell, (i0, count) =>
        {
            for (int i = i0; i < i0 + count; i++)
            {
                var p = _done[i];
                p.Row.WriteTo(o, i);
                var weight = o.WeightSpectrum.AsSpan(i * cell, cell);
                var flag = o.Flag.AsSpan(i * cell, cell);
                foreach (var col in first.Columns)
                    SpwCombine.Run(plan, p.Vis[col], p.Flag, p.Weight, ncorr, o.Vis[col].AsSpan(i * cell, cell), flag, weight);
                p.Release();
            }
        });
        o.DeriveRowWeights();
        _done.RemoveRange(0, n);
        return o;
    }

    private readonly record struct RowKey(double Time, int Ant1, int Ant2, int Feed1, int Feed2, int Field, int Scan, int State, int Obs, int Array);

    /// <summary>
    /// One output row being gathered: the slots' cells concatenated in slot order, unfilled slots flagged (zero data
    /// and weight); the row columns from the first slot that arrived (the same in every spw of one time and baseline).
    /// </summary>
    private sealed class Pending
    {
        private readonly CombinePlan _plan;
        private readonly bool[] _filled;
        public readonly VisRow Row;
        public readonly int NCorr;
        public readonly string[] Columns;
        public readonly Dictionary<string, ComplexF[]> Vis = [];
        public readonly bool[] Flag;
        public readonly float[] Weight;

        public Pending(CombinePlan plan, VisChunk c, int r)
        {
            (_plan, Row, NCorr) = (plan, VisRow.Of(c, r), c.NCorr);
            Columns = c.Vis.Keys.ToArray();
            int n = plan.InputChannels * c.NCorr;
            foreach (var col in Columns) Vis[col] = ChunkPool.RentCleared<ComplexF>(n);
            Flag = ChunkPool.Rent<bool>(n);
            Array.Fill(Flag, true);
            Weight = ChunkPool.RentCleared<float>(n);
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

        public void Release()
        {
            foreach (var v in Vis.Values) ChunkPool.Return(v);
            ChunkPool.Return(Flag);
            ChunkPool.Return(Weight);
        }
    }
}
