#include "shim.h"

#include <cstring>

namespace {
thread_local std::string g_last_error;
}

namespace shim {
void set_error(const std::string& message) { g_last_error = message; }

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
