#include "caltables.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScaColDesc.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/TableInfo.h>
#include <casacore/tables/Tables/TableRecord.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <unistd.h>

#include <filesystem>

using namespace casacore;

namespace {
TableDesc cal_desc() {
  TableDesc td;
  td.addColumn(ScalarColumnDesc<Double>("TIME"));
  td.addColumn(ScalarColumnDesc<Int>("FIELD_ID"));
  td.addColumn(ScalarColumnDesc<Int>("SPECTRAL_WINDOW_ID"));
  td.addColumn(ScalarColumnDesc<Int>("ANTENNA1"));
  td.addColumn(ScalarColumnDesc<Int>("ANTENNA2"));
  td.addColumn(ScalarColumnDesc<Double>("INTERVAL"));
  td.addColumn(ScalarColumnDesc<Int>("SCAN_NUMBER"));
  td.addColumn(ScalarColumnDesc<Int>("OBSERVATION_ID"));
  td.addColumn(ArrayColumnDesc<Complex>("CPARAM", 2));
  td.addColumn(ArrayColumnDesc<Float>("PARAMERR", 2));
  td.addColumn(ArrayColumnDesc<Bool>("FLAG", 2));
  td.addColumn(ArrayColumnDesc<Float>("SNR", 2));
  td.addColumn(ArrayColumnDesc<Float>("WEIGHT", 2));
  return td;
}

void fill(Table& t, const std::vector<caltables::Solution>& rows, int npol) {
  t.addRow(rows.size());
  ScalarColumn<Double> time(t, "TIME"), interval(t, "INTERVAL");
  ScalarColumn<Int> field(t, "FIELD_ID"), spw(t, "SPECTRAL_WINDOW_ID"), a1(t, "ANTENNA1"), a2(t, "ANTENNA2"), scan(t, "SCAN_NUMBER"),
      obs(t, "OBSERVATION_ID");
  ArrayColumn<Complex> cparam(t, "CPARAM");
  ArrayColumn<Float> err(t, "PARAMERR"), snr(t, "SNR"), weight(t, "WEIGHT");
  ArrayColumn<Bool> flag(t, "FLAG");
  for (rownr_t r = 0; r < rows.size(); ++r) {
    const caltables::Solution& s = rows[r];
    const IPosition shape(2, npol, s.nchan);
    time.put(r, s.time);
    interval.put(r, s.interval);
    field.put(r, s.field);
    spw.put(r, s.spw);
    a1.put(r, s.antenna);
    a2.put(r, -1);
    scan.put(r, s.scan);
    obs.put(r, 0);
    Array<Complex> p(shape);
    std::copy(s.param.begin(), s.param.end(), p.begin());
    cparam.put(r, p);
    err.put(r, Array<Float>(shape, 0.0f));
    snr.put(r, Array<Float>(shape, 100.0f));
    weight.put(r, Array<Float>(shape, 1.0f));
    flag.put(r, Array<Bool>(shape, false));
  }
}
}  // namespace

namespace caltables {
void write(const std::string& path, const std::string& visCal, const MeasurementSet& ms, const std::string& msName,
           const std::vector<Solution>& rows, int npol) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) throw std::runtime_error("simulate: " + path + " already exists");
  const std::string tmp = path + ".partial." + std::to_string(getpid());
  try {
    {
      SetupNewTable setup(tmp, cal_desc(), Table::New);
      StandardStMan ssm("SSM");
      setup.bindAll(ssm);
      Table t(setup);
      fill(t, rows, npol);
      TableRecord& kw = t.rwKeywordSet();
      kw.define("ParType", "Complex");
      kw.define("MSName", msName);
      kw.define("VisCal", visCal);
      kw.define("PolBasis", "UNKNOWN");
      const std::pair<const char*, const Table*> subtables[] = {
          {"ANTENNA", &ms.antenna()}, {"FIELD", &ms.field()}, {"SPECTRAL_WINDOW", &ms.spectralWindow()}, {"OBSERVATION", &ms.observation()}};
      for (const auto& [name, sub] : subtables) {
        sub->deepCopy(tmp + "/" + name, Table::New, True);  // a value copy: no "cp -r" through the shell
        kw.defineTable(name, Table(tmp + "/" + name));
      }
      t.tableInfo().setType("Calibration");
      t.tableInfo().setSubType(visCal);
      t.flush();
    }
    fs::rename(tmp, path);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
}
}  // namespace caltables
