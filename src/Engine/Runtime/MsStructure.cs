using MmsMpi.Casacore;
using MmsMpi.Ms;

namespace MmsMpi.Runtime;

/// <summary>
/// The structure of an MS checked before any work, so a malformed one is refused with a message naming the table,
/// column and row instead of failing half way with casacore's internals: required subtables present, every id
/// column's values inside its subtable, cell shapes consistent with each DDI's spw and polarization.
/// </summary>
public static class MsStructure
{
    private static readonly string[] RequiredSubtables = ["ANTENNA", "DATA_DESCRIPTION", "SPECTRAL_WINDOW", "POLARIZATION", "FIELD", "OBSERVATION"];

    /// <summary>Columns whose cells every task reads or writes with the DDI's [NUM_CORR, NUM_CHAN] shape.</summary>
    private static readonly string[] ShapedColumns = ["DATA", "FLOAT_DATA", "FLAG"];

    /// <summary>Throws a UserError naming the first problem of the MS (or of every member of an MMS) at vis.</summary>
    public static void Check(CasaTable ms, string vis)
    {
        if (!ms.IsMms())
        {
            CheckMs(ms, new Where(vis, ""));
            return;
        }
        // The MMS reads as the concatenation of its members, which hold the rows and the subtables they refer to.
        foreach (var member in ms.Members())
        {
            var where = new Where(vis, $"sub-MS {Path.GetFileName(member)}: ");
            using var sub = where.Read("main table", () => CasaTable.Open(member));
            CheckMs(sub, where);
        }
    }

    private static void CheckMs(CasaTable ms, Where where)
    {
        var rows = RequiredSubtables.ToDictionary(name => name, name => SubtableRows(ms, name, where));
        var spwOfDdi = where.Ints(ms, "DATA_DESCRIPTION", "SPECTRAL_WINDOW_ID");
        var polOfDdi = where.Ints(ms, "DATA_DESCRIPTION", "POLARIZATION_ID");
        where.InRange("DATA_DESCRIPTION", "SPECTRAL_WINDOW_ID", spwOfDdi, "SPECTRAL_WINDOW", rows["SPECTRAL_WINDOW"]);
        where.InRange("DATA_DESCRIPTION", "POLARIZATION_ID", polOfDdi, "POLARIZATION", rows["POLARIZATION"]);
        var nchan = where.Ints(ms, "SPECTRAL_WINDOW", "NUM_CHAN");
        var ncorr = where.Ints(ms, "POLARIZATION", "NUM_CORR");
        var shapes = spwOfDdi.Zip(polOfDdi, (spw, pol) =>
        {
            // A cell of NUM_CHAN or NUM_CORR below 1 cannot exist; tasks would size their buffers from it.
            if (nchan[spw] < 1) throw where.Malformed($"SPECTRAL_WINDOW row {spw} has NUM_CHAN {nchan[spw]}");
            if (ncorr[pol] < 1) throw where.Malformed($"POLARIZATION row {pol} has NUM_CORR {ncorr[pol]}");
            return new long[] { ncorr[pol], nchan[spw] };
        }).ToArray();

        // The main table's columns are read in blocks (RowBlocks): no array of every row, whatever the MS's size.
        var ddiEnds = where.DdiEnds(ms);
        where.InRange(ddiEnds, spwOfDdi.Length);
        where.InRange(ms, "FIELD_ID", "FIELD", rows["FIELD"]);
        where.InRange(ms, "ANTENNA1", "ANTENNA", rows["ANTENNA"]);
        where.InRange(ms, "ANTENNA2", "ANTENNA", rows["ANTENNA"]);
        if (ms.HasColumn("OBSERVATION_ID")) where.InRange(ms, "OBSERVATION_ID", "OBSERVATION", rows["OBSERVATION"]);
        if (ms.HasColumn("STATE_ID") && where.Max(ms, "STATE_ID") >= 0)
        {
            // STATE_ID -1 means no state. An empty STATE means none recorded: DP3 (LOFAR) writes STATE_ID 0 with no STATE rows.
            long stateRows = SubtableRows(ms, "STATE", where);
            if (stateRows > 0) where.InRange(ms, "STATE_ID", "STATE", stateRows, allowMinusOne: true);
        }

        var shaped = ShapedColumns.Where(c => ms.HasColumn(c) && ms.NRow > 0 && where.Read($"main table column {c}", () => ms.IsDefined(c, 0))).ToList();
        if (shaped.Count > 0) CheckShapes(ms, shaped, ddiEnds, shapes, where);
    }

