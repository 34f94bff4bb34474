// Synthetic MeasurementSets for demos, tests and benchmarks (`MmsMpi simulate`): a real array's layout, several
// spectral windows, fields and scans with intents, UVW from casacore Measures, point-source visibilities with
// antenna gains, seeded thermal noise and flags, plus POINTING and SYSCAL. Main-table rows are generated in
// (integration, spw) blocks on a worker thread while the previous block is written with putColumnRange.
#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/BasicSL/Constants.h>
#include <casacore/casa/Logging/LogFilterInterface.h>
#include <casacore/casa/Logging/LogSink.h>
#include <casacore/casa/Quanta/MVBaseline.h>
#include <casacore/casa/Quanta/MVuvw.h>
#include <casacore/measures/Measures/MBaseline.h>
#include <casacore/measures/Measures/MCBaseline.h>
#include <casacore/measures/Measures/MCPosition.h>
#include <casacore/measures/Measures/MDirection.h>
#include <casacore/measures/Measures/MEpoch.h>
#include <casacore/measures/Measures/MPosition.h>
#include <casacore/measures/Measures/MeasConvert.h>
#include <casacore/measures/Measures/MeasFrame.h>
#include <casacore/measures/Measures/MeasTable.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MSTileLayout.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/DataMan/IncrementalStMan.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/DataMan/TiledColumnStMan.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "caltables.h"
#include "mslayout.h"

using namespace casacore;

namespace {
constexpr double kPi = M_PI;
constexpr double kDeg = kPi / 180;
constexpr double kSlew = 30;              // seconds between scans
constexpr double kStartMjd = 60462;       // 2024-06-01, the observing day
constexpr double kBoltzmannJy = 1.380649e-23 / 1e-26;

// ---------------------------------------------------------------------------------------------------------------
// Configuration: "key=value" lines from C# (Simulator.cs).

struct Config {
  std::string outputvis, array = "vla";
  std::vector<int> nchan{64, 32, 128};
  int ncorr = 4, nfield = 3, nscan = 4;
  double scanLength = 60, integration = 10, sizeMb = 0;
  bool corrected = false, model = false, weightSpectrum = false, autocorr = false;
  uint64_t seed = 1;
  // Prefix of the true gain (PREFIX.G) and bandpass (PREFIX.B) tables; '' writes none and leaves the band flat.
  std::string caltables;
};

std::vector<int> parse_ints(const std::string& text) {
  std::vector<int> out;
  std::istringstream is(text);
  for (std::string item; std::getline(is, item, ',');) out.push_back(std::stoi(item));
  return out;
}

void validate(const Config& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("simulate: " + what);
  };
  require(!c.outputvis.empty(), "outputvis is required");
  require(c.ncorr == 2 || c.ncorr == 4, "ncorr must be 2 or 4");
  require(!c.nchan.empty(), "nchan needs at least one spectral window");
  for (int n : c.nchan) require(n >= 1, "every nchan must be >= 1");
  require(c.nfield >= 1 && c.nscan >= 1, "nfield and nscan must be >= 1");
  require(c.integration > 0 && c.scanLength >= c.integration, "need integration > 0 and scan-length >= integration");
  require(c.sizeMb >= 0, "size-mb must be >= 0");
}

Config parse_config(const char* text) {
  Config c;
  std::istringstream is(text != nullptr ? text : "");
  for (std::string line; std::getline(is, line);) {
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) throw std::runtime_error("simulate: bad config line '" + line + "'");
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "outputvis") c.outputvis = v;
    else if (k == "array") c.array = v;
    else if (k == "nchan") c.nchan = parse_ints(v);
    else if (k == "ncorr") c.ncorr = std::stoi(v);
    else if (k == "nfield") c.nfield = std::stoi(v);
    else if (k == "nscan") c.nscan = std::stoi(v);
    else if (k == "scan_length") c.scanLength = std::stod(v);
    else if (k == "integration") c.integration = std::stod(v);
    else if (k == "size_mb") c.sizeMb = std::stod(v);
    else if (k == "corrected") c.corrected = v == "1";
    else if (k == "model") c.model = v == "1";
    else if (k == "weight_spectrum") c.weightSpectrum = v == "1";
    else if (k == "autocorr") c.autocorr = v == "1";
    else if (k == "seed") c.seed = std::stoull(v);
    else if (k == "caltables") c.caltables = v;
    else throw std::runtime_error("simulate: unknown config key '" + k + "'");
  }
  validate(c);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers: xoshiro256+ seeded through splitmix64; normal deviates by table lookup of the inverse CDF
// (65536 equal-probability bins, linear inside a bin): about 1 ns each; tails end at 4.4 sigma.

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t x = seed * 0x2545f4914f6cdd1dULL + stream;
    for (auto& v : s_) v = splitmix(x);
  }
  uint64_t next() {
    const uint64_t result = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0], s_[3] ^= s_[1], s_[1] ^= s_[2], s_[0] ^= s_[3], s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return result;
  }
  double uniform() { return (next() >> 11) * 0x1.0p-53; }
  // Two standard normal deviates from one 64-bit draw.
  std::pair<float, float> normals() {
    const uint64_t r = next();
    return {normal(static_cast<uint32_t>(r)), normal(static_cast<uint32_t>(r >> 32))};
  }
  double normal() { return normals().first; }

 private:
  static float normal(uint32_t bits) {
    static const std::vector<float> q = quantiles();
    const uint32_t i = bits >> 16;
    return q[i] + (q[i + 1] - q[i]) * ((bits & 0xffff) * (1.0f / 65536));
  }
  static std::vector<float> quantiles() {
    std::vector<float> q(65537);
    for (int i = 0; i <= 65536; ++i) {
      const double p = std::clamp(i / 65536.0, 0.5 / 65536, 1 - 0.5 / 65536);
      double x = 0;  // Newton on the normal CDF; converges monotonically from 0
      for (int it = 0; it < 100; ++it) {
        const double dx = (0.5 * std::erfc(-x / M_SQRT2) - p) / (std::exp(-0.5 * x * x) / std::sqrt(2 * kPi));
        x -= dx;
        if (std::abs(dx) < 1e-12) break;
      }
      q[i] = static_cast<float>(x);
    }
    return q;
  }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------------------------------
// Arrays: layouts in local east/north metres, receivers, bands and calibrators of each telescope.

struct Pad {
  std::string name, station;
  double east, north;
};

struct Calibrator {
  const char* name;
  double raHours, decDeg, flux;  // flux density (Jy) at the lowest frequency
};

struct ArraySpec {
  const char* telescope;  // as casacore's Observatories table knows it
  const char* processor;
  const char* spwName;    // printf pattern, %d = spw index
  double dish, tsys, eta;            // dish diameter (m), system temperature (K), aperture efficiency
  double fstart, fstep, bandwidth;   // spw i covers [fstart + i*fstep, + bandwidth) Hz
  bool circular;
  Calibrator fluxCal, phaseCal;
  std::vector<Pad> (*layout)();
};

