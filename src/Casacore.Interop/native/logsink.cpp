// casacore's log through the caller: a global LogSink that hands every message (priority, origin, text) to a
// callback, so the engine logs it with its own logger (rank as origin) instead of casacore printing to stderr.
#include <casacore/casa/Logging/LogFilter.h>
#include <casacore/casa/Logging/LogSink.h>
#include <casacore/casa/Logging/LogSinkInterface.h>

#include "shim.h"

using namespace casacore;

namespace {
using Callback = void (*)(int priority, const char* origin, const char* message);

class CallbackSink : public LogSinkInterface {
 public:
  explicit CallbackSink(Callback callback) : LogSinkInterface(LogFilter(LogMessage::DEBUGGING)), callback_(callback) {}

  Bool postLocally(const LogMessage& message) override {
    if (!filter().pass(message)) return False;
    const LogOrigin& o = message.origin();
    const std::string origin = o.className().empty() ? o.functionName() : o.className() + "::" + o.functionName();
    callback_(static_cast<int>(message.priority()), origin.c_str(), message.message().c_str());
    return True;
  }

  String id() const override { return "MmsMpiSink"; }

 private:
  Callback callback_;
};
}  // namespace

// Replaces casacore's global log sink (which prints to stderr) by one that calls callback for every message,
// priorities as casacore's LogMessage::Priority (DEBUGGING = 0 ... NORMAL = 8, WARN = 9, SEVERE = 10).
SHIM_API int cs_log_to(Callback callback) {
  return shim::guarded([&] {
    LogSinkInterface* sink = new CallbackSink(callback);
    LogSink::globalSink(sink);
  });
}
