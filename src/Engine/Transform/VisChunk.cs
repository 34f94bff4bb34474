using MmsMpi.Casacore;

namespace MmsMpi.Transform;

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

    /// <summary>Scalar int columns by MS name, in one place for reading and writing.</summary>
    public IEnumerable<(string Column, int[] Values)> IntColumns =>
    [
        ("ANTENNA1", Ant1), ("ANTENNA2", Ant2), ("FEED1", Feed1), ("FEED2", Feed2), ("FIELD_ID", Field),
        ("SCAN_NUMBER", Scan), ("STATE_ID", State), ("OBSERVATION_ID", Observation), ("ARRAY_ID", Array),
        ("PROCESSOR_ID", Processor),
    ];

    public IEnumerable<(string Column, double[] Values)> DoubleColumns =>
        [("TIME", Time), ("INTERVAL", Interval), ("EXPOSURE", Exposure), ("TIME_CENTROID", TimeCentroid)];

    /// <summary>A chunk with the same rows and new cells (a frequency step's output).</summary>
    public VisChunk WithCells(int nchan, Dictionary<string, ComplexF[]> vis, bool[] flag, float[] weightSpectrum, float[] weight, float[] sigma) => new()
    {
        Ddi = Ddi, NChan = nchan, NCorr = NCorr,
        Time = Time, Interval = Interval, Exposure = Exposure, TimeCentroid = TimeCentroid, Uvw = Uvw,
        Ant1 = Ant1, Ant2 = Ant2, Feed1 = Feed1, Feed2 = Feed2, Field = Field, Scan = Scan, State = State,
        Observation = Observation, Array = Array, Processor = Processor, FlagRow = FlagRow,
        Weight = weight, Sigma = sigma, Vis = vis, Flag = flag, WeightSpectrum = weightSpectrum,
    };

    /// <summary>An empty chunk of n rows for this DDI and shape, to be filled by a step.</summary>
    public static VisChunk Allocate(int ddi, int nrow, int nchan, int ncorr, IEnumerable<string> visColumns) => new()
    {
        Ddi = ddi, NChan = nchan, NCorr = ncorr,
        Time = new double[nrow], Interval = new double[nrow], Exposure = new double[nrow], TimeCentroid = new double[nrow],
        Uvw = new double[3 * nrow],
        Ant1 = new int[nrow], Ant2 = new int[nrow], Feed1 = new int[nrow], Feed2 = new int[nrow], Field = new int[nrow],
        Scan = new int[nrow], State = new int[nrow], Observation = new int[nrow], Array = new int[nrow], Processor = new int[nrow],
        FlagRow = new bool[nrow], Weight = new float[nrow * ncorr], Sigma = new float[nrow * ncorr],
        Vis = visColumns.ToDictionary(c => c, _ => new ComplexF[nrow * nchan * ncorr]),
        Flag = new bool[nrow * nchan * ncorr], WeightSpectrum = new float[nrow * nchan * ncorr],
    };
}