// Pads at random positions in an annulus, at least minSep apart (fixed generator: the layout never changes).
void scatter(std::vector<Pad>& pads, int n, double rmin, double rmax, double minSep, Rng& rng) {
  while (n > 0) {
    const double r = std::sqrt(rmin * rmin + rng.uniform() * (rmax * rmax - rmin * rmin));
    const double az = 2 * kPi * rng.uniform();
    const double e = r * std::sin(az), nn = r * std::cos(az);
    bool free = true;
    for (const Pad& p : pads) free = free && std::hypot(p.east - e, p.north - nn) >= minSep;
    if (!free) continue;
    pads.push_back({"", "", e, nn});
    --n;
  }
}

std::string format(const char* pattern, int value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, value);
  return buf;
}

// VLA D configuration: nine pads on each of the N, E and W arms at the power-law spacing of the real pads.
std::vector<Pad> vla_d() {
  const double azimuth[3] = {355, 115, 236};
  const char* arm[3] = {"N%02d", "E%02d", "W%02d"};
  std::vector<Pad> pads;
  for (int a = 0; a < 3; ++a)
    for (int n = 1; n <= 9; ++n) {
      const double r = 30 + 600 * std::pow(n / 9.0, 1.716);
      pads.push_back({"", format(arm[a], n), r * std::sin(azimuth[a] * kDeg), r * std::cos(azimuth[a] * kDeg)});
    }
  std::vector<Pad> out;  // antennas ea01..ea27 sit on scattered pads, as in a real MS
  for (int i = 0; i < 27; ++i) {
    out.push_back(pads[(i * 10) % 27]);
    out.back().name = format("ea%02d", i + 1);
  }
  return out;
}

// ALMA compact configuration: 43 twelve-metre antennas within 80 m.
std::vector<Pad> alma_compact() {
  Rng rng(2011, 1);
  std::vector<Pad> pads;
  scatter(pads, 43, 0, 80, 15, rng);
  for (int i = 0; i < 43; ++i) {
    pads[i].name = i < 25 ? format("DA%02d", 41 + i) : format("DV%02d", i - 24);
    pads[i].station = format("A%03d", 1 + (i * 7) % 43);
  }
  return pads;
}

// MeerKAT: 48 antennas in the 1 km core, 16 spread out to 4 km.
std::vector<Pad> meerkat() {
  Rng rng(2018, 1);
  std::vector<Pad> pads;
  scatter(pads, 48, 0, 500, 20, rng);
  scatter(pads, 16, 1000, 4000, 100, rng);
  for (int i = 0; i < 64; ++i) pads[i].name = pads[i].station = format("m%03d", i);
  return pads;
}

ArraySpec array_spec(const std::string& name) {
  if (name == "vla")
    return {"VLA", "WIDAR", "EVLA_L#A0C0#%d", 25, 30, 0.5, 1.0e9, 0.25e9, 128e6, true,
            {"3C286", 13.518969, 30.509156, 15}, {"J1407+2827", 14.116776, 28.454081, 1.2}, vla_d};
  if (name == "alma")
    return {"ALMA", "ALMA_CORRELATOR_MODE", "ALMA_RB_03#BB_%d#SW-01#FULL_RES", 12, 75, 0.7, 90e9, 2e9, 1.875e9,
            false, {"J1924-2914", 19.414182, -29.241700, 3}, {"J1911-2006", 19.197139, -20.115278, 1.5},
            alma_compact};
  if (name == "meerkat")
    return {"MeerKAT", "SKARAB", "L-band#%d", 13.5, 18, 0.7, 856e6, 300e6, 256e6, false,
            {"J1939-6342", 19.656952, -63.712675, 15}, {"J1830-3602", 18.516333, -36.041667, 2}, meerkat};
  throw std::runtime_error("simulate: unknown array '" + name + "' (vla, alma or meerkat)");
}

// ---------------------------------------------------------------------------------------------------------------
// The observation: site, antennas, spws, correlations, fields, scans and per-antenna instrument properties.

struct Spw {
  int nchan;
  double start, width;
  double freq(int c) const { return start + (c + 0.5) * width; }
};

struct Corr {
  int type, p, q;  // Stokes type, receptors of antenna 1 and antenna 2
};

enum Intent { kFluxCal = 0, kPhaseCal = 1, kTarget = 2 };
const char* const kObsModes[] = {"CALIBRATE_BANDPASS#ON_SOURCE,CALIBRATE_FLUX#ON_SOURCE",
                                 "CALIBRATE_PHASE#ON_SOURCE", "OBSERVE_TARGET#ON_SOURCE"};

struct Field {
  std::string name;
  Intent intent;
  double ra, dec, flux, alpha, l, m;  // direction (rad), point source: flux at fstart, spectral index, offset
};

struct Scan {
  int number, field;
  double start;  // MJD seconds
  int nint;
};

// "J1407+2827"-style name of a J2000 direction.
std::string j_name(double ra, double dec) {
  const int raMin = static_cast<int>(std::fmod(ra / kPi * 12 * 60 + 1440, 1440));
  const int decMin = static_cast<int>(std::abs(dec) / kDeg * 60);
  char buf[32];
  std::snprintf(buf, sizeof buf, "J%02d%02d%c%02d%02d", raMin / 60, raMin % 60, dec < 0 ? '-' : '+', decMin / 60,
                decMin % 60);
  return buf;
}

// Field 0 the flux/bandpass calibrator (when nfield >= 3), then the phase calibrator (nfield >= 2), then targets
// around the phase calibrator with an offset point source each.
std::vector<Field> make_fields(const ArraySpec& a, int nfield) {
  auto cal = [](const Calibrator& c, Intent intent) {
    return Field{c.name, intent, c.raHours * 15 * kDeg, c.decDeg * kDeg, c.flux, -0.7, 0, 0};
  };
  std::vector<Field> fields;
  if (nfield >= 3) fields.push_back(cal(a.fluxCal, kFluxCal));
  if (nfield >= 2) fields.push_back(cal(a.phaseCal, kPhaseCal));
  const double beam = C::c / a.fstart / a.dish;  // primary beam width (rad)
  for (int k = 1; static_cast<int>(fields.size()) < nfield; ++k) {
    const double dec = (a.phaseCal.decDeg - 1.2 * k) * kDeg;
    const double ra = (a.phaseCal.raHours + 0.06 * k) * 15 * kDeg;
    fields.push_back({j_name(ra, dec), kTarget, ra, dec, 0.2, -0.8, 0.12 * beam, 0.08 * beam});
  }
  return fields;
}