    /// <summary>
    /// Reading every cell's shape costs ~1 µs a row and column in casacore (TaQL's shape() or a cell read), too much for
    /// a 100k-row MS, but its element count is cheap (~0.15 µs): one TaQL scan checks the count of every cell and the
    /// exact shape of the first and last row of each DDI. That catches any missing cell or cell of the wrong size; a cell
    /// of the right size with other axis lengths (e.g. [2, 128] for [4, 64]) is caught only at those rows.
    /// </summary>
    private static void CheckShapes(CasaTable ms, IReadOnlyList<string> cols, IReadOnlyDictionary<int, (long First, long Last)> ddiEnds, long[][] shapes, Where where)
    {
        string AnyCol(Func<string, string> wrong) => "(" + string.Join(" || ", cols.Select(wrong)) + ")";
        // && and || stop early: shape() runs on the end rows only, on cells of the right size (so defined). Glish style
        // gives shape() in casacore's axis order [NUM_CORR, NUM_CHAN].
        var wrong = ddiEnds.Keys.Order().Select(d =>
        {
            var (ncorr, nchan) = (shapes[d][0], shapes[d][1]);
            var ends = string.Join(" || ", new[] { ddiEnds[d].First, ddiEnds[d].Last }.Distinct().Select(r => $"rowid() == {r}"));
            return $"DATA_DESC_ID == {d} && ({AnyCol(c => $"nelements({c}) != {ncorr * nchan}")} "
                + $"|| ({ends}) && {AnyCol(c => $"(ndim({c}) != 2 || any(shape({c}) != [{ncorr}, {nchan}]))")})";
        });
        long[] found = where.Read($"main table columns {string.Join(", ", cols)}", () =>
        {
            using var bad = ms.Query($"using style glish select from $1 where {string.Join(" || ", wrong)} limit 1");
            return bad.RowNumbers();
        });
        foreach (long row in found)
        {
            var ddi = new int[1];
            ms.GetColumn<int>("DATA_DESC_ID", row, 1, ddi);
            var need = shapes[ddi[0]];
            foreach (var col in cols)
            {
                var shape = where.Read($"main table column {col} row {row}", () => CellShape(ms, col, row));
                if (shape is null)
                    throw where.Malformed($"main table row {row} has no {col} cell (DATA_DESC_ID {ddi[0]} needs {Text(need)} = [NUM_CORR, NUM_CHAN])");
                if (!shape.SequenceEqual(need))
                    throw where.Malformed($"main table row {row} has a {col} cell of shape {Text(shape)} but DATA_DESC_ID {ddi[0]} needs {Text(need)} = [NUM_CORR, NUM_CHAN]");
            }
        }
    }

    /// <summary>The shape of a bad cell for the message (casacore axis order), null if undefined; GetCell needs the element type.</summary>
    private static long[]? CellShape(CasaTable ms, string col, long row)
    {
        if (!ms.IsDefined(col, row)) return null;
        long[] shape;
        if (col == "FLAG") ms.GetCell<bool>(col, row, out shape);
        else if (col == "FLOAT_DATA") ms.GetCell<float>(col, row, out shape);
        else ms.GetCell<ComplexF>(col, row, out shape);
        return shape;
    }

    private static long SubtableRows(CasaTable ms, string name, Where where)
    {
        // A keyword may name a subtable whose directory is gone (or the reverse); either way it cannot be opened.
        if (!ms.SubtableNames.Contains(name) || !File.Exists(Path.Combine(ms.Name, name, "table.dat")))
            throw where.Malformed($"the required subtable {name} is missing");
        return where.Read($"subtable {name}", () =>
        {
            using var t = ms.OpenSubtable(name);
            return t.NRow;
        });
    }

