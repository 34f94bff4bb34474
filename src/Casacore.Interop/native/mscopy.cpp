// Writing an output MS from an input one: empty copy of the layout, then main-table rows copied column by
// column in large contiguous runs, with an optional channel/correlation slice per run.
#include <casacore/casa/Utilities/ValType.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/TableCopy.h>
#include <casacore/tables/Tables/TableAttr.h>
#include <casacore/tables/Tables/TableInfo.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <sstream>
#include <vector>

#include "mslayout.h"
#include "shim.h"

using namespace casacore;

namespace {

// Makes fixed-shape array columns of a subtable variable-shape (LOFAR's SPECTRAL_WINDOW has CHAN_FREQ fixed at
// its channel count), so rows can be rewritten with other channel counts: the table is rebuilt with the same
// columns, without the FixedShape option, and its rows copied.
void unfix_array_shapes(const String& path) {
  const String tmp = path + ".variable";
  {
    Table in(path);
    TableDesc td(in.tableDesc(), TableDesc::Scratch);
    bool fixed = false;
    for (uInt i = 0; i < td.ncolumn(); ++i) {
      ColumnDesc& cd = td.rwColumnDesc(i);
      if (cd.isArray() && (cd.options() & ColumnDesc::FixedShape)) {
        cd.setOptions(cd.options() & ~(ColumnDesc::FixedShape | ColumnDesc::Direct));
        fixed = true;
      }
    }
    if (!fixed) return;
    SetupNewTable setup(tmp, td, Table::New);
    Table out(setup, in.nrow());
    shim::discard_on_error(out, [&] {
      TableCopy::copyRows(out, in);
      TableCopy::copyInfo(out, in);
      out.rwKeywordSet().merge(in.keywordSet(), RecordInterface::OverwriteDuplicates);
    });
  }
  Table(path, Table::Delete);
  Table variable(tmp, Table::Update);
  shim::discard_on_error(variable, [&] { variable.rename(path, Table::New); });
}

// A copy of table in at path as casacore's deepCopy makes it (columns, storage managers, keywords, info, rows),
// built here so that an error such as a full disk reaches the caller: deepCopy writes the new table in a
// destructor, where an error is std::terminate.
void copy_table(const Table& in, const String& path, bool noRows) {
  Table out = TableCopy::makeEmptyTable(path, in.dataManagerInfo(), in, Table::New, Table::AipsrcEndian, False, noRows);
  shim::discard_on_error(out, [&] {
    if (!noRows) TableCopy::copyRows(out, in);
    TableCopy::copyInfo(out, in);
  });
}

// Copies of the input's subtables into out/NAME (without rows for those in empty). Keywords that point at a
// table that does not exist (ALMA's ASDM_* keywords often do) are dropped rather than copied dangling.
void copy_subtables(const Table& in, Table& out, const std::vector<std::string>& empty) {
  const TableRecord& inKw = in.keywordSet();
  TableRecord& outKw = out.rwKeywordSet();
  for (uInt i = 0; i < inKw.nfields(); ++i) {
    if (inKw.type(i) != TpTable) continue;
    const String name = inKw.name(i);
    if (!Table::isReadable(inKw.tableAttributes(i).name())) {
      if (outKw.isDefined(name)) outKw.removeField(name);
      continue;
    }
    const String path = out.tableName() + "/" + name;
    const bool noRows = std::find(empty.begin(), empty.end(), name) != empty.end();
    copy_table(inKw.asTable(i), path, noRows);
    if (name == "SPECTRAL_WINDOW") unfix_array_shapes(path);  // channel selection and averaging rewrite its rows
    outKw.defineTable(name, Table(path));
  }
}

// Bytes of one chunk of rows: big enough to amortise the per-call cost, small enough for the cache.
constexpr size_t kChunkBytes = 32u << 20;

struct Run {
  rownr_t src, len, dst;
  int spec;
};

// A cell slice of [corr, chan(, ...)] arrays: start/count/step per axis, count -1 = whole axis.
struct SliceSpec {
  int64_t chanStart, chanCount, chanStep, corrStart, corrCount, corrStep;
  bool whole() const { return chanCount < 0 && corrCount < 0; }
  Slicer slicer(const IPosition& cell) const {
    IPosition start(cell.size(), 0), len(cell), step(cell.size(), 1);
    if (corrCount >= 0) { start[0] = corrStart; len[0] = corrCount; step[0] = corrStep; }
    if (cell.size() >= 2 && chanCount >= 0) { start[1] = chanStart; len[1] = chanCount; step[1] = chanStep; }
    return Slicer(start, len, step);
  }
};

template <class T>
void copy_scalar(const Table& src, Table& dst, const String& from, const String& to, const std::vector<Run>& runs) {
  ScalarColumn<T> in(src, from);
  ScalarColumn<T> out(dst, to);
  Vector<T> buf;
  // Scalar columns ignore slices, so runs that continue each other are merged.
  for (size_t i = 0; i < runs.size();) {
    rownr_t src0 = runs[i].src, dst0 = runs[i].dst, n = runs[i].len;
    for (++i; i < runs.size() && runs[i].src == src0 + n && runs[i].dst == dst0 + n; ++i) n += runs[i].len;
    buf.resize(n);
    in.getColumnRange(Slicer(IPosition(1, src0), IPosition(1, n)), buf);
    out.putColumnRange(Slicer(IPosition(1, dst0), IPosition(1, n)), buf);
  }
}

template <class T>
void copy_array(const Table& src, Table& dst, const String& from, const String& to, const std::vector<Run>& runs,
                const std::vector<SliceSpec>& specs, bool sliceable) {
  ArrayColumn<T> in(src, from);
  ArrayColumn<T> out(dst, to);
  Array<T> buf;  // reused: a fresh ~1 MiB allocation per run is a fresh mmap and its page faults every time
  for (const Run& run : runs) {
    if (!in.isDefined(run.src)) continue;  // undefined cells (e.g. empty WEIGHT_SPECTRUM) stay undefined
    const IPosition cell = in.shape(run.src);
    const SliceSpec& spec = specs[run.spec];
    const bool slice = sliceable && !spec.whole();
    const Slicer cellSlice = slice ? spec.slicer(cell) : Slicer();
    IPosition outCell = cell;
    if (slice) {
      IPosition b, e, s;
      outCell = cellSlice.inferShapeFromSource(cell, b, e, s);
    }
    const rownr_t perChunk = std::max<rownr_t>(1, kChunkBytes / (sizeof(T) * std::max<size_t>(1, cell.product())));
    for (rownr_t done = 0; done < run.len; done += perChunk) {
      const rownr_t n = std::min(perChunk, run.len - done);
      const IPosition shape = outCell.concatenate(IPosition(1, n));
      if (!buf.shape().isEqual(shape)) buf.resize(shape, False);
      const Slicer inRows(IPosition(1, run.src + done), IPosition(1, n));
      const Slicer outRows(IPosition(1, run.dst + done), IPosition(1, n));
      if (slice) in.getColumnRange(inRows, cellSlice, buf); else in.getColumnRange(inRows, buf);
      out.putColumnRange(outRows, buf);
    }
  }
}

template <class T>
void copy_column(const Table& src, Table& dst, const String& from, const String& to, const std::vector<Run>& runs,
                 const std::vector<SliceSpec>& specs) {
  if (src.tableDesc().columnDesc(from).isScalar()) {
    copy_scalar<T>(src, dst, from, to, runs);
  } else {
    // UVW is [3]; every other main-table array has correlations first and channels second.
    copy_array<T>(src, dst, from, to, runs, specs, from != "UVW");
  }
}
}  // namespace

