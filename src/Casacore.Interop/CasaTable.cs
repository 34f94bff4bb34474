using System.Runtime.InteropServices;

namespace MmsMpi.Casacore;

/// <summary>A strided in-cell slice, one entry per cell axis (for visibilities: corr, chan).</summary>
public sealed record CellSlice(long[] Start, long[] Length, long[] Stride)
{
    public int NDim => Start.Length;
}

/// <summary>
/// One open casacore table (a plain table, a MeasurementSet main table, a subtable or a reference table
/// from a query). Not thread safe: open a table per thread (casacore issue #1163).
/// </summary>
public sealed unsafe class CasaTable : IDisposable
{
    private nint _handle;

    internal CasaTable(nint handle) => _handle = handle;

    public static CasaTable Open(string path, bool writable = false) =>
        new(Native.CheckHandle(Native.cs_table_open(path, writable ? 1 : 0)));

    /// <summary>Opens a subtable of this table by its keyword name (e.g. "SPECTRAL_WINDOW").</summary>
    public CasaTable OpenSubtable(string keyword, bool writable = false) => Open(Path.Combine(Name, keyword), writable);

    internal nint H => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(CasaTable));

    public long NRow => Native.Check(Native.cs_table_nrow(H));

    public string Name => Native.ReadString((b, n) => Native.cs_table_name(H, (byte*)b, n));

    public IReadOnlyList<string> ColumnNames => Lines(Native.ReadString((b, n) => Native.cs_table_colnames(H, (byte*)b, n)));

    public bool HasColumn(string col) => ColumnNames.Contains(col);

    /// <summary>The tables this one is made of: a ConcatTable's parts (an MMS's members as listed in its table.dat), else itself.</summary>
    public IReadOnlyList<string> PartNames() =>
        Native.ReadString((b, n) => Native.cs_table_parts(H, (byte*)b, n)).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Subtables referenced by table keywords (e.g. ANTENNA, SPECTRAL_WINDOW).</summary>
    public IReadOnlyList<string> SubtableNames => Lines(Native.ReadString((b, n) => Native.cs_table_subtables(H, (byte*)b, n)));

    /// <summary>The table's scalar keywords (strings; numbers and bools as text), e.g. a calibration table's VisCal.</summary>
    public IReadOnlyDictionary<string, string> Keywords => ColumnKeywords("");

    /// <summary>
    /// A column's keywords (the table's for ""): scalars as text, sub-records flattened as "MEASINFO.Ref", String
    /// vectors comma-joined ("QuantumUnits" = "Jy").
    /// </summary>
    public IReadOnlyDictionary<string, string> ColumnKeywords(string column) =>
        Lines(Native.ReadString((b, n) => Native.cs_table_keywords(H, column, (byte*)b, n)))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");

    /// <summary>
    /// Adds CORRECTED_DATA or MODEL_DATA (the MS standard column) to this writable main table, tiled for cells of up to
    /// ncorr × nchan; its cells are undefined until written (with <see cref="PutCells{T}"/>).
    /// </summary>
    public void AddDataColumn(string col, int ncorr, int nchan) => Native.Check(Native.cs_ms_add_data_column(H, col, ncorr, nchan));

    /// <summary>table.info as (type, subtype, readme).</summary>
    public (string Type, string SubType, string Readme) Info
    {
        get
        {
            var parts = Native.ReadString((b, n) => Native.cs_table_info(H, (byte*)b, n)).Split('\n', 3);
            return (parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : "");
        }
    }

    /// <summary>Runs TaQL with this table as $1 (e.g. "select from $1 where SCAN_NUMBER==2").</summary>
    public CasaTable Query(string taql) => new(Native.CheckHandle(Native.cs_table_query(H, taql)));

    /// <summary>Row numbers of this (reference) table in its root table.</summary>
    public long[] RowNumbers()
    {
        var rows = new long[NRow];
        RowNumbers(0, rows);
        return rows;
    }

    /// <summary>The row numbers in the root table (a selection's rows in its MS) of rows [row0, row0 + dest.Length).</summary>
    public void RowNumbers(long row0, Span<long> dest)
    {
        fixed (long* p = dest) Native.Check(Native.cs_table_rownumbers(H, row0, p, dest.Length));
    }

    public void Flush() => Native.Check(Native.cs_table_flush(H));

    public void AddRows(long n) => Native.Check(Native.cs_table_add_rows(H, n));

    public void RemoveRows(ReadOnlySpan<long> rows)
    {
        fixed (long* p = rows) Native.Check(Native.cs_table_remove_rows(H, p, rows.Length));
    }

    /// <summary>Copies n rows of src (from srcStart) to this table at dstStart, adding rows as needed.</summary>
    public void CopyRowsFrom(CasaTable src, long dstStart, long srcStart, long n) =>
        Native.Check(Native.cs_table_copy_rows(H, src.H, dstStart, srcStart, n));

    /// <summary>Creates an empty plain table at path with these columns (their storage managers) and no subtables.</summary>
    public void CreateEmptyWithColumns(string path, params string[] columns) =>
        Native.Check(Native.cs_table_empty_columns(H, string.Join('\n', columns), path));

    /// <summary>Deep copy to a new plain table (subtables included), keeping storage managers.</summary>
    public void DeepCopy(string path, bool noRows = false) => Native.Check(Native.cs_table_deep_copy(H, path, noRows ? 1 : 0));

    public bool IsDefined(string col, long row) => Native.Check(Native.cs_table_cell_defined(H, col, row)) != 0;

    /// <summary>Reads rows [row0, row0+nrow) of a column into dest (row-major: row, then cell axes reversed).</summary>
    public void GetColumn<T>(string col, long row0, long nrow, Span<T> dest, CellSlice? slice = null) where T : unmanaged =>
        ColumnIo(col, row0, nrow, MemoryMarshal.AsBytes(dest), TypeOf<T>(), dest.Length, slice, null, write: false);

    /// <summary>Writes rows [row0, row0+nrow) of a scalar column, or of an array column whose cells exist.</summary>
    public void PutColumn<T>(string col, long row0, long nrow, ReadOnlySpan<T> src, CellSlice? slice = null) where T : unmanaged =>
        ColumnIo(col, row0, nrow, MemoryMarshal.AsBytes(src), TypeOf<T>(), src.Length, slice, null, write: true);

    /// <summary>Writes rows [row0, row0+nrow) of an array column with cells of the given shape (casacore axis order), new rows too.</summary>
    public void PutCells<T>(string col, long row0, long nrow, ReadOnlySpan<T> src, params long[] cellShape) where T : unmanaged =>
        ColumnIo(col, row0, nrow, MemoryMarshal.AsBytes(src), TypeOf<T>(), src.Length, null, cellShape, write: true);

    /// <summary>A whole scalar column.</summary>
    public T[] GetColumn<T>(string col) where T : unmanaged
    {
        var v = new T[NRow];
        if (v.Length > 0) GetColumn<T>(col, 0, v.Length, v);
        return v;
    }

    public void PutColumn<T>(string col, ReadOnlySpan<T> values) where T : unmanaged => PutColumn(col, 0, values.Length, values);

    /// <summary>One array cell and its shape (casacore axis order); an undefined cell gives an empty array.</summary>
    public T[] GetCell<T>(string col, long row, out long[] shape) where T : unmanaged
    {
        var shp = new long[8];
        long n;
        int ndim;
        fixed (long* ps = shp) n = Native.Check(Native.cs_cell_get_array(H, col, row, (int)TypeOf<T>(), null, 0, ps, shp.Length, out ndim));
        var values = new T[n];
        fixed (T* pv = values)
        fixed (long* ps = shp)
            Native.Check(Native.cs_cell_get_array(H, col, row, (int)TypeOf<T>(), pv, n, ps, shp.Length, out ndim));
        shape = shp[..ndim];
        return values;
    }

    public T[] GetCell<T>(string col, long row) where T : unmanaged => GetCell<T>(col, row, out _);

    public void PutCell<T>(string col, long row, ReadOnlySpan<T> values, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0) shape = [values.Length];
        fixed (T* pv = values)
        fixed (long* ps = shape)
            Native.Check(Native.cs_cell_put_array(H, col, row, (int)TypeOf<T>(), pv, shape.Length, ps));
    }

    /// <summary>Writes a scalar String cell (one value) or a 1-D String array cell.</summary>
    public void PutStrings(string col, long row, params string[] values)
    {
        var packed = System.Text.Encoding.UTF8.GetBytes(string.Concat(values.Select(v => v + '\0')));
        fixed (byte* p = packed) Native.Check(Native.cs_cell_put_strings(H, col, row, p, values.Length));
    }

    /// <summary>Defines a Bool keyword of the table (column null) or of a column.</summary>
    public void PutKeyword(string? column, string name, bool value) =>
        Native.Check(Native.cs_table_put_keyword(H, column ?? "", name, (byte)'b', value ? "true" : "false"));

    /// <summary>Defines a String keyword (asVector: a one-element String vector, as QuantumUnits is) of the table or a column.</summary>
    public void PutKeyword(string? column, string name, string value, bool asVector = false) =>
        Native.Check(Native.cs_table_put_keyword(H, column ?? "", name, (byte)(asVector ? 'v' : 's'), value));

    public string GetString(string col, long row) =>
        Native.ReadString((b, n) => Native.cs_cell_get_string(H, col, row, (byte*)b, n));

    public string[] GetStrings(string col) => Enumerable.Range(0, (int)NRow).Select(r => GetString(col, r)).ToArray();

    public void Dispose()
    {
        if (_handle == 0) return;
        Native.cs_table_close(_handle);
        _handle = 0;
    }

    private void ColumnIo(string col, long row0, long nrow, ReadOnlySpan<byte> bytes, CasaType type, long nelem, CellSlice? slice,
        long[]? cellShape, bool write)
    {
        int nd = slice?.NDim ?? 0;
        fixed (byte* pb = bytes)
        fixed (long* ps = slice?.Start, pl = slice?.Length, pi = slice?.Stride, pc = cellShape)
            Native.Check(Native.cs_col_io(H, col, row0, nrow, (int)type, pb, nelem, nd, ps, pl, pi, cellShape?.Length ?? 0, pc, write ? 1 : 0));
    }

    internal static CasaType TypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(bool) ? CasaType.Bool
        : typeof(T) == typeof(int) ? CasaType.Int
        : typeof(T) == typeof(float) ? CasaType.Float
        : typeof(T) == typeof(double) ? CasaType.Double
        : typeof(T) == typeof(ComplexF) ? CasaType.Complex
        : typeof(T) == typeof(long) ? CasaType.Int64
        : throw new NotSupportedException($"no casacore element type for {typeof(T).Name}");

    private static IReadOnlyList<string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
