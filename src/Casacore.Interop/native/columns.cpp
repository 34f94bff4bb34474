// Table keywords and MS columns added in place (applycal's CORRECTED_DATA, clearcal's MODEL_DATA).
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>
#include <casacore/tables/Tables/TableColumn.h>

#include <sstream>

#include "mslayout.h"
#include "shim.h"

using namespace casacore;

namespace {
// Writes the scalar keywords of kw as "PREFIXNAME=value\n" lines (numbers and bools as text), sub-records with
// "NAME." prefixed (MEASINFO.Ref) and String vectors comma-joined (QuantumUnits); tables and other arrays are left out.
void print_keywords(const TableRecord& kw, const std::string& prefix, std::ostringstream& os) {
  for (uInt i = 0; i < kw.nfields(); ++i) {
    const std::string name = prefix + kw.name(i);
    switch (kw.type(i)) {
      case TpString: os << name << '=' << kw.asString(i) << '\n'; break;
      case TpBool: os << name << '=' << (kw.asBool(i) ? "true" : "false") << '\n'; break;
      case TpInt: case TpUInt: case TpShort: case TpInt64: os << name << '=' << kw.asInt64(i) << '\n'; break;
      case TpFloat: case TpDouble: os << name << '=' << kw.asDouble(i) << '\n'; break;
      case TpRecord: print_keywords(kw.subRecord(i), name + ".", os); break;
      case TpArrayString: {
        const Array<String> values = kw.asArrayString(i);
        os << name << '=';
        bool first = true;
        for (const String& v : values) os << (first ? "" : ",") << v, first = false;
        os << '\n';
        break;
      }
      default: break;
    }
  }
}
}  // namespace

// The keywords of the table (column "") or of one of its columns as "NAME=value" lines (see print_keywords). A
// calibration table's VisCal, ParType, PolBasis, CASA_Version, a column's MEASINFO.Ref are read this way.
SHIM_API int64_t cs_table_keywords(void* t, const char* column, char* buf, int64_t len) {
  return shim::guarded([&] {
    Table& table = *static_cast<Table*>(t);
    std::ostringstream os;
    os.precision(17);
    print_keywords(column[0] == '\0' ? table.keywordSet() : TableColumn(table, column).keywordSet(), "", os);
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