// The input's storage managers with the default tile shape of each tiled visibility column set for ~1 MiB tiles
// of the largest cell [maxCorr, maxChan] (the input's own default can be badly off, e.g. [1,4,32768]).
Record tuned_dminfo(const Table& in, int maxCorr, int maxChan) {
  Record dminfo = in.dataManagerInfo();
  for (uInt i = 0; i < dminfo.nfields(); ++i) {
    Record dm = dminfo.subRecord(i);
    if (dm.asString("TYPE") != "TiledShapeStMan") continue;
    const Vector<String> cols = dm.asArrayString("COLUMNS");
    if (cols.empty()) continue;
    const ColumnDesc& cd = in.tableDesc().columnDesc(cols[0]);
    IPosition cell = cd.ndim() == 1 ? IPosition(1, maxCorr) : IPosition(2, maxCorr, maxChan);
    if (cd.ndim() == 3) cell.append(IPosition(1, 1));  // FLAG_CATEGORY [corr, chan, category]
    const size_t elem = ValType::getTypeSize(cd.dataType());
    const ssize_t rows = std::max<ssize_t>(1, (1 << 20) / std::max<ssize_t>(1, cell.product() * elem));
    Record spec = dm.subRecord("SPEC");
    spec.define("DEFAULTTILESHAPE", cell.concatenate(IPosition(1, rows)).asVector());
    if (spec.isDefined("HYPERCUBES")) spec.removeField("HYPERCUBES");
    dm.defineRecord("SPEC", spec);
    dminfo.defineRecord(i, dm);
  }
  return dminfo;
}

