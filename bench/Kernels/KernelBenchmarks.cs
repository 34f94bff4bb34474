using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MmsMpi.Casacore;

namespace MmsMpi.Kernels.Bench;

/// <summary>
/// Scalar vs Simd of each kernel on one block of <see cref="Rows"/> rows × 256 channels × 4 correlations (10% flagged,
/// random weights): 16 rows (128 KiB of visibilities) stay in the L2 cache, 256 rows (2 MiB, plus weights, flags and
/// outputs) do not. The Ratio column is the time relative to the kernel's Scalar path; the "GB/s (vis)" column is
/// the input visibility bytes processed per second.
/// </summary>
[Config(typeof(ThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory), CategoriesColumn]
public class KernelBenchmarks
{
    public const int Chans = 256, Corrs = 4, ChanBin = 4;

    [Params(16, 256)]
    public int Rows { get; set; }

    /// <summary>Bytes of input visibilities in a block of <paramref name="rows"/> rows.</summary>
    public static long VisBytes(int rows) => (long)rows * Chans * Corrs * 8;

    private const int Cells = Chans * Corrs;
    private ComplexF[] _vis = [], _outVis = [];
    private bool[] _flag = [], _outFlag = [];
    private float[] _weight = [], _outWeight = [];
    private (ComplexF[] Vis, float[] Weight, bool[] Flag)[] _bins = [];
    private float[] _rowWeight = [], _rowSigma = [];
    private LinearStencil _stencil = new([], []), _stencilDualPol = new([], []);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        int n = Rows * Chans * Corrs;
        _vis = Enumerable.Range(0, n).Select(_ => new ComplexF(rng.NextSingle(), rng.NextSingle())).ToArray();
        _flag = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.1).ToArray();
        _weight = Enumerable.Range(0, n).Select(_ => 0.5f + rng.NextSingle()).ToArray();
        (_outVis, _outFlag, _outWeight) = (new ComplexF[n], new bool[n], new float[n]);
        (_rowWeight, _rowSigma) = (new float[Rows * Corrs], new float[Rows * Corrs]);
        _bins = Enumerable.Range(0, Rows).Select(_ => (new ComplexF[Cells], Enumerable.Repeat(1f, Cells).ToArray(), new bool[Cells])).ToArray();
        // 1 MHz channels from 1 GHz; the output grid is shifted by 0.3 channel (Doppler-tracking-like)
        // (the regrid step builds the stencil once per timestamp and uses it for all rows of that time)
        var inFreq = Enumerable.Range(0, Chans).Select(c => 1e9 + 1e6 * c).ToArray();
        _stencil = new LinearStencil(inFreq, inFreq.Select(f => f + 0.3e6).ToArray());
        // the same block as rows of 2·Chans channels of 2 correlations (dual polarisation)
        var dualFreq = Enumerable.Range(0, 2 * Chans).Select(c => 1e9 + 1e6 * c).ToArray();
        _stencilDualPol = new LinearStencil(dualFreq, dualFreq.Select(f => f + 0.3e6).ToArray());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("ChannelAverage")]
    public void ChannelAverageScalar() =>
        ChannelAverage.Scalar(_vis, _flag, _weight, Rows, Chans, Corrs, ChanBin, _outVis, _outFlag, _outWeight);

    [Benchmark, BenchmarkCategory("ChannelAverage")]
    public void ChannelAverageSimd() =>
        ChannelAverage.Simd(_vis, _flag, _weight, Rows, Chans, Corrs, ChanBin, _outVis, _outFlag, _outWeight);

    [Benchmark(Baseline = true), BenchmarkCategory("Hanning")]
    public void HanningScalar() => Hanning.Scalar(_vis, _flag, _weight, Rows, Chans, Corrs, _outVis, _outFlag, _outWeight);

    [Benchmark, BenchmarkCategory("Hanning")]
    public void HanningSimd() => Hanning.Simd(_vis, _flag, _weight, Rows, Chans, Corrs, _outVis, _outFlag, _outWeight);

    // As TimeAverageStep uses it: each row of the block into its own baseline's accumulator (one cell each),
    // continuing a bin (first = false: the flag-dependent cases). One giant cell instead streamed six arrays through
    // the L2 cache and measured that, not the kernel (both paths ~2-3 GB/s).
    [Benchmark(Baseline = true), BenchmarkCategory("TimeAverage.Accumulate")]
    public void TimeAverageScalar()
    {
        for (int row = 0; row < Rows; row++)
        {
            int o = row * Cells;
            TimeAverage.AccumulateScalar(_vis.AsSpan(o, Cells), _flag.AsSpan(o, Cells), _weight.AsSpan(o, Cells), _bins[row].Vis, _bins[row].Weight, _bins[row].Flag, false);
        }
    }

    [Benchmark, BenchmarkCategory("TimeAverage.Accumulate")]
    public void TimeAverageSimd()
    {
        for (int row = 0; row < Rows; row++)
        {
            int o = row * Cells;
            TimeAverage.AccumulateSimd(_vis.AsSpan(o, Cells), _flag.AsSpan(o, Cells), _weight.AsSpan(o, Cells), _bins[row].Vis, _bins[row].Weight, _bins[row].Flag, false);
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("TimeAverage.Finish")]
    public void TimeAverageFinishScalar()
    {
        for (int row = 0; row < Rows; row++)
        {
            int o = row * Cells;
            TimeAverage.FinishScalar(_bins[row].Vis, _bins[row].Weight, _bins[row].Flag, _outVis.AsSpan(o, Cells), _outFlag.AsSpan(o, Cells), _outWeight.AsSpan(o, Cells));
        }
    }

    [Benchmark, BenchmarkCategory("TimeAverage.Finish")]
    public void TimeAverageFinishSimd()
    {
        for (int row = 0; row < Rows; row++)
        {
            int o = row * Cells;
            TimeAverage.FinishSimd(_bins[row].Vis, _bins[row].Weight, _bins[row].Flag, _outVis.AsSpan(o, Cells), _outFlag.AsSpan(o, Cells), _outWeight.AsSpan(o, Cells));
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("RowWeights.FromSpectrum")]
    public void RowWeightsScalar() =>
        Tasks.Transform.RowWeights.FromSpectrumScalar(_weight, _flag, Rows, Chans, Corrs, _rowWeight, _rowSigma);

    [Benchmark, BenchmarkCategory("RowWeights.FromSpectrum")]
    public void RowWeightsSimd() => Tasks.Transform.RowWeights.FromSpectrum(_weight, _flag, Rows, Chans, Corrs, _rowWeight, _rowSigma);

    [Benchmark(Baseline = true), BenchmarkCategory("Interpolation.Linear")]
    public void LinearScalar()
    {
        int len = Chans * Corrs;
        for (int row = 0; row < Rows; row++)
            Interpolation.LinearScalar(_stencil, _vis.AsSpan(row * len, len), _flag.AsSpan(row * len, len), Corrs,
                                       _outVis.AsSpan(row * len, len), _outFlag.AsSpan(row * len, len));
    }

    [Benchmark, BenchmarkCategory("Interpolation.Linear")]
    public void LinearSimd()
    {
        int len = Chans * Corrs;
        for (int row = 0; row < Rows; row++)
            Interpolation.LinearSimd(_stencil, _vis.AsSpan(row * len, len), _flag.AsSpan(row * len, len), Corrs,
                                     _outVis.AsSpan(row * len, len), _outFlag.AsSpan(row * len, len));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Interpolation.Linear, 2 corr")]
    public void LinearScalarDualPol()
    {
        int len = Chans * Corrs;
        for (int row = 0; row < Rows; row++)
            Interpolation.LinearScalar(_stencilDualPol, _vis.AsSpan(row * len, len), _flag.AsSpan(row * len, len), 2,
                                       _outVis.AsSpan(row * len, len), _outFlag.AsSpan(row * len, len));
    }

    [Benchmark, BenchmarkCategory("Interpolation.Linear, 2 corr")]
    public void LinearSimdDualPol()
    {
        int len = Chans * Corrs;
        for (int row = 0; row < Rows; row++)
            Interpolation.LinearSimd(_stencilDualPol, _vis.AsSpan(row * len, len), _flag.AsSpan(row * len, len), 2,
                                     _outVis.AsSpan(row * len, len), _outFlag.AsSpan(row * len, len));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Amplitude")]
    public void AmplitudeScalar() => Amplitude.Scalar(_vis, _outWeight);

    [Benchmark, BenchmarkCategory("Amplitude")]
    public void AmplitudeSimd() => Amplitude.Simd(_vis, _outWeight);

    // As flagdata summary uses it: row by row, into one row's counts per correlation. Its input is the flags, one byte
    // per element: the GB/s column (8 bytes per element) is 8× the flag bytes read.
    [Benchmark(Baseline = true), BenchmarkCategory("CellFlagCount")]
    public void CellFlagCountScalar()
    {
        Span<long> perCorr = stackalloc long[Corrs];
        for (int row = 0; row < Rows; row++) CellFlagCount.PerCorrelationScalar(_flag.AsSpan(row * Cells, Cells), Corrs, perCorr);
    }

    [Benchmark, BenchmarkCategory("CellFlagCount")]
    public void CellFlagCountSimd()
    {
        Span<long> perCorr = stackalloc long[Corrs];
        for (int row = 0; row < Rows; row++) CellFlagCount.PerCorrelationSimd(_flag.AsSpan(row * Cells, Cells), Corrs, perCorr);
    }
}
