// Calibration tables in CASA's format (NewCalTable) for the simulator's true gains: `simulate --caltables PREFIX`.
#pragma once
#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <complex>
#include <string>
#include <vector>

namespace caltables {
// One solution row: an antenna's parameters in one spw at one time, cell [nchan][npol] (pol fastest, casacore's
// [npol, nchan] order).
struct Solution {
  double time, interval;
  int field, scan, spw, antenna, nchan;
  std::vector<std::complex<float>> param;
};

// Writes a table of VisCal type visCal ("G Jones", "B Jones") for ms at path (under a temporary name, renamed when
// complete): main table rows in the given order, MSName msName, ANTENNA, FIELD, SPECTRAL_WINDOW and OBSERVATION copied from ms.
void write(const std::string& path, const std::string& visCal, const casacore::MeasurementSet& ms, const std::string& msName,
           const std::vector<Solution>& rows, int npol);
}  // namespace caltables
