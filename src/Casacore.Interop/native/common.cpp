#include "shim.h"

#include <casacore/casa/version.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace {
thread_local std::string g_last_error;

// The last resort for a casacore error thrown where nothing can catch it (inside a casacore destructor, e.g. a
// full disk while casacore closes a table it made internally): one ERROR line, as for every other error, and
// exit 1 instead of "terminate called after throwing" and SIGABRT.
[[noreturn]] void report_and_exit() {
  std::string what = "unknown error";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
  }
  what = what.substr(0, what.find('\n'));
  const bool full = what.find("No space left on device") != std::string::npos;
  std::fprintf(stderr, "ERROR: %s%s\n", full ? "no space left on device: " : "casacore failed where it cannot report: ", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

const bool g_terminate_installed = (std::set_terminate(report_and_exit), true);
}

namespace shim {
void set_error(const std::string& message) { g_last_error = message; }

std::mutex& global_state() {
  static std::mutex m;
  return m;
}

int64_t copy_out(const std::string& s, char* buf, int64_t len) {
  if (buf != nullptr && len > 0) {
    const size_t n = std::min<size_t>(s.size(), static_cast<size_t>(len - 1));
    std::memcpy(buf, s.data(), n);
    buf[n] = '\0';
  }
  return static_cast<int64_t>(s.size());
}
}  // namespace shim

SHIM_API const char* cs_last_error() { return g_last_error.c_str(); }

std::vector<std::string> shim::split_lines(const char* text) {
  std::vector<std::string> out;
  std::istringstream is(text != nullptr ? text : "");
  std::string line;
  while (std::getline(is, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// casacore's version ("3.5.0"), for `MmsMpi --version`.
SHIM_API const char* cs_casacore_version() { return casacore::getVersion(); }
