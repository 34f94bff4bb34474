// C API of the casacore shim. Every function catches C++ exceptions, stores the message for
// cs_last_error() and returns -1 (or a null handle): no exception ever crosses into .NET.
#pragma once
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#define SHIM_API extern "C" __attribute__((visibility("default")))

namespace shim {
void set_error(const std::string& message);

// Runs f; on any exception records the message and returns -1, else returns f's result (or 0).
template <class F>
int64_t guarded(F&& f) {
  try {
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      return 0;
    } else {
      return static_cast<int64_t>(f());
    }
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception in casacore shim");
  }
  return -1;
}

// Parts of casacore that keep global state and are not safe from two threads at once: the expression parsers
// (MSSelection's and TaQL's flex/bison grammars; two selections at once segfaulted) and the Measures, which read their
// data tables through the table cache. Jobs of one process run in threads (LocalCluster): such calls take turns.
std::mutex& global_state();

// guarded, holding global_state().
template <class F>
int64_t serialized(F&& f) {
  const std::lock_guard<std::mutex> lock(global_state());
  return guarded(std::forward<F>(f));
}

// casacore writes a table's files in its destructor, and destructors cannot throw: an error there (a full disk)
// is std::terminate. Runs body, then flushes the new table t; on any error a copy of the table handle is leaked,
// so the table is never destroyed and never written again (marking it for delete is not enough: its storage
// managers still write their index files while it is removed). The caller is failing, and its staging goes.
template <class T, class F>
void discard_on_error(T& t, F&& body) {
  try {
    body();
    t.flush();
  } catch (...) {
    new T(t);
    throw;
  }
}

// The non-empty lines of text (null: none): the shim's way of passing a list of names.
std::vector<std::string> split_lines(const char* text);

// Copies s into buf (NUL terminated, truncated to len-1) and returns the full length s needs.
int64_t copy_out(const std::string& s, char* buf, int64_t len);
}  // namespace shim

// Element type codes shared with C# (CasaType enum).
enum CsType : int {
  CS_BOOL = 0,
  CS_INT = 1,
  CS_FLOAT = 2,
  CS_DOUBLE = 3,
  CS_COMPLEX = 4,
  CS_INT64 = 5,
  CS_STRING = 6,
};
