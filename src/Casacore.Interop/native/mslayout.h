// CASA's main-table layout for a new MeasurementSet: IncrementalStMan by default, StandardStMan for the per-row
// scalars that change every row, one TiledShapeStMan hypercolumn per visibility-shaped column (variable cell
// shapes, so spws may differ), TiledColumnStMan for UVW. Shared by mstransform's output and the simulator
// (src/Simulator/native compiles mslayout.cpp into libmssimulator too).
#pragma once
#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <string>
#include <vector>

namespace mslayout {
// Optional columns beyond the required ones: DATA, FLAG, FLAG_CATEGORY, WEIGHT, SIGMA are always there.
casacore::MeasurementSet create_main(const std::string& path, const std::vector<casacore::MS::PredefinedColumns>& optional,
                                     const casacore::IPosition& dataTile, casacore::rownr_t nrow);

// The info of a plain MS, as casacore's MeasurementSet writes it (also when the input is a Multi-MS, whose info
// says CONCATENATED).
void set_ms_info(casacore::Table& out);

// MSTileLayout's ~1 MiB tile [corr, chan, rows] for cells of ncorr × nchan.
casacore::IPosition tile_for(int ncorr, int nchan);
}  // namespace mslayout
