// A thin C layer over libaoflagger's C++ API (aoflagger.h, 3.1): load a strategy, run it on one baseline's
// time x channel planes, hand the flag mask back. No C++ exception crosses into C#: errors are messages.
#include <aoflagger.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

struct Flagger {
  aoflagger::AOFlagger api;
  std::unique_ptr<aoflagger::Strategy> strategy;
  std::string path;
};

void say(char* err, int errlen, const std::string& message) {
  if (errlen <= 0) return;
  std::strncpy(err, message.c_str(), errlen - 1);
  err[errlen - 1] = '\0';
}

// The aoflagger tool's choice of strategy by OBSERVATION::TELESCOPE_NAME (lua/telescopefile.cpp, upper-cased, exact).
aoflagger::TelescopeId telescope(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  using T = aoflagger::TelescopeId;
  if (name == "AARTFAAC") return T::AARTFAAC_TELESCOPE;
  if (name == "APERTIF") return T::APERTIF_TELESCOPE;
  if (name == "ARECIBO" || name == "ARECIBO 305M") return T::ARECIBO_TELESCOPE;
  if (name == "BIGHORNS") return T::BIGHORNS_TELESCOPE;
  if (name == "EVLA" || name == "JVLA") return T::JVLA_TELESCOPE;
  if (name == "LOFAR") return T::LOFAR_TELESCOPE;
  if (name == "MWA") return T::MWA_TELESCOPE;
  if (name == "NENUFAR") return T::NENUFAR_TELESCOPE;
  if (name == "PARKES" || name == "PKS" || name == "ATPKSMB") return T::PARKES_TELESCOPE;
  if (name == "WSRT") return T::WSRT_TELESCOPE;
  return T::GENERIC_TELESCOPE;
}

}  // namespace

// file: a Lua strategy, or empty for the telescope's default one. The strategy's per-correlation NaN flagging
// (input:flag_nans()) is taken out: the API returns one mask for all correlations, so the caller flags
// non-finite values per correlation itself, as the aoflagger tool's output has them.
EXPORT void* aof_open(const char* file, const char* telescopeName, char* path, int pathlen, char* err, int errlen) {
  try {
    auto f = std::make_unique<Flagger>();
    f->path = (file && *file) ? std::string(file) : f->api.FindStrategyFile(telescope(telescopeName ? telescopeName : ""));
    if (f->path.empty()) {
      say(err, errlen, "no AOFlagger strategy installed for this telescope (aoflagger's strategies directory)");
      return nullptr;
    }
    std::ifstream in(f->path);
    if (!in) {
      say(err, errlen, "cannot read the AOFlagger strategy " + f->path);
      return nullptr;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string lua = text.str();
    const std::string nans = "input:flag_nans()";
    for (auto at = lua.find(nans); at != std::string::npos; at = lua.find(nans)) lua.erase(at, nans.size());
    f->strategy = std::make_unique<aoflagger::Strategy>(f->api.LoadStrategyString(lua));
    say(path, pathlen, f->path);
    return f.release();
  } catch (const std::exception& e) {
    say(err, errlen, e.what());
    return nullptr;
  }
}

// planes: 2*ncorr images of ntimes x nchan (re, im per correlation; time fastest); existing and out: nchan x ntimes.
EXPORT int aof_run(void* handle, int ntimes, int nchan, int ncorr, const float* planes, const unsigned char* existing,
                   unsigned char* out, char* err, int errlen) {
  try {
    auto* f = static_cast<Flagger*>(handle);
    aoflagger::ImageSet set = f->api.MakeImageSet(ntimes, nchan, 2 * ncorr, 0.0f);
    const size_t stride = set.HorizontalStride();
    for (int i = 0; i < 2 * ncorr; i++) {
      float* image = set.ImageBuffer(i);
      for (int ch = 0; ch < nchan; ch++)
        std::memcpy(image + ch * stride, planes + (size_t(i) * nchan + ch) * ntimes, sizeof(float) * ntimes);
    }
    aoflagger::FlagMask given = f->api.MakeFlagMask(ntimes, nchan, true);
    const size_t gstride = given.HorizontalStride();
    for (int ch = 0; ch < nchan; ch++)
      for (int t = 0; t < ntimes; t++) given.Buffer()[ch * gstride + t] = existing[size_t(ch) * ntimes + t] != 0;
    aoflagger::FlagMask mask = f->strategy->Run(set, given);
    const size_t mstride = mask.HorizontalStride();
    for (int ch = 0; ch < nchan; ch++)
      for (int t = 0; t < ntimes; t++) out[size_t(ch) * ntimes + t] = mask.Buffer()[ch * mstride + t] ? 1 : 0;
    return 0;
  } catch (const std::exception& e) {
    say(err, errlen, e.what());
    return 1;
  }
}

EXPORT void aof_close(void* handle) { delete static_cast<Flagger*>(handle); }

EXPORT void aof_version(int* major, int* minor, int* sub) {
  short a, b, c;
  aoflagger::AOFlagger::GetVersion(a, b, c);
  *major = a;
  *minor = b;
  *sub = c;
}
