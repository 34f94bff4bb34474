using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MmsMpi.Kernels.Bench;

/// <summary>Adds the "GB/s (vis)" column: <see cref="KernelBenchmarks.VisBytes"/> of the case divided by the mean time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new VisThroughputColumn());

    private sealed class VisThroughputColumn : IColumn
    {
        public string Id => nameof(VisThroughputColumn);
        public string ColumnName => "GB/s (vis)";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Input visibility bytes (rows × chans × corrs × 8) per second, 1 GB = 1e9 bytes";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats
                ? (KernelBenchmarks.VisBytes((int)benchmarkCase.Parameters["Rows"]) / stats.Mean).ToString("F2")   // bytes/ns = GB/s
                : "NA";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
