// Maps shim element type codes to casacore types and dispatches templated operations on them.
#pragma once
#include <casacore/casa/BasicSL/Complex.h>
#include <casacore/casa/Utilities/DataType.h>

#include <stdexcept>
#include <utility>

#include "shim.h"

namespace typed {
// Calls op.template operator()<T>(args...) for the element type code.
template <class Op, class... Args>
void dispatch(int code, Op&& op, Args&&... args) {
  using namespace casacore;
  switch (code) {
    case CS_BOOL: op.template operator()<Bool>(std::forward<Args>(args)...); break;
    case CS_INT: op.template operator()<Int>(std::forward<Args>(args)...); break;
    case CS_FLOAT: op.template operator()<Float>(std::forward<Args>(args)...); break;
    case CS_DOUBLE: op.template operator()<Double>(std::forward<Args>(args)...); break;
    case CS_COMPLEX: op.template operator()<Complex>(std::forward<Args>(args)...); break;
    case CS_INT64: op.template operator()<Int64>(std::forward<Args>(args)...); break;
    default: throw std::runtime_error("unsupported element type code " + std::to_string(code));
  }
}
}  // namespace typed
