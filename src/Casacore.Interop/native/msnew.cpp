// A MeasurementSet made from nothing (importuvh5), and the cell and keyword writes its subtables need.
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/TableRecord.h>

#include "mslayout.h"
#include "shim.h"

using namespace casacore;

namespace {
MDirection::Types direction_type(const char* ref) {
  MDirection::Types type;
  if (!MDirection::getType(type, String(ref))) throw std::runtime_error(std::string("unknown direction reference ") + ref);
  return type;
}

void add_subtable(MeasurementSet& ms, const String& name, const TableDesc& desc) {
  SetupNewTable sub(ms.tableName() + "/" + name, desc, Table::New);
  ms.rwKeywordSet().defineTable(name, Table(sub));
}
}  // namespace

// Creates an empty MS at path: CASA's main-table layout with optionalColumns (newline separated) and tiles for
// maxCorr × maxChan cells, the default subtables and SOURCE, FIELD and SOURCE directions in directionRef (ICRS,
// J2000, AZELGEO ...; set while the tables are empty, as casacore requires). Beyond the standard: SPECTRAL_WINDOW's
// optional ASSOC_SPW_ID/ASSOC_NATURE and OBSERVATION's TELESCOPE_LOCATION (ECEF, m), pyuvdata's columns that carry a
// UVH5 file's spw numbers and telescope location through an MS. The caller opens it to fill it.
SHIM_API int cs_ms_create_new(const char* path, const char* optionalColumns, int maxCorr, int maxChan,
                              const char* directionRef) {
  return shim::guarded([&] {
    std::vector<MS::PredefinedColumns> optional;
    for (const std::string& name : shim::split_lines(optionalColumns)) optional.push_back(MS::columnType(name));
    MeasurementSet ms = mslayout::create_main(path, optional, mslayout::tile_for(maxCorr, maxChan), 0);
    shim::discard_on_error(static_cast<Table&>(ms), [&] {
      ms.createDefaultSubtables(Table::New);
      add_subtable(ms, "SOURCE", MSSource::requiredTableDesc());
      ms.initRefs();
      MSSpectralWindow spw = ms.spectralWindow();
      spw.addColumn(ArrayColumnDesc<Int>(MSSpectralWindow::columnName(MSSpectralWindow::ASSOC_SPW_ID), 1));
      spw.addColumn(ArrayColumnDesc<String>(MSSpectralWindow::columnName(MSSpectralWindow::ASSOC_NATURE), 1));
      MSObservation obs = ms.observation();
      obs.addColumn(ArrayColumnDesc<Double>("TELESCOPE_LOCATION", IPosition(1, 3), ColumnDesc::FixedShape));
      const MDirection::Types dir = direction_type(directionRef);
      MSFieldColumns(ms.field()).setDirectionRef(dir);
      MSSourceColumns(ms.source()).setDirectionRef(dir);
      mslayout::set_ms_info(ms);
      ms.flush(true);
    });
  });
}

// Writes strings (n NUL-terminated strings packed in buf) into a scalar String cell (n = 1) or a 1-D String array
// cell of row.
SHIM_API int cs_cell_put_strings(void* t, const char* col, int64_t row, const char* buf, int64_t n) {
  return shim::guarded([&] {
    Table& table = *static_cast<Table*>(t);
    Vector<String> values(n);
    for (int64_t i = 0; i < n; ++i) {
      values[i] = String(buf);
      buf += values[i].size() + 1;
    }
    if (table.tableDesc().columnDesc(col).isScalar()) {
      if (n != 1) throw std::runtime_error(std::string("one string for scalar column ") + col);
      ScalarColumn<String>(table, col).put(row, values[0]);
    } else {
      ArrayColumn<String>(table, col).put(row, values);
    }
  });
}

// Defines keyword name of the table (column "") or of a column: kind 'b' a Bool ("true"/"false"), 's' a String,
// 'v' a one-element String vector (the form of QuantumUnits).
SHIM_API int cs_table_put_keyword(void* t, const char* column, const char* name, char kind, const char* value) {
  return shim::guarded([&] {
    Table& table = *static_cast<Table*>(t);
    TableRecord& kw = column[0] == '\0' ? table.rwKeywordSet() : TableColumn(table, column).rwKeywordSet();
    switch (kind) {
      case 'b': kw.define(name, String(value) == "true"); break;
      case 's': kw.define(name, String(value)); break;
      case 'v': kw.define(name, Vector<String>(1, String(value))); break;
      default: throw std::runtime_error(std::string("unknown keyword kind ") + kind);
    }
  });
}
