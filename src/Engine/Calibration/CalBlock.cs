using MmsMpi.Casacore;
using MmsMpi.Ms;

namespace MmsMpi.Calibration;

/// <summary>
/// Rows of one DDI read together for calibration: the per-row columns the Jones depend on, DATA, the CORRECTED_DATA
/// cells to write, FLAG and FLAG_ROW, and the weights with the sigmas they are reset from. Cells are [row][chan][corr]
/// (correlation fastest, as in casacore); Selected marks the rows a job calibrates (other rows of the block were read
/// along and are written back as they were, or as DATA in a new CORRECTED_DATA column).
/// </summary>
public sealed class CalBlock
{
    public required int Spw { get; init; }
    public required int Pol { get; init; }
    public required int NChan { get; init; }
    public required int NCorr { get; init; }
    public IReadOnlyList<RowRun> Runs { get; init; } = [];
    /// <summary>The frequency (Hz) of each channel of the cells, and the receptor pair (CORR_PRODUCT) of each correlation.</summary>
    public required double[] Freqs { get; init; }
    public required int[] CorrProducts { get; init; }
    public required bool[] Selected { get; init; }
    public required double[] Time { get; init; }
    public required int[] Field { get; init; }
    public required int[] Antenna1 { get; init; }
    public required int[] Antenna2 { get; init; }
    public required int[] Observation { get; init; }
    public ComplexF[] Data { get; init; } = [];
    public ComplexF[] Corrected { get; init; } = [];
    public bool[] Flag { get; init; } = [];
    public bool[] FlagRow { get; init; } = [];
    /// <summary>Rows whose FLAG changed.</summary>
    public bool[] FlagChanged { get; init; } = [];
    public float[] Weight { get; init; } = [];
    public float[] Sigma { get; init; } = [];
    /// <summary>WEIGHT_SPECTRUM when it exists with values (empty otherwise), and SIGMA_SPECTRUM when it too exists.</summary>
    public float[] WeightSpectrum { get; init; } = [];
    public float[] SigmaSpectrum { get; init; } = [];

    public int NRow => Time.Length;
    public int CellSize => NChan * NCorr;
}
