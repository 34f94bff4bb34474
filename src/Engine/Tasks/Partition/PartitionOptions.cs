using MmsMpi.Heuristics;
using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Partition;

/// <summary>Parameters of `partition` (fact sheet §1.1) with CASA's defaults.</summary>
public sealed record PartitionOptions(
    string Vis, string OutputVis, bool CreateMms = true, SeparationAxis SeparationAxis = SeparationAxis.Auto, string NumSubMs = "auto",
    string DataColumn = "all", bool FlagBackup = true, SelectionExprs? Selection = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public SelectionExprs Select => Selection ?? new SelectionExprs();
}
