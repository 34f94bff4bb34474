// Generic table access: open/close, queries, bulk column I/O, per-cell access for small subtables.
#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/tables/TaQL/TableParse.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableCopy.h>
#include <casacore/tables/Tables/TableRecord.h>
#include <casacore/tables/Tables/TableLock.h>

#include <sstream>

#include "shim.h"
#include "typed.h"

using namespace casacore;

namespace {
Table& T(void* h) {
  if (h == nullptr) throw std::runtime_error("null table handle");
  return *static_cast<Table*>(h);
}

IPosition to_ipos(const int64_t* v, int n) {
  IPosition p(n);
  for (int i = 0; i < n; ++i) p[i] = v[i];
  return p;
}

void* open_table(const char* path, int writable) {
  Table* t = nullptr;
  shim::guarded([&] {
    const Table::TableOption opt = writable ? Table::Update : Table::Old;
    t = new Table(String(path), TableLock(TableLock::AutoNoReadLocking), opt);
  });
  return t;
}

// Reads (get=true) or writes a range of rows of a scalar or array column with an optional in-cell slice.
template <class T>
void column_range(Table& t, const String& col, rownr_t row0, rownr_t nrow, void* buf, int64_t nelem,
                  const Slicer* cellSlice, const IPosition& givenCell, bool get) {
  const ColumnDesc& cd = t.tableDesc().columnDesc(col);
  const Slicer rows(IPosition(1, row0), IPosition(1, nrow));
  if (cd.isScalar()) {
    if (nelem != static_cast<int64_t>(nrow)) throw std::runtime_error("buffer size mismatch for column " + col);
    Vector<T> v(IPosition(1, nrow), static_cast<T*>(buf), SHARE);
    ScalarColumn<T> c(t, col);
    if (get) c.getColumnRange(rows, v); else c.putColumnRange(rows, v);
    return;
  }
  ArrayColumn<T> c(t, col);
  // New rows have no cells yet: a writer gives their shape; otherwise it is the first row's.
  IPosition cell = givenCell.empty() ? c.shape(row0) : givenCell;
  if (cellSlice != nullptr) {
    IPosition blc, trc, inc;
    cell = cellSlice->inferShapeFromSource(cell, blc, trc, inc);
  }
  IPosition shape = cell.concatenate(IPosition(1, nrow));
  if (nelem != static_cast<int64_t>(shape.product()))
    throw std::runtime_error("buffer size mismatch for column " + col + ": cells are " + cell.toString());
  Array<T> a(shape, static_cast<T*>(buf), SHARE);
  if (cellSlice != nullptr) {
    if (get) c.getColumnRange(rows, *cellSlice, a); else c.putColumnRange(rows, *cellSlice, a);
  } else {
    if (get) c.getColumnRange(rows, a); else c.putColumnRange(rows, a);
  }
}

struct ColumnRange {
  template <class T>
  void operator()(Table& t, const String& col, rownr_t row0, rownr_t nrow, void* buf, int64_t nelem,
                  const Slicer* slice, const IPosition& cell, bool get) const {
    column_range<T>(t, col, row0, nrow, buf, nelem, slice, cell, get);
  }
};

struct CellArray {
  // Reads one cell into buf (at most maxelem elements); returns the element count and fills shape.
  template <class T>
  int64_t get(Table& t, const String& col, rownr_t row, void* buf, int64_t maxelem, int64_t* shape, int maxdim,
              int* ndim) const {
    ArrayColumn<T> c(t, col);
    if (!c.isDefined(row)) { *ndim = 0; return 0; }
    Array<T> a = c(row);
    if (static_cast<int>(a.ndim()) > maxdim) throw std::runtime_error("cell has too many dimensions");
    *ndim = a.ndim();
    for (size_t i = 0; i < a.ndim(); ++i) shape[i] = a.shape()[i];
    const int64_t n = a.nelements();
    if (n <= maxelem) {
      Array<T> out(a.shape(), static_cast<T*>(buf), SHARE);
      out = a;
    }
    return n;
  }
  template <class T>
  void put(Table& t, const String& col, rownr_t row, const void* buf, int ndim, const int64_t* shape) const {
    ArrayColumn<T> c(t, col);
    Array<T> a(to_ipos(shape, ndim), static_cast<T*>(const_cast<void*>(buf)), SHARE);
    c.put(row, a);
  }
};
}  // namespace

SHIM_API void* cs_table_open(const char* path, int writable) { return open_table(path, writable); }

