using MmsMpi.Casacore;
using MmsMpi.Runtime;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Rows of one DDI with one cell shape (nchan × ncorr, correlation fastest as in casacore): the unit every step
/// transforms. Holds the standard main-table columns; visibility columns by output name (DATA, CORRECTED_DATA, ...).
/// WeightSpectrum is always present: the WEIGHT_SPECTRUM column, or WEIGHT repeated over channels.
/// </summary>
public sealed class VisChunk
{
    public required int Ddi { get; init; }
    public required int NChan { get; init; }
    public required int NCorr { get; init; }
    public int NRow => Time.Length;
    public int CellSize => NChan * NCorr;

    public required double[] Time, Interval, Exposure, TimeCentroid, Uvw;
    public required int[] Ant1, Ant2, Feed1, Feed2, Field, Scan, State, Observation, Array, Processor;
    public required bool[] FlagRow;
    public required float[] Weight, Sigma;
    public required Dictionary<string, ComplexF[]> Vis;
    public required bool[] Flag;
    public required float[] WeightSpectrum;

    /// <summary>SIGMA_SPECTRUM as the writer stores it, once <see cref="VisWriter.Prepare"/> has computed it.</summary>
    public float[]? SigmaSpectrum;

    /// <summary>Scalar int columns by MS name, in one place for reading and writing.</summary>
    public IEnumerable<(string Column, int[] Values)> IntColumns =>
    [
        ("ANTENNA1", Ant1), ("ANTENNA2", Ant2), ("FEED1", Feed1), ("FEED2", Feed2), ("FIELD_ID", Field),
        ("SCAN_NUMBER", Scan), ("STATE_ID", State), ("OBSERVATION_ID", Observation), ("ARRAY_ID", Array),
        ("PROCESSOR_ID", Processor),
    ];

    public IEnumerable<(string Column, double[] Values)> DoubleColumns =>
        [("TIME", Time), ("INTERVAL", Interval), ("EXPOSURE", Exposure), ("TIME_CENTROID", TimeCentroid)];

    /// <summary>
    /// A chunk with the same rows and new, unfilled cells of nchan channels (a frequency step's output: the step fills
    /// Vis, Flag and WeightSpectrum, then <see cref="DeriveRowWeights"/>). The row arrays move to the new chunk:
    /// this one keeps only its cells, which <see cref="Release"/> then hands back.
    /// </summary>
    public VisChunk WithCells(int nchan)
    {
        int cells = NRow * nchan * NCorr;
        var moved = new VisChunk
        {
            Ddi = Ddi, NChan = nchan, NCorr = NCorr,
            Time = Time, Interval = Interval, Exposure = Exposure, TimeCentroid = TimeCentroid, Uvw = Uvw,
            Ant1 = Ant1, Ant2 = Ant2, Feed1 = Feed1, Feed2 = Feed2, Field = Field, Scan = Scan, State = State,
            Observation = Observation, Array = Array, Processor = Processor, FlagRow = FlagRow,
            Weight = ChunkPool.Rent<float>(NRow * NCorr), Sigma = ChunkPool.Rent<float>(NRow * NCorr),
            Vis = Vis.Keys.ToDictionary(c => c, _ => ChunkPool.Rent<ComplexF>(cells)),
            Flag = ChunkPool.Rent<bool>(cells), WeightSpectrum = ChunkPool.Rent<float>(cells),
        };
        _rowsMoved = true;
        return moved;
    }

    /// <summary>
    /// Row WEIGHT and SIGMA now follow from the weight spectrum and flags (<see cref="RowWeights.FromSpectrum"/>): a step
    /// that changed the cells says so, and <see cref="SettleRowWeights"/> computes them once where they are read (the
    /// writer, a step that reads WEIGHT), not after every step of a chain.
    /// </summary>
    public void DeriveRowWeights() => _rowWeightsPending = true;

    public void SettleRowWeights()
    {
        if (!_rowWeightsPending) return;
        ComputeThreads.ForBlocks(NRow, CellSize, (r0, n) => RowWeights.FromSpectrum(WeightSpectrum.AsSpan(r0 * CellSize, n * CellSize),
            Flag.AsSpan(r0 * CellSize, n * CellSize), n, NChan, NCorr, Weight.AsSpan(r0 * NCorr, n * NCorr), Sigma.AsSpan(r0 * NCorr, n * NCorr)));
        _rowWeightsPending = false;
    }

    private bool _rowWeightsPending;

    private bool _rowsMoved, _released;

