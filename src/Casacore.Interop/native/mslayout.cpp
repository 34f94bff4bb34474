#include "mslayout.h"
#include "shim.h"

#include <casacore/measures/Measures/Muvw.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MSTileLayout.h>
#include <casacore/tables/DataMan/IncrementalStMan.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/DataMan/TiledColumnStMan.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/TableInfo.h>

using namespace casacore;

namespace {
struct TiledColumn {
  MS::PredefinedColumns column;
  std::string hypercolumn;
  int ndim;  // hypercube dimensions
};

std::vector<TiledColumn> tiled_columns(const std::vector<MS::PredefinedColumns>& optional) {
  std::vector<TiledColumn> cols{{MS::FLAG, "TiledFlag", 3}, {MS::FLAG_CATEGORY, "TiledFlagCategory", 4},
                                {MS::WEIGHT, "TiledWgt", 2}, {MS::SIGMA, "TiledSigma", 2}};
  for (MS::PredefinedColumns c : optional) {
    const int ndim = c == MS::WEIGHT_SPECTRUM || c == MS::SIGMA_SPECTRUM || c == MS::DATA || c == MS::CORRECTED_DATA ||
                     c == MS::MODEL_DATA || c == MS::FLOAT_DATA ? 3 : 2;
    cols.push_back({c, "Tiled" + MS::columnName(c), ndim});
  }
  return cols;
}

IPosition hypercube_tile(const TiledColumn& col, const IPosition& tile) {
  switch (col.ndim) {
    case 2: return IPosition(2, tile[0], tile[2]);
    case 4: return IPosition(4, tile[0], tile[1], 1, tile[2]);
    default: return tile;
  }
}
}  // namespace

namespace mslayout {
void set_ms_info(Table& out) {
  TableInfo& info = out.tableInfo();
  info.setType(TableInfo::type(TableInfo::MEASUREMENTSET));
  info.setSubType("");
  info.readmeClear();
  info.readmeAddLine("This is a MeasurementSet Table holding measurements from a Telescope");
  out.flushTableInfo();
}

IPosition tile_for(int ncorr, int nchan) { return MSTileLayout::tileShape(IPosition(2, ncorr, nchan)); }

MeasurementSet create_main(const std::string& path, const std::vector<MS::PredefinedColumns>& optional,
                           const IPosition& dataTile, rownr_t nrow) {
  TableDesc td = MS::requiredTableDesc();
  const std::vector<TiledColumn> tiled = tiled_columns(optional);
  for (const TiledColumn& c : tiled) {
    if (!td.isColumn(MS::columnName(c.column))) MS::addColumnToDesc(td, c.column, 2);
    td.defineHypercolumn(c.hypercolumn, c.ndim, stringToVector(MS::columnName(c.column)));
  }
  td.defineHypercolumn("TiledUVW", 2, stringToVector(MS::columnName(MS::UVW)));
  SetupNewTable setup(path, td, Table::New);
  IncrementalStMan ism("ISMData");
  StandardStMan ssm("SSMVar", 32768);
  setup.bindAll(ism);
  for (auto col : {MS::ANTENNA1, MS::ANTENNA2, MS::DATA_DESC_ID, MS::TIME, MS::TIME_CENTROID})
    setup.bindColumn(MS::columnName(col), ssm);
  for (const TiledColumn& c : tiled) {
    TiledShapeStMan sm(c.hypercolumn, hypercube_tile(c, dataTile));
    setup.bindColumn(MS::columnName(c.column), sm);
  }
  TiledColumnStMan uvwSm("TiledUVW", IPosition(2, 3, 1024));
  setup.bindColumn(MS::columnName(MS::UVW), uvwSm);
  MeasurementSet ms(setup, 0);
  shim::discard_on_error(static_cast<Table&>(ms), [&] {
    MSMainColumns(ms).setUVWRef(Muvw::J2000);  // only possible while the table is empty
    if (nrow > 0) ms.addRow(nrow);
  });
  return ms;
}
}  // namespace mslayout