// Flushes first, where an error can still be reported; when that fails the table object is left open (its
// destructor would write again, and an error in a destructor is std::terminate): the caller is failing anyway.
SHIM_API int cs_table_close(void* t) {
  Table* table = static_cast<Table*>(t);
  if (table == nullptr) return 0;
  if (shim::guarded([&] { if (table->isWritable()) table->flush(); }) < 0) return -1;
  return shim::guarded([&] { delete table; });
}

SHIM_API int64_t cs_table_nrow(void* t) {
  return shim::guarded([&] { return static_cast<int64_t>(T(t).nrow()); });
}

SHIM_API int cs_table_flush(void* t) {
  return shim::guarded([&] { T(t).flush(); });
}

SHIM_API int64_t cs_table_name(void* t, char* buf, int64_t len) {
  return shim::guarded([&] { return shim::copy_out(T(t).tableName(), buf, len); });
}

// Column names, one per line.
SHIM_API int64_t cs_table_colnames(void* t, char* buf, int64_t len) {
  return shim::guarded([&] {
    std::ostringstream os;
    for (const String& n : T(t).tableDesc().columnNames()) os << n << '\n';
    return shim::copy_out(os.str(), buf, len);
  });
}

// Subtable keywords of the table, "NAME\n" per line.
SHIM_API int64_t cs_table_subtables(void* t, char* buf, int64_t len) {
  return shim::guarded([&] {
    std::ostringstream os;
    const TableRecord& kw = T(t).keywordSet();
    for (uInt i = 0; i < kw.nfields(); ++i)
      if (kw.type(i) == TpTable) os << kw.name(i) << '\n';
    return shim::copy_out(os.str(), buf, len);
  });
}

// The tables a table is made of, each name ending in a NUL (a path may hold a newline): the parts of a ConcatTable
// (an MMS's members as its table.dat lists them), or the table itself.
SHIM_API int64_t cs_table_parts(void* t, char* buf, int64_t len) {
  return shim::guarded([&] {
    std::ostringstream os;
    const Block<String> parts = T(t).getPartNames(False);
    for (const String& p : parts) os << p << '\0';
    return shim::copy_out(os.str(), buf, len);
  });
}

// "type\nsubtype\nreadme".
SHIM_API int64_t cs_table_info(void* t, char* buf, int64_t len) {
  return shim::guarded([&] {
    const TableInfo& info = T(t).tableInfo();
    return shim::copy_out(info.type() + "\n" + info.subType() + "\n" + info.readme(), buf, len);
  });
}

// Runs a TaQL command in which $1 is the given table; returns a new table handle (null on error).
SHIM_API void* cs_table_query(void* t, const char* command) {
  Table* out = nullptr;
  shim::serialized([&] {
    std::vector<const Table*> tabs{&T(t)};
    out = new Table(tableCommand(command, tabs).table());
  });
  return out;
}

// Row numbers in the root table of rows [row0, row0 + n): a root table's rows are its own, so no vector of every row
// is made for it (casacore's rowNumbers() would make one per call); a reference table's come from its own row list.
SHIM_API int64_t cs_table_rownumbers(void* t, int64_t row0, int64_t* out, int64_t n) {
  return shim::guarded([&] {
    const Table& table = T(t);
    if (row0 < 0 || n < 0 || row0 + n > static_cast<int64_t>(table.nrow())) throw std::runtime_error("row range outside the table");
    if (table.isRootTable()) {
      for (int64_t i = 0; i < n; ++i) out[i] = row0 + i;
      return n;
    }
    const RowNumbers rows = table.rowNumbers();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(rows[row0 + i]);
    return n;
  });
}

SHIM_API int cs_table_add_rows(void* t, int64_t n) {
  return shim::guarded([&] { T(t).addRow(n); });
}

SHIM_API int cs_table_remove_rows(void* t, const int64_t* rows, int64_t n) {
  return shim::guarded([&] {
    Vector<rownr_t> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = rows[i];
    T(t).removeRow(v);
  });
}

// Appends n rows of src (from srcStart) to dst at dstStart, column by column (columns of dst, by name).
SHIM_API int cs_table_copy_rows(void* dst, void* src, int64_t dstStart, int64_t srcStart, int64_t n) {
  return shim::guarded([&] {
    Table& d = T(dst);
    if (static_cast<int64_t>(d.nrow()) < dstStart + n) d.addRow(dstStart + n - d.nrow());
    TableCopy::copyRows(d, T(src), dstStart, srcStart, n, True);
  });
}

// Deep copy (all subtables too) to a new plain table; valueCopy keeps the storage managers.
SHIM_API int cs_table_deep_copy(void* t, const char* path, int noRows) {
  return shim::guarded([&] {
    T(t).deepCopy(path, Table::New, True, Table::AipsrcEndian, noRows != 0);
  });
}