// Scan s observes: the flux calibrator first, then the phase calibrator alternating with the targets in turn.
int field_of_scan(int s, int nfield) {
  const bool flux = nfield >= 3, phase = nfield >= 2;
  if (flux && s == 0) return 0;
  s -= flux ? 1 : 0;
  const int firstTarget = (flux ? 1 : 0) + (phase ? 1 : 0);
  if (phase && s % 2 == 0) return firstTarget - 1;
  return firstTarget + (phase ? s / 2 : s) % (nfield - firstTarget);
}

struct Observation {
  Config cfg;
  ArraySpec spec;
  MPosition site;  // array reference position (ITRF)
  std::vector<Pad> pads;
  std::vector<MVPosition> antPos;  // ITRF
  std::vector<std::pair<int, int>> baselines;
  std::vector<Spw> spws;
  std::vector<Corr> corrs;
  std::vector<Field> fields;
  std::vector<Scan> scans;
  double start = 0, end = 0;  // MJD seconds
  int64_t integrations = 0, nrow = 0;
  // Instrument, per antenna, spw and receptor: SEFD (Jy), Tsys (K), complex gain and its phase drift (rad/s).
  std::vector<double> sefd, tsys, gainAmp, gainPhase, drift;
  // With caltables only, per antenna, spw and receptor: the bandpass's ripple depth, cycles across the band, ripple
  // phase, and phase slope (rad from band centre to edge).
  std::vector<double> bpDepth, bpCycles, bpOffset, bpSlope;
  int flaggedAntenna = 0;
  double flaggedUntil = 0;  // the flagged antenna is flagged before this time (first fifth of the observation)
  int rfiSpw = 0, rfiStart = 0, rfiEnd = 0;

  size_t nant() const { return pads.size(); }
  size_t inst(size_t a, size_t s, int p) const { return (a * spws.size() + s) * 2 + p; }
  MDirection direction(int field) const {
    return MDirection(MVDirection(fields[field].ra, fields[field].dec), MDirection::J2000);
  }
};

void place_antennas(Observation& o) {
  MPosition obs;
  if (!MeasTable::Observatory(obs, o.spec.telescope))
    throw std::runtime_error(std::string("simulate: casacore Measures does not know ") + o.spec.telescope);
  o.site = MPosition::Convert(obs, MPosition::ITRF)();
  const Vector<Double> lonLat = MPosition::Convert(obs, MPosition::WGS84)().getAngle("rad").getValue();
  const double sl = std::sin(lonLat[0]), cl = std::cos(lonLat[0]), sp = std::sin(lonLat[1]), cp = std::cos(lonLat[1]);
  const Vector<Double> centre = o.site.getValue().getValue();
  o.pads = o.spec.layout();
  for (const Pad& p : o.pads)
    o.antPos.emplace_back(centre[0] - sl * p.east - sp * cl * p.north, centre[1] + cl * p.east - sp * sl * p.north,
                          centre[2] + cp * p.north);
  for (size_t a1 = 0; a1 < o.nant(); ++a1)
    for (size_t a2 = o.cfg.autocorr ? a1 : a1 + 1; a2 < o.nant(); ++a2) o.baselines.emplace_back(a1, a2);
}

void define_spectrum(Observation& o) {
  for (size_t s = 0; s < o.cfg.nchan.size(); ++s)
    o.spws.push_back({o.cfg.nchan[s], o.spec.fstart + s * o.spec.fstep, o.spec.bandwidth / o.cfg.nchan[s]});
  const int base = o.spec.circular ? Stokes::RR : Stokes::XX;  // RR RL LR LL, or XX XY YX YY
  for (int k = 0; k < 4; ++k)
    if (o.cfg.ncorr == 4 || k == 0 || k == 3) o.corrs.push_back({base + k, k / 2, k % 2});
  const Spw& rfi = o.spws[o.rfiSpw];
  o.rfiStart = rfi.nchan * 2 / 5;
  o.rfiEnd = o.rfiStart + std::max(1, rfi.nchan / 16);
}

// Bytes one integration takes on disk (all spws), to turn --size-mb into a number of integrations.
double bytes_per_integration(const Observation& o) {
  const Config& c = o.cfg;
  const double perElement = 8 * (1 + c.corrected + c.model + c.weightSpectrum) + 0.125;
  double bytes = 0;
  for (const Spw& s : o.spws) bytes += o.baselines.size() * (c.ncorr * (s.nchan * perElement + 8) + 24 + 64);
  return bytes;
}

// Scans back to back (with slews), the observation centred on the phase calibrator's transit.
void schedule(Observation& o) {
  const Config& c = o.cfg;
  const int perScan = std::max(1, static_cast<int>(std::lround(c.scanLength / c.integration)));
  o.integrations = c.sizeMb > 0 ? std::max<int64_t>(1, std::llround(c.sizeMb * (1 << 20) / bytes_per_integration(o)))
                                : static_cast<int64_t>(c.nscan) * perScan;
  const int nscan = static_cast<int>((o.integrations + perScan - 1) / perScan);
  const double duration = o.integrations * c.integration + (nscan - 1) * kSlew;
  const double lonDeg = o.site.getAngle("deg").getValue()[0];
  const double lstStart = 280.46061837 + 360.98564736629 * (kStartMjd - 51544.5) + lonDeg;  // GMST + longitude
  const double hourAngleDeg = std::fmod(std::fmod(o.spec.phaseCal.raHours * 15 - lstStart, 360) + 360, 360);
  const double transit = hourAngleDeg / 360.98564736629;  // days after kStartMjd
  o.start = std::round((kStartMjd + transit) * 86400 - duration / 2);
  double t = o.start;
  for (int s = 0; s < nscan; ++s) {
    const int nint = static_cast<int>(std::min<int64_t>(perScan, o.integrations - static_cast<int64_t>(s) * perScan));
    o.scans.push_back({s + 1, field_of_scan(s, c.nfield), t, nint});
    t += nint * c.integration + kSlew;
  }
  o.end = t - kSlew;
  o.nrow = o.integrations * static_cast<int64_t>(o.baselines.size() * o.spws.size());
  o.flaggedAntenna = static_cast<int>(o.nant() / 3);
  o.flaggedUntil = o.start + 0.2 * (o.end - o.start);
}

// Tsys within 10% of the array's, gains of amplitude 1 +- 0.1 with random phases drifting a few degrees a minute.
void make_instrument(Observation& o) {
  Rng rng(o.cfg.seed, ~0ULL);  // block streams count up from 0
  const double area = o.spec.eta * kPi * o.spec.dish * o.spec.dish / 4;
  const size_t n = o.nant() * o.spws.size() * 2;
  for (size_t i = 0; i < n; ++i) {
    o.tsys.push_back(o.spec.tsys * std::clamp(1 + 0.1 * rng.normal(), 0.7, 1.3));
    o.sefd.push_back(2 * kBoltzmannJy * o.tsys.back() / area);
    o.gainAmp.push_back(std::clamp(1 + 0.1 * rng.normal(), 0.7, 1.3));
    o.gainPhase.push_back(2 * kPi * rng.uniform());
  }
  for (size_t a = 0; a < o.nant(); ++a) o.drift.push_back(rng.normal() * 3 * kDeg / 60);
  if (o.cfg.caltables.empty()) return;
  Rng bp(o.cfg.seed, ~1ULL);  // a stream of its own: the other values stay those of an MS without caltables
  for (size_t i = 0; i < n; ++i) {
    o.bpDepth.push_back(0.02 + 0.06 * bp.uniform());
    o.bpCycles.push_back(1 + 2 * bp.uniform());
    o.bpOffset.push_back(2 * kPi * bp.uniform());
    o.bpSlope.push_back(0.3 * (2 * bp.uniform() - 1));
  }
}

