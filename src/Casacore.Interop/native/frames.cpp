// Spectral frame conversion with casacore Measures (MFrequency::Convert), one call per vector of
// frequencies, and observatory look-up (MeasTable::Observatory).
#include <casacore/casa/Quanta/MVFrequency.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/measures/Measures/MCDirection.h>
#include <casacore/measures/Measures/MCFrequency.h>
#include <casacore/measures/Measures/MCPosition.h>
#include <casacore/measures/Measures/MDirection.h>
#include <casacore/measures/Measures/MEpoch.h>
#include <casacore/measures/Measures/MFrequency.h>
#include <casacore/measures/Measures/MPosition.h>
#include <casacore/measures/Measures/MeasConvert.h>
#include <casacore/measures/Measures/MeasFrame.h>
#include <casacore/measures/Measures/MeasTable.h>

#include <stdexcept>
#include <string>

#include "shim.h"

using namespace casacore;

namespace {
MFrequency::Types freq_type(int code) {
  if (code < MFrequency::REST || code >= MFrequency::N_Types)
    throw std::runtime_error("invalid spectral frame code " + std::to_string(code));
  return static_cast<MFrequency::Types>(code);
}

MPosition observatory(const char* name) {
  if (name == nullptr || *name == '\0') throw std::runtime_error("observatory name is empty");
  MPosition pos;
  if (!MeasTable::Observatory(pos, String(name)))
    throw std::runtime_error("observatory '" + std::string(name) +
                             "' is not known to casacore (MeasTable::Observatory); give its ITRF position instead");
  return pos;
}

MDirection direction(double ra, double dec, const char* ref) {
  MDirection::Types type = MDirection::J2000;
  if (ref != nullptr && *ref != '\0' && !MDirection::getType(type, String(ref)))
    throw std::runtime_error("unknown direction reference frame '" + std::string(ref) + "'");
  return MDirection(Quantity(ra, "rad"), Quantity(dec, "rad"), MDirection::Ref(type));
}

// Converts n frequencies (Hz) from one frame to another in a frame fixed by epoch, position and direction.
void convert(const double* in, double* out, int64_t n, int from, int to, double epochUtcSec, const MPosition& pos,
             const MDirection& dir) {
  if (n < 0) throw std::runtime_error("negative frequency count");
  if (n > 0 && (in == nullptr || out == nullptr)) throw std::runtime_error("null frequency buffer");
  const MFrequency::Types tFrom = freq_type(from), tTo = freq_type(to);
  if (tFrom == tTo) {
    for (int64_t i = 0; i < n; ++i) out[i] = in[i];
    return;
  }
  if (tFrom == MFrequency::REST || tTo == MFrequency::REST)
    throw std::runtime_error("conversion to or from REST needs a radial velocity; it is not supported");
  const MeasFrame frame(MEpoch(Quantity(epochUtcSec, "s"), MEpoch::UTC), pos, dir);
  const Unit hz("Hz");
  MFrequency::Convert conv(hz, MFrequency::Ref(tFrom, frame), MFrequency::Ref(tTo, frame));
  for (int64_t i = 0; i < n; ++i) out[i] = conv(in[i]).getValue().getValue();
}
}  // namespace

// Frequencies by observatory name (casacore's table, e.g. "VLA", "ALMA", "MeerKAT", "LOFAR").
SHIM_API int cs_freq_convert_obs(const double* in, double* out, int64_t n, int from, int to, double epochUtcSec,
                                 const char* obsName, double ra, double dec, const char* dirRef) {
  return static_cast<int>(shim::serialized([&] {
    convert(in, out, n, from, to, epochUtcSec, observatory(obsName), direction(ra, dec, dirRef));
  }));
}

// Frequencies by ITRF position (x, y, z in metres) for arrays casacore does not know.
SHIM_API int cs_freq_convert_itrf(const double* in, double* out, int64_t n, int from, int to, double epochUtcSec,
                                  double x, double y, double z, double ra, double dec, const char* dirRef) {
  return static_cast<int>(shim::serialized([&] {
    const MPosition pos(MVPosition(x, y, z), MPosition::ITRF);
    convert(in, out, n, from, to, epochUtcSec, pos, direction(ra, dec, dirRef));
  }));
}

// The ITRF position (metres) of a named observatory.
SHIM_API int cs_observatory_itrf(const char* obsName, double* xyz) {
  return static_cast<int>(shim::serialized([&] {
    if (xyz == nullptr) throw std::runtime_error("null position buffer");
    const MPosition itrf = MPosition::Convert(observatory(obsName), MPosition::ITRF)();
    const Vector<Double> v = itrf.getValue().getValue();
    for (int i = 0; i < 3; ++i) xyz[i] = v[i];
  }));
}

// Elevation (radians) of J2000 directions seen from ITRF positions at UTC epochs (MJD seconds), one value per
// (x, y, z, time, ra, dec) tuple: for flagdata's elevation mode. Frames are reused while position and time repeat.
SHIM_API int cs_elevations(const double* xyz, const double* time, const double* ra, const double* dec, int64_t n, double* out) {
  return static_cast<int>(shim::serialized([&] {
    for (int64_t i = 0; i < n; ++i) {
      const MPosition pos(MVPosition(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]), MPosition::ITRF);
      const MeasFrame frame(MEpoch(Quantity(time[i], "s"), MEpoch::UTC), pos);
      const MDirection dir(MVDirection(ra[i], dec[i]), MDirection::J2000);
      const MDirection azel = MDirection::Convert(dir, MDirection::Ref(MDirection::AZEL, frame))();
      out[i] = azel.getAngle("rad").getValue()[1];
    }
  }));
}

// Unit vectors (ITRF x, y, z) towards J2000 directions at UTC epochs (MJD seconds), one per (time, ra, dec), seen
// from an ITRF position: for shadowing by antennas given as positions (flagdata addantenna).
SHIM_API int cs_itrf_directions(const double* time, const double* ra, const double* dec, int64_t n, const double* site,
                                double* out) {
  return static_cast<int>(shim::serialized([&] {
    const MPosition pos(MVPosition(site[0], site[1], site[2]), MPosition::ITRF);
    for (int64_t i = 0; i < n; ++i) {
      const MeasFrame frame(MEpoch(Quantity(time[i], "s"), MEpoch::UTC), pos);
      const MDirection dir(MVDirection(ra[i], dec[i]), MDirection::J2000);
      const Vector<Double> v = MDirection::Convert(dir, MDirection::Ref(MDirection::ITRF, frame))().getValue().getValue();
      for (int k = 0; k < 3; ++k) out[3 * i + k] = v[k];
    }
  }));
}