// An empty plain table at path with the given columns of t (newline separated) and their storage managers, and no
// subtables: a deep copy would copy those too, and casacore copies a table directory by running "cp -r" through the
// shell, which breaks on a path with a quote.
SHIM_API int cs_table_empty_columns(void* t, const char* columns, const char* path) {
  return shim::guarded([&] {
    std::vector<String> names;
    std::istringstream is(columns);
    std::string line;
    while (std::getline(is, line))
      if (!line.empty()) names.push_back(line);
    Block<String> cols(names.size());
    for (size_t i = 0; i < names.size(); ++i) cols[i] = names[i];
    Table projected = T(t).project(cols);
    Table out = TableCopy::makeEmptyTable(path, projected.dataManagerInfo(), projected, Table::New, Table::AipsrcEndian,
                                          False, True);
    shim::discard_on_error(out, [&] {
      TableRecord& kw = out.rwKeywordSet();
      for (Int i = static_cast<Int>(kw.nfields()) - 1; i >= 0; --i)
        if (kw.type(i) == TpTable) kw.removeField(i);
    });
  });
}

SHIM_API int cs_table_cell_defined(void* t, const char* col, int64_t row) {
  return shim::guarded([&] { return TableColumn(T(t), col).isDefined(row) ? 1 : 0; });
}

// Bulk read/write of rows [row0, row0+nrow) of one column into/from a caller buffer of nelem elements.
// Optional in-cell slice (ndim entries of start/length/stride; ndim 0 = whole cells). cellNdim/cellShape give
// the cell shape of array rows being written for the first time (cellNdim 0: take the existing first cell's).
SHIM_API int cs_col_io(void* t, const char* col, int64_t row0, int64_t nrow, int type, void* buf, int64_t nelem,
                       int sliceNdim, const int64_t* start, const int64_t* length, const int64_t* stride,
                       int cellNdim, const int64_t* cellShape, int write) {
  return shim::guarded([&] {
    Slicer slicer;
    const Slicer* sp = nullptr;
    if (sliceNdim > 0) {
      slicer = Slicer(to_ipos(start, sliceNdim), to_ipos(length, sliceNdim), to_ipos(stride, sliceNdim));
      sp = &slicer;
    }
    const IPosition cell = cellNdim > 0 ? to_ipos(cellShape, cellNdim) : IPosition();
    typed::dispatch(type, ColumnRange{}, T(t), String(col), static_cast<rownr_t>(row0), static_cast<rownr_t>(nrow),
                    buf, nelem, sp, cell, write == 0);
  });
}

SHIM_API int64_t cs_cell_get_array(void* t, const char* col, int64_t row, int type, void* buf, int64_t maxelem,
                                   int64_t* shape, int maxdim, int* ndim) {
  return shim::guarded([&] {
    CellArray op;
    switch (type) {
      case CS_BOOL: return op.get<Bool>(T(t), col, row, buf, maxelem, shape, maxdim, ndim);
      case CS_INT: return op.get<Int>(T(t), col, row, buf, maxelem, shape, maxdim, ndim);
      case CS_FLOAT: return op.get<Float>(T(t), col, row, buf, maxelem, shape, maxdim, ndim);
      case CS_DOUBLE: return op.get<Double>(T(t), col, row, buf, maxelem, shape, maxdim, ndim);
      case CS_COMPLEX: return op.get<Complex>(T(t), col, row, buf, maxelem, shape, maxdim, ndim);
      default: throw std::runtime_error("unsupported element type for cell access");
    }
  });
}

SHIM_API int cs_cell_put_array(void* t, const char* col, int64_t row, int type, const void* buf, int ndim,
                               const int64_t* shape) {
  return shim::guarded([&] {
    CellArray op;
    switch (type) {
      case CS_BOOL: op.put<Bool>(T(t), col, row, buf, ndim, shape); break;
      case CS_INT: op.put<Int>(T(t), col, row, buf, ndim, shape); break;
      case CS_FLOAT: op.put<Float>(T(t), col, row, buf, ndim, shape); break;
      case CS_DOUBLE: op.put<Double>(T(t), col, row, buf, ndim, shape); break;
      case CS_COMPLEX: op.put<Complex>(T(t), col, row, buf, ndim, shape); break;
      default: throw std::runtime_error("unsupported element type for cell access");
    }
  });
}

SHIM_API int64_t cs_cell_get_string(void* t, const char* col, int64_t row, char* buf, int64_t len) {
  return shim::guarded([&] { return shim::copy_out(ScalarColumn<String>(T(t), col)(row), buf, len); });
}

