namespace MmsMpi.Casacore;

/// <summary>A run of contiguous input rows copied with one cell slice (index into the slice specs).</summary>
public readonly record struct CopyRun(long Start, long Length, int Spec);

/// <summary>Channel/correlation slice of visibility cells; a count of -1 keeps the whole axis.</summary>
public readonly record struct VisSlice(int ChanStart, int ChanCount, int ChanStep, int CorrStart, int CorrCount, int CorrStep)
{
    public static readonly VisSlice Whole = new(0, -1, 1, 0, -1, 1);
}

/// <summary>Bulk MS writing through the shim: layout copies and chunked main-table row copies.</summary>
public static unsafe class MsWriter
{
    /// <summary>
    /// Creates an empty MS at path with the columns, storage managers, keywords and info of src, minus dropColumns,
    /// and copies of its subtables (those in emptySubtables without rows). Visibility columns get ~1 MiB tiles for
    /// cells of up to maxCorr × maxChan. Returns it opened for writing.
    /// </summary>
    public static CasaTable CreateLike(CasaTable src, string path, IEnumerable<string> dropColumns, IEnumerable<string> emptySubtables,
        int maxCorr, int maxChan)
    {
        Native.Check(Native.cs_ms_create_like(src.H, path, string.Join('\n', dropColumns), string.Join('\n', emptySubtables), maxCorr, maxChan));
        return CasaTable.Open(path, writable: true);
    }

    /// <summary>
    /// Creates an empty MS at path with CASA's standard main-table layout (variable-shape visibility columns, tiles for
    /// maxCorr × maxChan cells) plus optionalColumns (e.g. CORRECTED_DATA, WEIGHT_SPECTRUM) and copies of src's
    /// subtables. For outputs whose cell shapes differ from the input's. Returns it opened for writing.
    /// </summary>
    public static CasaTable CreateFresh(CasaTable src, string path, IEnumerable<string> optionalColumns, IEnumerable<string> emptySubtables,
        int maxCorr, int maxChan)
    {
        Native.Check(Native.cs_ms_create_fresh(src.H, path, string.Join('\n', optionalColumns), string.Join('\n', emptySubtables), maxCorr, maxChan));
        return CasaTable.Open(path, writable: true);
    }

    /// <summary>
    /// Creates an empty MS at path from nothing: CASA's main-table layout plus optionalColumns, the default subtables and
    /// SOURCE, FIELD/SOURCE directions in directionRef, and pyuvdata's SPECTRAL_WINDOW ASSOC_SPW_ID and OBSERVATION
    /// TELESCOPE_LOCATION columns. Returns it opened for writing.
    /// </summary>
    public static CasaTable CreateNew(string path, IEnumerable<string> optionalColumns, int maxCorr, int maxChan, string directionRef)
    {
        Native.Check(Native.cs_ms_create_new(path, string.Join('\n', optionalColumns), maxCorr, maxChan, directionRef));
        return CasaTable.Open(path, writable: true);
    }

    /// <summary>Copies runs of src rows into dst from dstRow0 on, column by column ("SRC" → "DST" names), in large chunks.</summary>
    public static void CopyRuns(CasaTable src, CasaTable dst, IReadOnlyList<CopyRun> runs, long dstRow0,
        IReadOnlyList<VisSlice> slices, IEnumerable<(string From, string To)> columns)
    {
        var r = new long[runs.Count * 3];
        for (int i = 0; i < runs.Count; i++) (r[3 * i], r[3 * i + 1], r[3 * i + 2]) = (runs[i].Start, runs[i].Length, runs[i].Spec);
        var s = slices.SelectMany(x => new long[] { x.ChanStart, x.ChanCount, x.ChanStep, x.CorrStart, x.CorrCount, x.CorrStep }).ToArray();
        var cols = string.Join('\n', columns.Select(c => $"{c.From}={c.To}"));
        fixed (long* pr = r)
        fixed (long* ps = s)
            Native.Check(Native.cs_ms_copy_runs(src.H, dst.H, pr, runs.Count, dstRow0, ps, slices.Count, cols));
    }

    /// <summary>Builds a Multi-MS reference table at output over closed sub-MSs, moving them into output/SUBMSS/.</summary>
    public static void Concat(IEnumerable<string> subMsPaths, string output)
    {
        // NUL-terminated paths: the one character no path can hold.
        var members = System.Text.Encoding.UTF8.GetBytes(string.Concat(subMsPaths.Select(p => p + '\0')));
        fixed (byte* m = members) Native.Check(Native.cs_mms_concat(m, members.Length, output));
    }
}