// The true complex gain of antenna a, receptor p in spw s at a time: amplitude 1 +- 0.1, phase drifting linearly.
std::complex<double> true_gain(const Observation& o, size_t a, size_t s, int p, double time) {
  const size_t i = o.inst(a, s, p);
  return std::polar(o.gainAmp[i], o.gainPhase[i] + o.drift[a] * (time - o.start));
}

// The true bandpass at channel c (1 without caltables): a sinusoidal amplitude ripple and a linear phase slope.
std::complex<double> true_bandpass(const Observation& o, size_t a, size_t s, int p, int c) {
  if (o.bpDepth.empty()) return 1;
  const size_t i = o.inst(a, s, p);
  const double x = (c + 0.5) / o.spws[s].nchan;
  return std::polar(1 + o.bpDepth[i] * std::sin(2 * kPi * o.bpCycles[i] * x + o.bpOffset[i]), o.bpSlope[i] * (2 * x - 1));
}

Observation make_observation(const Config& cfg) {
  Observation o;
  o.cfg = cfg;
  o.spec = array_spec(cfg.array);
  place_antennas(o);
  define_spectrum(o);
  o.fields = make_fields(o.spec, cfg.nfield);
  schedule(o);
  make_instrument(o);
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
// UVW: the ITRF -> J2000 rotation for each epoch from casacore Measures (three basis baselines converted with a
// frame of epoch, position and direction), projected with MVuvw on the phase centre; linear in the baseline.

class UvwMachine {
 public:
  explicit UvwMachine(const Observation& o)
      : o_(o),
        frame_(o.site, MEpoch(Quantity(o.start, "s"), MEpoch::UTC), o.direction(0)),
        convert_(MBaseline::Ref(MBaseline::ITRF, frame_), MBaseline::Ref(MBaseline::J2000)) {}

  // Per-antenna uvw (metres, 3 per antenna) relative to the array centre; baseline uvw = uvw[a2] - uvw[a1].
  void compute(double time, int field, std::vector<double>& out) {
    const MDirection dir = o_.direction(field);
    frame_.resetEpoch(MEpoch(Quantity(time, "s"), MEpoch::UTC));
    frame_.resetDirection(dir);
    double m[3][3];
    for (int axis = 0; axis < 3; ++axis) {
      const MVBaseline j2000 = convert_(MVBaseline(axis == 0, axis == 1, axis == 2)).getValue();
      const Vector<Double> uvw = MVuvw(j2000, dir.getValue()).getValue();
      for (int k = 0; k < 3; ++k) m[k][axis] = uvw[k];
    }
    const Vector<Double> centre = o_.site.getValue().getValue();
    out.resize(3 * o_.nant());
    for (size_t a = 0; a < o_.nant(); ++a) {
      const Vector<Double> pos = o_.antPos[a].getValue();
      const double d[3] = {pos[0] - centre[0], pos[1] - centre[1], pos[2] - centre[2]};
      for (int k = 0; k < 3; ++k) out[3 * a + k] = m[k][0] * d[0] + m[k][1] * d[1] + m[k][2] * d[2];
    }
  }

 private:
  const Observation& o_;
  MeasFrame frame_;
  MBaseline::Convert convert_;
};

// Mutes casacore's global log while any simulation runs: without IERS tables Measures warns that times "could be
// wrong by 1s" (expected here, and harmless for simulated data).
class QuietCasacoreLog {
 public:
  QuietCasacoreLog() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (depth_++ == 0) {
      saved_.reset(LogSink::globalSink().filter().clone());
      LogSink::globalSink().filter(Mute());
    }
  }
  ~QuietCasacoreLog() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (--depth_ == 0) LogSink::globalSink().filter(*saved_);
  }

 private:
  struct Mute : LogFilterInterface {
    LogFilterInterface* clone() const override { return new Mute; }
    Bool pass(const LogMessage&) const override { return False; }
  };
  static inline std::mutex mutex_;
  static inline int depth_ = 0;
  static inline std::unique_ptr<LogFilterInterface> saved_;
};

// ---------------------------------------------------------------------------------------------------------------
// Main-table blocks: all baselines of one integration in one spw, generated into shared arrays.

struct BlockId {
  int scan, integ, spw;
  int64_t index;  // running block number: seeds the noise, so the output does not depend on threads
  rownr_t row0;
};

struct Block {
  BlockId id{};
  double time = 0;
  Array<Complex> data, model, corrected;
  Array<Bool> flag;
  Array<Float> weight, sigma, weightSpectrum, sigmaSpectrum;
  Array<Double> uvw;
  Vector<Bool> flagRow;
};

class BlockGenerator {
 public:
  explicit BlockGenerator(const Observation& o) : o_(o), uvwMachine_(o) {
    for (const Field& f : o.fields)
      for (const Spw& s : o.spws) {
        std::vector<float> flux(s.nchan);
        for (int c = 0; c < s.nchan; ++c) flux[c] = f.flux * std::pow(s.freq(c) / o.spec.fstart, f.alpha);
        spectra_.push_back(std::move(flux));
      }
  }

  // Blocks must come in order: the antenna uvw are computed on the first spw of each integration.
  void fill(const BlockId& id, Block& b) {
    const Scan& scan = o_.scans[id.scan];
    b.id = id;
    b.time = scan.start + (id.integ + 0.5) * o_.cfg.integration;
    if (id.spw == 0) uvwMachine_.compute(b.time, scan.field, antUvw_);
    shape(b, o_.spws[id.spw].nchan);
    gains(b.time, id.spw);
    Rng rng(o_.cfg.seed, static_cast<uint64_t>(id.index));
    for (size_t k = 0; k < o_.baselines.size(); ++k) fill_row(b, k, scan.field, rng);
  }

 private:
  void shape(Block& b, int nchan) const {
    const IPosition cells(3, o_.corrs.size(), nchan, o_.baselines.size());
    const IPosition rows(2, o_.corrs.size(), o_.baselines.size());
    b.data.resize(cells, false);
    b.flag.resize(cells, false);
    b.weight.resize(rows, false);
    b.sigma.resize(rows, false);
    b.uvw.resize(IPosition(2, 3, o_.baselines.size()), false);
    b.flagRow.resize(o_.baselines.size(), false);
    if (o_.cfg.model) b.model.resize(cells, false);
    if (o_.cfg.corrected) b.corrected.resize(cells, false);
    if (o_.cfg.weightSpectrum) {
      b.weightSpectrum.resize(cells, false);
      b.sigmaSpectrum.resize(cells, false);
    }
  }