    /// <summary>
    /// Hands this chunk's arrays back to <see cref="ChunkPool"/> (the row arrays only if <see cref="WithCells"/> did
    /// not move them on). Whoever consumes a chunk releases it: the pipeline for an input a step replaced, the writer
    /// after writing. Nothing may use the chunk afterwards.
    /// </summary>
    public void Release()
    {
        if (_released) return;
        _released = true;
        foreach (var v in Vis.Values) ChunkPool.Return(v);
        ChunkPool.Return(Flag);
        ChunkPool.Return(WeightSpectrum);
        if (SigmaSpectrum is not null) ChunkPool.Return(SigmaSpectrum);
        ChunkPool.Return(Weight);
        ChunkPool.Return(Sigma);
        if (_rowsMoved) return;
        foreach (var (_, values) in IntColumns) ChunkPool.Return(values);
        foreach (var (_, values) in DoubleColumns) ChunkPool.Return(values);
        ChunkPool.Return(Uvw);
        ChunkPool.Return(FlagRow);
    }

    /// <summary>A chunk of n rows for this DDI and shape, its arrays from <see cref="ChunkPool"/> and uncleared: the caller fills every element.</summary>
    public static VisChunk Allocate(int ddi, int nrow, int nchan, int ncorr, IEnumerable<string> visColumns)
    {
        int cells = nrow * nchan * ncorr;
        return new VisChunk
        {
            Ddi = ddi, NChan = nchan, NCorr = ncorr,
            Time = ChunkPool.Rent<double>(nrow), Interval = ChunkPool.Rent<double>(nrow), Exposure = ChunkPool.Rent<double>(nrow),
            TimeCentroid = ChunkPool.Rent<double>(nrow), Uvw = ChunkPool.Rent<double>(3 * nrow),
            Ant1 = ChunkPool.Rent<int>(nrow), Ant2 = ChunkPool.Rent<int>(nrow), Feed1 = ChunkPool.Rent<int>(nrow), Feed2 = ChunkPool.Rent<int>(nrow),
            Field = ChunkPool.Rent<int>(nrow), Scan = ChunkPool.Rent<int>(nrow), State = ChunkPool.Rent<int>(nrow),
            Observation = ChunkPool.Rent<int>(nrow), Array = ChunkPool.Rent<int>(nrow), Processor = ChunkPool.Rent<int>(nrow),
            FlagRow = ChunkPool.Rent<bool>(nrow), Weight = ChunkPool.Rent<float>(nrow * ncorr), Sigma = ChunkPool.Rent<float>(nrow * ncorr),
            Vis = visColumns.ToDictionary(c => c, _ => ChunkPool.Rent<ComplexF>(cells)),
            Flag = ChunkPool.Rent<bool>(cells), WeightSpectrum = ChunkPool.Rent<float>(cells),
        };
    }
}

/// <summary>
/// The row columns of one row, kept by a step that emits the row after its chunk has gone back to the pool (time
/// average, spw combination).
/// </summary>
public readonly record struct VisRow(int Ant1, int Ant2, int Feed1, int Feed2, int Field, int Scan, int State, int Observation,
    int Array, int Processor, double Time, double Interval, double Exposure, double TimeCentroid, double U, double V, double W, bool FlagRow)
{
    public static VisRow Of(VisChunk c, int r) => new(c.Ant1[r], c.Ant2[r], c.Feed1[r], c.Feed2[r], c.Field[r], c.Scan[r], c.State[r],
        c.Observation[r], c.Array[r], c.Processor[r], c.Time[r], c.Interval[r], c.Exposure[r], c.TimeCentroid[r],
        c.Uvw[3 * r], c.Uvw[3 * r + 1], c.Uvw[3 * r + 2], c.FlagRow[r]);

    /// <summary>Writes every row column of row i of o.</summary>
    public void WriteTo(VisChunk o, int i)
    {
        (o.Ant1[i], o.Ant2[i], o.Feed1[i], o.Feed2[i]) = (Ant1, Ant2, Feed1, Feed2);
        (o.Field[i], o.Scan[i], o.State[i], o.Observation[i], o.Array[i], o.Processor[i]) = (Field, Scan, State, Observation, Array, Processor);
        (o.Time[i], o.Interval[i], o.Exposure[i], o.TimeCentroid[i], o.FlagRow[i]) = (Time, Interval, Exposure, TimeCentroid, FlagRow);
        (o.Uvw[3 * i], o.Uvw[3 * i + 1], o.Uvw[3 * i + 2]) = (U, V, W);
    }
}
