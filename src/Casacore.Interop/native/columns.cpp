// Table keywords and MS columns added in place (applycal's CORRECTED_DATA, clearcal's MODEL_DATA).
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>

#include <sstream>

#include "mslayout.h"
#include "shim.h"

using namespace casacore;

// Scalar keywords of the table as "NAME=value\n" lines (numbers and bools as text); tables, arrays and records
// are left out. A calibration table's VisCal, ParType, PolBasis, CASA_Version are read this way.
SHIM_API int64_t cs_table_keywords(void* t, char* buf, int64_t len) {
  return shim::guarded([&] {
    const TableRecord& kw = static_cast<Table*>(t)->keywordSet();
    std::ostringstream os;
    os.precision(17);
    for (uInt i = 0; i < kw.nfields(); ++i) {
      switch (kw.type(i)) {
        case TpString: os << kw.name(i) << '=' << kw.asString(i) << '\n'; break;
        case TpBool: os << kw.name(i) << '=' << (kw.asBool(i) ? "true" : "false") << '\n'; break;
        case TpInt: case TpUInt: case TpShort: case TpInt64: os << kw.name(i) << '=' << kw.asInt64(i) << '\n'; break;
        case TpFloat: case TpDouble: os << kw.name(i) << '=' << kw.asDouble(i) << '\n'; break;
        default: break;
      }
    }
    return shim::copy_out(os.str(), buf, len);
  });
}

// Adds the MS column col (CORRECTED_DATA or MODEL_DATA: its standard description) to the open, writable MS main
// table, in its own TiledShapeStMan (cells may differ in shape between spws) with the ~1 MiB tile of the largest
// cell; the cells stay undefined until written. casacore takes the table's write lock for the change.
SHIM_API int cs_ms_add_data_column(void* t, const char* col, int ncorr, int nchan) {
  return shim::guarded([&] {
    Table& table = *static_cast<Table*>(t);
    const MS::PredefinedColumns which = MS::columnType(col);
    if (which != MS::CORRECTED_DATA && which != MS::MODEL_DATA)
      throw std::runtime_error(std::string("not a data column that can be added: ") + col);
    TableDesc td;
    MS::addColumnToDesc(td, which, 2);
    const String hyper = which == MS::CORRECTED_DATA ? "CorrectedTiled" : "ModelTiled";
    td.defineHypercolumn(hyper, 3, stringToVector(col));
    TiledShapeStMan sm(hyper, mslayout::tile_for(ncorr, nchan));
    table.addColumn(td, sm);
    table.flush();
  });
}