  void gains(double time, int spw) {
    const int nchan = o_.spws[spw].nchan;
    gain_.resize(o_.nant() * 2);
    bandpass_.resize(o_.bpDepth.empty() ? 0 : o_.nant() * 2 * nchan);
    for (size_t a = 0; a < o_.nant(); ++a)
      for (int p = 0; p < 2; ++p) {
        gain_[2 * a + p] = std::complex<float>(true_gain(o_, a, spw, p, time));
        for (int c = 0; c < nchan && !bandpass_.empty(); ++c)
          bandpass_[(2 * a + p) * nchan + c] = std::complex<float>(true_bandpass(o_, a, spw, p, c));
      }
  }

  // DATA = g1 g2* b1 b2* (model + system power on autocorrelations) + noise (bandpasses b only with caltables);
  // CORRECTED_DATA = DATA / (g1 g2* b1 b2*).
  // Model: S (f/f0)^alpha exp(-2 pi i f/c (u l + v m + w (n - 1))), uvw of the row (antenna 2 - antenna 1).
  void fill_row(Block& b, size_t k, int fieldId, Rng& rng) {
    const auto [a1, a2] = o_.baselines[k];
    const Field& field = o_.fields[fieldId];
    const Spw& spw = o_.spws[b.id.spw];
    const size_t ncorr = o_.corrs.size(), nchan = spw.nchan;
    double* uvw = b.uvw.data() + 3 * k;
    for (int i = 0; i < 3; ++i) uvw[i] = antUvw_[3 * a2 + i] - antUvw_[3 * a1 + i];
    const double n1 = std::sqrt(1 - field.l * field.l - field.m * field.m) - 1;
    const double delay = (uvw[0] * field.l + uvw[1] * field.m + uvw[2] * n1) / C::c;
    std::complex<double> phasor = std::polar(1.0, -2 * kPi * spw.freq(0) * delay);
    const std::complex<double> step = std::polar(1.0, -2 * kPi * spw.width * delay);
    const bool autoCorr = a1 == a2;
    const bool rowFlag = b.time < o_.flaggedUntil && (a1 == o_.flaggedAntenna || a2 == o_.flaggedAntenna);
    const bool rfi = b.id.spw == o_.rfiSpw;
    std::array<std::complex<float>, 4> g, ginv;
    std::array<float, 4> sigma, system, imagNoise;
    for (size_t j = 0; j < ncorr; ++j) {
      const Corr& c = o_.corrs[j];
      const double sefd1 = o_.sefd[o_.inst(a1, b.id.spw, c.p)], sefd2 = o_.sefd[o_.inst(a2, b.id.spw, c.q)];
      g[j] = gain_[2 * a1 + c.p] * std::conj(gain_[2 * a2 + c.q]);
      ginv[j] = 1.0f / g[j];
      sigma[j] = std::sqrt(sefd1 * sefd2 / ((autoCorr ? 1 : 2) * spw.width * o_.cfg.integration));
      system[j] = autoCorr && c.p == c.q ? sefd1 : 0;
      imagNoise[j] = autoCorr && c.p == c.q ? 0 : 1;  // parallel-hand autocorrelations are real
      b.weight.data()[k * ncorr + j] = 1 / (sigma[j] * sigma[j]);
      b.sigma.data()[k * ncorr + j] = sigma[j];
    }
    const std::vector<float>& flux = spectra_[fieldId * o_.spws.size() + b.id.spw];
    const size_t base = k * nchan * ncorr;
    for (size_t ch = 0; ch < nchan; ++ch, phasor *= step) {
      const std::complex<float> sky = flux[ch] * std::complex<float>(phasor);
      const bool flag = rowFlag || (rfi && static_cast<int>(ch) >= o_.rfiStart && static_cast<int>(ch) < o_.rfiEnd);
      for (size_t j = 0; j < ncorr; ++j) {
        const size_t i = base + ch * ncorr + j;
        std::complex<float> gain = g[j], gainInv = ginv[j];
        if (!bandpass_.empty()) {
          const Corr& c = o_.corrs[j];
          gain *= bandpass_[(2 * a1 + c.p) * nchan + ch] * std::conj(bandpass_[(2 * a2 + c.q) * nchan + ch]);
          gainInv = 1.0f / gain;
        }
        const std::complex<float> model = o_.corrs[j].p == o_.corrs[j].q ? sky : std::complex<float>();
        const auto [nr, ni] = rng.normals();
        const std::complex<float> noise = sigma[j] * std::complex<float>(nr, ni * imagNoise[j]);
        const std::complex<float> vis = gain * (model + system[j]) + noise;
        b.data.data()[i] = vis;
        b.flag.data()[i] = flag;
        if (o_.cfg.model) b.model.data()[i] = model;
        if (o_.cfg.corrected) b.corrected.data()[i] = vis * gainInv;
        if (o_.cfg.weightSpectrum) {
          b.weightSpectrum.data()[i] = 1 / (sigma[j] * sigma[j]);
          b.sigmaSpectrum.data()[i] = sigma[j];
        }
      }
    }
    b.flagRow[k] = rowFlag;
  }

  const Observation& o_;
  UvwMachine uvwMachine_;
  std::vector<double> antUvw_;
  std::vector<std::complex<float>> gain_;
  std::vector<std::complex<float>> bandpass_;  // [antenna][receptor][channel] of the block's spw, or empty
  std::vector<std::vector<float>> spectra_;  // model flux per channel, [field][spw]
};

// ---------------------------------------------------------------------------------------------------------------
// Creating the MS with CASA's storage managers: ISM by default, SSM for the per-row scalars, a TiledShapeStMan
// (~1 MiB tiles from MSTileLayout) per data column, TiledColumnStMan for UVW.

// MSTileLayout's tile for one of the spws: the one whose channel tiling leaves the fewest empty channels in all.
IPosition data_tile(const Config& c) {
  IPosition best;
  int bestWaste = -1;
  for (int nchan : c.nchan) {
    const IPosition tile = mslayout::tile_for(c.ncorr, nchan);
    int waste = 0;
    for (int n : c.nchan) waste += n < tile[1] ? 0 : (n + tile[1] - 1) / tile[1] * tile[1] - n;
    if (bestWaste < 0 || waste < bestWaste) best = tile, bestWaste = waste;
  }
  return best;
}

