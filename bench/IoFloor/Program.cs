using System.Diagnostics;
using MmsMpi.Casacore;
using MmsMpi.Tasks.Transform;

// io_floor MS [COLUMN,...]: reads every row of the columns (default: what mstransform --datacolumn data reads from an
// MS with WEIGHT_SPECTRUM) in chunks of VisReader's size into scratch buffers reused from chunk to chunk, and prints
// rows, bytes and seconds. An MMS is read through its reference table, as the tasks read an MMS as one MS.
string[] defaults = ["ANTENNA1", "ANTENNA2", "FEED1", "FEED2", "FIELD_ID", "SCAN_NUMBER", "STATE_ID", "OBSERVATION_ID",
    "ARRAY_ID", "PROCESSOR_ID", "DATA_DESC_ID", "TIME", "INTERVAL", "EXPOSURE", "TIME_CENTROID", "FLAG_ROW", "UVW", "WEIGHT",
    "SIGMA", "DATA", "FLAG", "WEIGHT_SPECTRUM"];
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: io_floor MS [COLUMN,...]");
    return 1;
}
var columns = args.Length == 2 ? args[1].Split(',') : defaults;
var clock = Stopwatch.StartNew();
using var ms = CasaTable.Open(args[0]);
long nrow = ms.NRow;
ms.GetCell<ComplexF>("DATA", 0, out var cell);   // cell = [ncorr, nchan]
int rowsPerChunk = VisReader.RowsPerChunk((int)cell[1], (int)cell[0]);
int ncorr = (int)cell[0], cellSize = (int)(cell[0] * cell[1]);
long bytes = 0;
var buffers = new Dictionary<string, Array>();
for (long row0 = 0; row0 < nrow; row0 += rowsPerChunk)
{
    int n = (int)Math.Min(rowsPerChunk, nrow - row0);
    foreach (var col in columns) bytes += Read(col, row0, n);
}
Console.WriteLine($"io_floor: {nrow} rows, {columns.Length} columns, {bytes / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F2} s (chunks of {rowsPerChunk} rows)");
return 0;

// Element type and count per row of a main-table column, from the MS definition.
long Read(string col, long row0, int n) => col switch
{
    "TIME" or "INTERVAL" or "EXPOSURE" or "TIME_CENTROID" => Get<double>(col, row0, n, 1),
    "UVW" => Get<double>(col, row0, n, 3),
    "FLAG_ROW" => Get<bool>(col, row0, n, 1),
    "WEIGHT" or "SIGMA" => Get<float>(col, row0, n, ncorr),
    "DATA" or "CORRECTED_DATA" or "MODEL_DATA" => Get<ComplexF>(col, row0, n, cellSize),
    "FLOAT_DATA" or "WEIGHT_SPECTRUM" or "SIGMA_SPECTRUM" => Get<float>(col, row0, n, cellSize),
    "FLAG" => Get<bool>(col, row0, n, cellSize),
    _ => Get<int>(col, row0, n, 1),
};

unsafe long Get<T>(string col, long row0, int n, int perRow) where T : unmanaged
{
    int len = n * perRow;
    if (!buffers.TryGetValue(col, out var a) || a.Length != len) buffers[col] = a = new T[len];
    ms.GetColumn<T>(col, row0, n, (T[])a);
    return (long)len * sizeof(T);
}