// Creates an empty MS at path with src's columns (minus dropColumns, newline separated), storage managers,
// keywords and info, and copies of all subtables; subtables named in emptySubtables are copied without rows.
SHIM_API int cs_ms_create_like(void* src, const char* path, const char* dropColumns, const char* emptySubtables,
                               int maxCorr, int maxChan) {
  return shim::guarded([&] {
    const Table& in = *static_cast<Table*>(src);
    Table out = TableCopy::makeEmptyTable(path, tuned_dminfo(in, maxCorr, maxChan), in, Table::New,
                                          Table::AipsrcEndian, False, True);
    shim::discard_on_error(out, [&] {
      for (const std::string& col : shim::split_lines(dropColumns))
        if (out.tableDesc().isColumn(col)) out.removeColumn(col);
      copy_subtables(in, out, shim::split_lines(emptySubtables));
      mslayout::set_ms_info(out);
    });
  });
}

// Creates an empty MS at path with CASA's standard main-table layout (variable-shape visibility columns with
// ~1 MiB tiles for maxCorr × maxChan cells) plus the optional columns named in optionalColumns (newline separated,
// e.g. CORRECTED_DATA, MODEL_DATA, WEIGHT_SPECTRUM), copies of src's subtables (those in emptySubtables without
// rows) and MS table info. For outputs whose cells change shape (mstransform).
SHIM_API int cs_ms_create_fresh(void* src, const char* path, const char* optionalColumns, const char* emptySubtables,
                                int maxCorr, int maxChan) {
  return shim::guarded([&] {
    const Table& in = *static_cast<Table*>(src);
    std::vector<MS::PredefinedColumns> optional;
    for (const std::string& name : shim::split_lines(optionalColumns)) optional.push_back(MS::columnType(name));
    MeasurementSet out = mslayout::create_main(path, optional, mslayout::tile_for(maxCorr, maxChan), 0);
    // As a Table: MeasurementSet::flush would also flush its (unset) subtable objects.
    shim::discard_on_error(static_cast<Table&>(out), [&] {
      copy_subtables(in, out, shim::split_lines(emptySubtables));
      mslayout::set_ms_info(out);
    });
  });
}

// Copies rows of src to dst. runs: (srcRow, nrow, specIndex) triples in output order, written from dstRow0 on;
// specs: 6 ints per spec (chanStart, chanCount, chanStep, corrStart, corrCount, corrStep; count -1 = all);
// columns: "SRC=DST" lines. dst must already have the rows.
SHIM_API int cs_ms_copy_runs(void* src, void* dst, const int64_t* runs, int64_t nruns, int64_t dstRow0,
                             const int64_t* specs, int64_t nspecs, const char* columns) {
  return shim::guarded([&] {
    const Table& in = *static_cast<Table*>(src);
    Table& out = *static_cast<Table*>(dst);
    std::vector<Run> rs;
    rownr_t at = dstRow0;
    for (int64_t i = 0; i < nruns; ++i) {
      rs.push_back(Run{static_cast<rownr_t>(runs[3 * i]), static_cast<rownr_t>(runs[3 * i + 1]), at,
                       static_cast<int>(runs[3 * i + 2])});
      at += runs[3 * i + 1];
    }
    std::vector<SliceSpec> ss;
    for (int64_t i = 0; i < nspecs; ++i)
      ss.push_back(SliceSpec{specs[6 * i], specs[6 * i + 1], specs[6 * i + 2], specs[6 * i + 3], specs[6 * i + 4],
                             specs[6 * i + 5]});
    for (const std::string& line : shim::split_lines(columns)) {
      const size_t eq = line.find('=');
      const String from = line.substr(0, eq), to = eq == String::npos ? from : String(line.substr(eq + 1));
      switch (in.tableDesc().columnDesc(from).dataType()) {
        case TpBool: case TpArrayBool: copy_column<Bool>(in, out, from, to, rs, ss); break;
        case TpInt: case TpArrayInt: copy_column<Int>(in, out, from, to, rs, ss); break;
        case TpFloat: case TpArrayFloat: copy_column<Float>(in, out, from, to, rs, ss); break;
        case TpDouble: case TpArrayDouble: copy_column<Double>(in, out, from, to, rs, ss); break;
        case TpComplex: case TpArrayComplex: copy_column<Complex>(in, out, from, to, rs, ss); break;
        case TpInt64: case TpArrayInt64: copy_column<Int64>(in, out, from, to, rs, ss); break;
        case TpUChar: case TpArrayUChar: copy_column<uChar>(in, out, from, to, rs, ss); break;
        case TpShort: case TpArrayShort: copy_column<Short>(in, out, from, to, rs, ss); break;
        case TpUInt: case TpArrayUInt: copy_column<uInt>(in, out, from, to, rs, ss); break;
        case TpDComplex: case TpArrayDComplex: copy_column<DComplex>(in, out, from, to, rs, ss); break;
        case TpArrayString: copy_column<String>(in, out, from, to, rs, ss); break;
        case TpString: copy_column<String>(in, out, from, to, rs, ss); break;
        default: throw std::runtime_error("cannot copy column " + from + " of this type");
      }
    }
    out.flush();
  });
}