MeasurementSet create_ms(const std::string& path, const Observation& o) {
  std::vector<MS::PredefinedColumns> optional{MS::DATA};
  if (o.cfg.model) optional.push_back(MS::MODEL_DATA);
  if (o.cfg.corrected) optional.push_back(MS::CORRECTED_DATA);
  if (o.cfg.weightSpectrum) optional.insert(optional.end(), {MS::WEIGHT_SPECTRUM, MS::SIGMA_SPECTRUM});
  MeasurementSet ms = mslayout::create_main(path, optional, data_tile(o.cfg), o.nrow);
  ms.createDefaultSubtables(Table::New);
  TableDesc sysCal = MSSysCal::requiredTableDesc();
  MSSysCal::addColumnToDesc(sysCal, MSSysCal::TSYS, 1);
  MSSysCal::addColumnToDesc(sysCal, MSSysCal::TSYS_FLAG);
  for (auto [name, desc] : {std::pair{"SOURCE", MSSource::requiredTableDesc()}, std::pair{"SYSCAL", sysCal}}) {
    SetupNewTable sub(ms.tableName() + "/" + name, desc, Table::New);
    ms.rwKeywordSet().defineTable(name, Table(sub));
  }
  ms.initRefs();
  return ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Subtables.

Matrix<Double> dir_matrix(const Field& f) {
  Matrix<Double> m(2, 1);
  m(0, 0) = f.ra, m(1, 0) = f.dec;
  return m;
}

void fill_antennas(MSColumns& cols, MeasurementSet& ms, const Observation& o) {
  ms.antenna().addRow(o.nant());
  MSAntennaColumns& ac = cols.antenna();
  for (size_t a = 0; a < o.nant(); ++a) {
    ac.name().put(a, o.pads[a].name);
    ac.station().put(a, o.pads[a].station);
    ac.type().put(a, "GROUND-BASED");
    ac.mount().put(a, "ALT-AZ");
    ac.position().put(a, o.antPos[a].getValue());
    ac.offset().put(a, Vector<Double>(3, 0.0));
    ac.dishDiameter().put(a, o.spec.dish);
    ac.flagRow().put(a, False);
  }
  ms.feed().addRow(o.nant());
  MSFeedColumns& fc = cols.feed();
  Vector<String> types(2);
  types[0] = o.spec.circular ? "R" : "X", types[1] = o.spec.circular ? "L" : "Y";
  Vector<Double> angles(2, 0.0);
  if (!o.spec.circular) angles[1] = kPi / 2;
  Matrix<Complex> response(2, 2, Complex(0));
  response(0, 0) = response(1, 1) = Complex(1);
  for (size_t a = 0; a < o.nant(); ++a) {
    fc.antennaId().put(a, a);
    fc.feedId().put(a, 0);
    fc.spectralWindowId().put(a, -1);
    fc.time().put(a, (o.start + o.end) / 2);
    fc.interval().put(a, o.end - o.start);
    fc.numReceptors().put(a, 2);
    fc.beamId().put(a, -1);
    fc.beamOffset().put(a, Matrix<Double>(2, 2, 0.0));
    fc.polarizationType().put(a, types);
    fc.polResponse().put(a, response);
    fc.position().put(a, Vector<Double>(3, 0.0));
    fc.receptorAngle().put(a, angles);
  }
}

void fill_spectrum(MSColumns& cols, MeasurementSet& ms, const Observation& o) {
  ms.spectralWindow().addRow(o.spws.size());
  ms.dataDescription().addRow(o.spws.size());
  MSSpWindowColumns& sc = cols.spectralWindow();
  for (size_t s = 0; s < o.spws.size(); ++s) {
    const Spw& spw = o.spws[s];
    Vector<Double> freq(spw.nchan), width(spw.nchan, spw.width);
    for (int c = 0; c < spw.nchan; ++c) freq[c] = spw.freq(c);
    sc.numChan().put(s, spw.nchan);
    sc.name().put(s, format(o.spec.spwName, s));
    sc.refFrequency().put(s, freq[0]);
    sc.chanFreq().put(s, freq);
    sc.chanWidth().put(s, width);
    sc.effectiveBW().put(s, width);
    sc.resolution().put(s, width);
    sc.measFreqRef().put(s, MFrequency::TOPO);
    sc.totalBandwidth().put(s, spw.width * spw.nchan);
    sc.netSideband().put(s, 1);
    sc.ifConvChain().put(s, 0);
    sc.freqGroup().put(s, 0);
    sc.freqGroupName().put(s, "");
    sc.flagRow().put(s, False);
    cols.dataDescription().spectralWindowId().put(s, s);
    cols.dataDescription().polarizationId().put(s, 0);
    cols.dataDescription().flagRow().put(s, False);
  }
  ms.polarization().addRow(1);
  Vector<Int> types(o.corrs.size());
  Matrix<Int> products(2, o.corrs.size());
  for (size_t j = 0; j < o.corrs.size(); ++j) {
    types[j] = o.corrs[j].type;
    products(0, j) = o.corrs[j].p, products(1, j) = o.corrs[j].q;
  }
  cols.polarization().numCorr().put(0, o.corrs.size());
  cols.polarization().corrType().put(0, types);
  cols.polarization().corrProduct().put(0, products);
  cols.polarization().flagRow().put(0, False);
}

void fill_fields(MSColumns& cols, MeasurementSet& ms, const Observation& o) {
  ms.field().addRow(o.fields.size());
  ms.source().addRow(o.fields.size() * o.spws.size());
  MSFieldColumns& fc = cols.field();
  MSSourceColumns& sc = cols.source();
  rownr_t srow = 0;
  for (size_t f = 0; f < o.fields.size(); ++f) {
    const Field& field = o.fields[f];
    const String code = field.intent == kTarget ? "NONE" : "C";
    fc.name().put(f, field.name);
    fc.code().put(f, code);
    fc.time().put(f, o.start);
    fc.numPoly().put(f, 0);
    fc.delayDir().put(f, dir_matrix(field));
    fc.phaseDir().put(f, dir_matrix(field));
    fc.referenceDir().put(f, dir_matrix(field));
    fc.sourceId().put(f, f);
    fc.flagRow().put(f, False);
    for (size_t s = 0; s < o.spws.size(); ++s, ++srow) {
      sc.sourceId().put(srow, f);
      sc.spectralWindowId().put(srow, s);
      sc.time().put(srow, (o.start + o.end) / 2);
      sc.interval().put(srow, o.end - o.start);
      sc.name().put(srow, field.name);
      sc.code().put(srow, code);
      sc.calibrationGroup().put(srow, 0);
      sc.numLines().put(srow, 0);
      sc.direction().put(srow, dir_matrix(field).column(0));
      sc.properMotion().put(srow, Vector<Double>(2, 0.0));
    }
  }
  ms.state().addRow(3);
  for (int i = 0; i < 3; ++i) {
    cols.state().obsMode().put(i, kObsModes[i]);
    cols.state().sig().put(i, True);
    cols.state().ref().put(i, False);
    cols.state().cal().put(i, 0.0);
    cols.state().load().put(i, 0.0);
    cols.state().subScan().put(i, 1);
    cols.state().flagRow().put(i, False);
  }
}

void fill_observation(MSColumns& cols, MeasurementSet& ms, const Observation& o) {
  ms.observation().addRow(1);
  MSObservationColumns& oc = cols.observation();
  Vector<Double> range(2);
  range[0] = o.start, range[1] = o.end;
  oc.telescopeName().put(0, o.spec.telescope);
  oc.timeRange().put(0, range);
  oc.observer().put(0, "MmsMpi");
  oc.project().put(0, "MMSMPI-SIMULATED");
  oc.scheduleType().put(0, "");
  oc.releaseDate().put(0, 0.0);
  oc.log().put(0, Vector<String>());
  oc.schedule().put(0, Vector<String>());
  oc.flagRow().put(0, False);
  ms.processor().addRow(1);
  cols.processor().type().put(0, "CORRELATOR");
  cols.processor().subType().put(0, o.spec.processor);
  cols.processor().typeId().put(0, -1);
  cols.processor().modeId().put(0, -1);
  cols.processor().flagRow().put(0, False);
  ms.history().addRow(1);
  MSHistoryColumns& hc = cols.history();
  hc.time().put(0, o.end);
  hc.observationId().put(0, 0);
  hc.message().put(0, "Simulated " + o.cfg.array + " MeasurementSet, seed " + std::to_string(o.cfg.seed));
  hc.priority().put(0, "NORMAL");
  hc.origin().put(0, "MmsMpi::simulate");
  hc.objectId().put(0, 0);
  hc.application().put(0, "MmsMpi");
  hc.cliCommand().put(0, Vector<String>(1, "MmsMpi simulate"));
  hc.appParams().put(0, Vector<String>(1, ""));
}

template <class T>
void put_range(Table& t, const char* col, rownr_t row0, const Array<T>& values) {
  const Slicer rows(IPosition(1, row0), IPosition(1, values.shape().last()));
  if (values.ndim() == 1) ScalarColumn<T>(t, col).putColumnRange(rows, Vector<T>(values));
  else ArrayColumn<T>(t, col).putColumnRange(rows, values);
}

// POINTING: each antenna tracks the scan's field, one row per antenna per integration (written a scan at a time).
void fill_pointing(MeasurementSet& ms, const Observation& o) {
  Table& t = ms.pointing();
  rownr_t row0 = 0;
  for (const Scan& scan : o.scans) {
    const size_t n = scan.nint * o.nant();
    t.addRow(n);
    Vector<Int> ant(n);
    Vector<Double> time(n);
    Array<Double> dir(IPosition(3, 2, 1, n));
    for (size_t i = 0; i < n; ++i) {
      ant[i] = i % o.nant();
      time[i] = scan.start + (i / o.nant() + 0.5) * o.cfg.integration;
      dir.data()[2 * i] = o.fields[scan.field].ra;
      dir.data()[2 * i + 1] = o.fields[scan.field].dec;
    }
    put_range(t, "ANTENNA_ID", row0, ant);
    put_range(t, "TIME", row0, time);
    put_range(t, "TIME_ORIGIN", row0, time);
    put_range(t, "INTERVAL", row0, Vector<Double>(n, o.cfg.integration));
    put_range(t, "NAME", row0, Vector<String>(n, o.fields[scan.field].name));
    put_range(t, "NUM_POLY", row0, Vector<Int>(n, 0));
    put_range(t, "DIRECTION", row0, dir);
    put_range(t, "TARGET", row0, dir);
    put_range(t, "TRACKING", row0, Vector<Bool>(n, True));
    row0 += n;
  }
}

// SYSCAL: Tsys per antenna, spw and scan (the values that set the noise).
void fill_syscal(MeasurementSet& ms, const Observation& o) {
  Table& t = ms.sysCal();
  const size_t n = o.scans.size() * o.spws.size() * o.nant();
  t.addRow(n);
  Vector<Int> ant(n), spw(n);
  Vector<Double> time(n), interval(n);
  Array<Float> tsys(IPosition(2, 2, n));
  size_t i = 0;
  for (const Scan& scan : o.scans)
    for (size_t s = 0; s < o.spws.size(); ++s)
      for (size_t a = 0; a < o.nant(); ++a, ++i) {
        ant[i] = a, spw[i] = s;
        interval[i] = scan.nint * o.cfg.integration;
        time[i] = scan.start + interval[i] / 2;
        for (int p = 0; p < 2; ++p) tsys.data()[2 * i + p] = o.tsys[o.inst(a, s, p)];
      }
  put_range(t, "ANTENNA_ID", 0, ant);
  put_range(t, "FEED_ID", 0, Vector<Int>(n, 0));
  put_range(t, "SPECTRAL_WINDOW_ID", 0, spw);
  put_range(t, "TIME", 0, time);
  put_range(t, "INTERVAL", 0, interval);
  put_range(t, "TSYS", 0, tsys);
  put_range(t, "TSYS_FLAG", 0, Vector<Bool>(n, False));
}

// ---------------------------------------------------------------------------------------------------------------
// Main table.

// Columns are attached once (attaching costs more than writing the scalars of a block); optional ones stay null
// when the MS does not have them.
class MainWriter {
 public:
  MainWriter(Table& ms, const Observation& o)
      : o_(o), data_(ms, "DATA"), flag_(ms, "FLAG"), weight_(ms, "WEIGHT"), sigma_(ms, "SIGMA"), uvw_(ms, "UVW"),
        flagRow_(ms, "FLAG_ROW"), ant1_(o.baselines.size()), ant2_(ant1_.size()) {
    const char* ints[] = {"DATA_DESC_ID", "FIELD_ID", "STATE_ID", "SCAN_NUMBER", "ARRAY_ID", "OBSERVATION_ID",
                          "PROCESSOR_ID", "FEED1", "FEED2", "ANTENNA1", "ANTENNA2"};
    const char* doubles[] = {"TIME", "TIME_CENTROID", "INTERVAL", "EXPOSURE"};
    for (size_t i = 0; i < ints_.size(); ++i) ints_[i].attach(ms, ints[i]);
    for (size_t i = 0; i < doubles_.size(); ++i) doubles_[i].attach(ms, doubles[i]);
    if (o.cfg.model) model_.attach(ms, "MODEL_DATA");
    if (o.cfg.corrected) corrected_.attach(ms, "CORRECTED_DATA");
    if (o.cfg.weightSpectrum) {
      weightSpectrum_.attach(ms, "WEIGHT_SPECTRUM");
      sigmaSpectrum_.attach(ms, "SIGMA_SPECTRUM");
    }
    for (size_t k = 0; k < o.baselines.size(); ++k) ant1_[k] = o.baselines[k].first, ant2_[k] = o.baselines[k].second;
  }

  void put(const Block& b) {
    const Scan& scan = o_.scans[b.id.scan];
    const size_t n = ant1_.size();
    const Slicer rows(IPosition(1, b.id.row0), IPosition(1, n));
    put(data_, rows, b.data);
    put(flag_, rows, b.flag);
    put(weight_, rows, b.weight);
    put(sigma_, rows, b.sigma);
    put(uvw_, rows, b.uvw);
    put(model_, rows, b.model);
    put(corrected_, rows, b.corrected);
    put(weightSpectrum_, rows, b.weightSpectrum);
    put(sigmaSpectrum_, rows, b.sigmaSpectrum);
    flagRow_.putColumnRange(rows, b.flagRow);
    const Int ints[] = {b.id.spw, scan.field, o_.fields[scan.field].intent, scan.number, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < std::size(ints); ++i) ints_[i].putColumnRange(rows, Vector<Int>(n, ints[i]));
    ints_[9].putColumnRange(rows, ant1_);
    ints_[10].putColumnRange(rows, ant2_);
    const Double doubles[] = {b.time, b.time, o_.cfg.integration, o_.cfg.integration};
    for (size_t i = 0; i < doubles_.size(); ++i) doubles_[i].putColumnRange(rows, Vector<Double>(n, doubles[i]));
  }

 private:
  template <class T>
  static void put(ArrayColumn<T>& column, const Slicer& rows, const Array<T>& values) {
    if (!column.isNull()) column.putColumnRange(rows, values);
  }

  const Observation& o_;
  ArrayColumn<Complex> data_, model_, corrected_;
  ArrayColumn<Bool> flag_;
  ArrayColumn<Float> weight_, sigma_, weightSpectrum_, sigmaSpectrum_;
  ArrayColumn<Double> uvw_;
  ScalarColumn<Bool> flagRow_;
  std::array<ScalarColumn<Int>, 11> ints_;
  std::array<ScalarColumn<Double>, 4> doubles_;
  Vector<Int> ant1_, ant2_;
};

// Row order: scan, time, spw (DATA_DESC_ID), baseline.
std::vector<BlockId> block_order(const Observation& o) {
  std::vector<BlockId> ids;
  rownr_t row = 0;
  for (size_t s = 0; s < o.scans.size(); ++s)
    for (int i = 0; i < o.scans[s].nint; ++i)
      for (size_t w = 0; w < o.spws.size(); ++w, row += o.baselines.size())
        ids.push_back({static_cast<int>(s), i, static_cast<int>(w), static_cast<int64_t>(ids.size()), row});
  return ids;
}

// Generation of block i+1 (worker thread) overlaps the writing of block i.
void fill_main(MeasurementSet& ms, const Observation& o) {
  BlockGenerator gen(o);
  MainWriter writer(ms, o);
  const std::vector<BlockId> ids = block_order(o);
  std::vector<Block> buffers(2 * o.spws.size());
  auto buffer = [&](size_t i) -> Block& { return buffers[(i % 2) * o.spws.size() + ids[i].spw]; };
  auto generate = [&](size_t i) { return std::async(std::launch::async, [&, i] { gen.fill(ids[i], buffer(i)); }); };
  std::future<void> next = generate(0);
  for (size_t i = 0; i < ids.size(); ++i) {
    next.get();
    if (i + 1 < ids.size()) next = generate(i + 1);
    writer.put(buffer(i));
  }
}

// The true gains as a G table (every integration, spw and antenna, both receptors) and the bandpasses as a B table
// (one solution per spw and antenna at mid-observation): applying both to DATA gives the model plus noise.
void write_caltables(const MeasurementSet& ms, const Observation& o) {
  const std::string msName = std::filesystem::path(o.cfg.outputvis).filename().string();
  std::vector<caltables::Solution> g, b;
  for (const Scan& scan : o.scans)
    for (int i = 0; i < scan.nint; ++i)
      for (size_t s = 0; s < o.spws.size(); ++s)
        for (size_t a = 0; a < o.nant(); ++a) {
          const double time = scan.start + (i + 0.5) * o.cfg.integration;
          g.push_back({time, o.cfg.integration, scan.field, scan.number, static_cast<int>(s), static_cast<int>(a), 1,
                       {std::complex<float>(true_gain(o, a, s, 0, time)), std::complex<float>(true_gain(o, a, s, 1, time))}});
        }
  for (size_t s = 0; s < o.spws.size(); ++s)
    for (size_t a = 0; a < o.nant(); ++a) {
      caltables::Solution sol{(o.start + o.end) / 2, o.end - o.start, 0, o.scans[0].number, static_cast<int>(s), static_cast<int>(a),
                              o.spws[s].nchan, {}};
      for (int c = 0; c < o.spws[s].nchan; ++c)
        for (int p = 0; p < 2; ++p) sol.param.push_back(std::complex<float>(true_bandpass(o, a, s, p, c)));
      b.push_back(std::move(sol));
    }
  caltables::write(o.cfg.caltables + ".G", "G Jones", ms, msName, g, 2);
  caltables::write(o.cfg.caltables + ".B", "B Jones", ms, msName, b, 2);
}

int64_t simulate(const Config& cfg, const std::string& path) {
  const QuietCasacoreLog quiet;
  const Observation o = make_observation(cfg);
  MeasurementSet ms = create_ms(path, o);
  MSColumns cols(ms);
  fill_antennas(cols, ms, o);
  fill_spectrum(cols, ms, o);
  fill_fields(cols, ms, o);
  fill_observation(cols, ms, o);
  fill_pointing(ms, o);
  fill_syscal(ms, o);
  fill_main(ms, o);
  if (!cfg.caltables.empty()) {
    ms.flush();
    write_caltables(ms, o);
  }
  return o.nrow;
}
}  // namespace