    private static string Text(long[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>The MS being checked (vis, and the member of an MMS) that each message names.</summary>
    private sealed record Where(string Vis, string Member)
    {
        public UserError Malformed(string problem) => new($"'{Vis}' is malformed: {Member}{problem}");

        /// <summary>Runs a casacore read, turning casacore's complaint (a damaged file) into one line naming what was read.</summary>
        public T Read<T>(string what, Func<T> read)
        {
            try { return read(); }
            catch (CasacoreException e) { throw new UserError($"'{Vis}' is unreadable: {Member}{what}: {e.Message.Split('\n')[0].Trim()}"); }
        }

        /// <summary>A whole int column of a subtable.</summary>
        public int[] Ints(CasaTable ms, string subtable, string col) => Read($"{subtable} column {col}", () =>
        {
            using var sub = ms.OpenSubtable(subtable);
            if (!sub.HasColumn(col)) throw Malformed($"{subtable} has no column {col}");
            return sub.GetColumn<int>(col);
        });

        /// <summary>Every value of a subtable's id column must be a row of the subtable it points into.</summary>
        public void InRange(string table, string col, int[] ids, string target, long targetRows)
        {
            for (int row = 0; row < ids.Length; row++)
                if (ids[row] < 0 || ids[row] >= targetRows) throw OutOfRange(table, row, col, ids[row], target, targetRows);
        }

        /// <summary>Every value of a main-table id column must be a row of the subtable it points into.</summary>
        public void InRange(CasaTable ms, string col, string target, long targetRows, bool allowMinusOne = false) =>
            ScanMain(ms, col, (row0, ids) =>
            {
                for (int i = 0; i < ids.Length; i++)
                    if ((ids[i] < 0 || ids[i] >= targetRows) && !(allowMinusOne && ids[i] == -1))
                        throw OutOfRange("main table", row0 + i, col, ids[i], target, targetRows);
            });

        /// <summary>Every DATA_DESC_ID must be a row of DATA_DESCRIPTION: checked on the DDIs present, naming the first bad row.</summary>
        public void InRange(IReadOnlyDictionary<int, (long First, long Last)> ddiEnds, int ddRows)
        {
            var bad = ddiEnds.Where(kv => kv.Key < 0 || kv.Key >= ddRows).ToList();
            if (bad.Count == 0) return;
            var (ddi, (first, _)) = bad.MinBy(kv => kv.Value.First);
            throw OutOfRange("main table", first, "DATA_DESC_ID", ddi, "DATA_DESCRIPTION", ddRows);
        }

        /// <summary>The largest value of a main-table id column (int.MinValue in an empty table).</summary>
        public int Max(CasaTable ms, string col)
        {
            int max = int.MinValue;
            ScanMain(ms, col, (_, ids) => { foreach (int id in ids) max = Math.Max(max, id); });
            return max;
        }

        /// <summary>The first and last main-table row of each DDI present.</summary>
        public Dictionary<int, (long First, long Last)> DdiEnds(CasaTable ms)
        {
            var ends = new Dictionary<int, (long First, long Last)>();
            ScanMain(ms, "DATA_DESC_ID", (row0, ddi) =>
            {
                for (int i = 0; i < ddi.Length; i++)
                    ends[ddi[i]] = ends.TryGetValue(ddi[i], out var e) ? (e.First, row0 + i) : (row0 + i, row0 + i);
            });
            return ends;
        }

        private void ScanMain(CasaTable ms, string col, RowBlocks.Visitor<int> visit)
        {
            if (!ms.HasColumn(col)) throw Malformed($"main table has no column {col}");
            Read($"main table column {col}", () => { RowBlocks.Scan(ms, col, visit); return 0; });
        }

        private UserError OutOfRange(string table, long row, string col, int id, string target, long targetRows) =>
            Malformed($"{table} row {row} has {col} {id} but {target} has {targetRows} row(s)");
    }
}
