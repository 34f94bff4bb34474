// Multi-MS assembly: a casacore ConcatTable over closed sub-MSs, which it moves into <out>/SUBMSS/.
#include <casacore/tables/Tables/ConcatTable.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableLock.h>

#include "shim.h"

using namespace casacore;

// members: absolute sub-MS paths, each ending in a NUL (a path may hold any other character, a newline too), len
// bytes in all; all closed in this process. The reference table is written at out with SubType CONCATENATED; the
// members end up in out/SUBMSS/.
SHIM_API int cs_mms_concat(const char* members, int64_t len, const char* out) {
  return shim::guarded([&] {
    std::vector<String> names;
    for (int64_t at = 0; at < len;) {
      const std::string name(members + at);
      names.push_back(name);
      at += static_cast<int64_t>(name.size()) + 1;
    }
    Block<String> tables(names.size());
    for (size_t i = 0; i < names.size(); ++i) tables[i] = names[i];
    ConcatTable ct(tables, Block<String>(), "SUBMSS", Table::New, TableLock(TableLock::AutoNoReadLocking), TSMOption());
    ct.tableInfo().setSubType("CONCATENATED");
    ct.rename(out, Table::New);
  });
}
