// Multi-MS assembly: a casacore ConcatTable over closed sub-MSs, which it moves into <out>/SUBMSS/.
#include <casacore/tables/Tables/ConcatTable.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableLock.h>

#include <sstream>

#include "shim.h"

using namespace casacore;

// members: absolute sub-MS paths, one per line (all closed in this process). The reference table is written
// at out with SubType CONCATENATED; the members end up in out/SUBMSS/.
SHIM_API int cs_mms_concat(const char* members, const char* out) {
  return shim::guarded([&] {
    std::vector<String> names;
    std::istringstream is(members);
    std::string line;
    while (std::getline(is, line))
      if (!line.empty()) names.push_back(line);
    Block<String> tables(names.size());
    for (size_t i = 0; i < names.size(); ++i) tables[i] = names[i];
    ConcatTable ct(tables, Block<String>(), "SUBMSS", Table::New, TableLock(TableLock::AutoNoReadLocking), TSMOption());
    ct.tableInfo().setSubType("CONCATENATED");
    ct.rename(out, Table::New);
  });
}