// C API: exceptions never cross into .NET. A failing call returns -1 and keeps the message for sim_last_error(),
// per thread as casashim's cs_last_error does.
#define SIM_API extern "C" __attribute__((visibility("default")))

namespace {
thread_local std::string g_last_error;
}

SIM_API const char* sim_last_error() { return g_last_error.c_str(); }

// Writes a simulated MS described by "key=value" lines (see Simulator.cs) under a temporary name next to the
// output, renamed to outputvis when complete. Returns the number of main-table rows, or -1.
SIM_API int64_t sim_simulate(const char* config) {
  try {
    const Config cfg = parse_config(config);
    namespace fs = std::filesystem;
    if (fs::exists(cfg.outputvis)) throw std::runtime_error("simulate: " + cfg.outputvis + " already exists");
    const std::string tmp = cfg.outputvis + ".partial." + std::to_string(getpid());
    int64_t nrow = 0;
    try {
      nrow = simulate(cfg, tmp);
      fs::rename(tmp, cfg.outputvis);
    } catch (...) {
      fs::remove_all(tmp);
      throw;
    }
    return nrow;
  } catch (const std::exception& e) {
    g_last_error = e.what();
  } catch (...) {
    g_last_error = "unknown C++ exception in the simulator";
  }
  return -1;
}
