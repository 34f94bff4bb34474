using MmsMpi.Casacore;

namespace MmsMpi.Tasks;

/// <summary>Parameters of `partition` (fact sheet §1.1) with CASA's defaults.</summary>
public sealed record PartitionOptions(
    string Vis, string OutputVis, bool CreateMms = true, string SeparationAxis = "auto", string NumSubMs = "auto",
    string DataColumn = "all", bool FlagBackup = true, SelectionExprs? Selection = null)
{
    public SelectionExprs Select => Selection ?? new SelectionExprs();
}
