// CASA data selection through casacore's MSSelection: selected rows, channel ranges per spw, correlations per polarization.
#include <casacore/ms/MSSel/MSSelection.h>
#include <casacore/ms/MSSel/MSSelectionError.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <vector>

#include "shim.h"

using namespace casacore;

namespace {
struct Selection {
  Table table;               // reference table of the selected rows
  std::vector<int> chans;    // spw, start, end, step per row of MSSelection::getChanList
  std::vector<int> corrs;    // polId, n, idx_0..idx_n-1 per selected polarization
};
}  // namespace

// exprs: field, spw, scan, antenna, timerange, correlation, intent, observation, array, uvrange, feed, taql.
// Returns a selection handle, or null on error (including a selection that selects nothing).
SHIM_API void* cs_msselect(void* table, const char* const* exprs) {
  Selection* out = nullptr;
  shim::serialized([&] {
    MeasurementSet ms(*static_cast<Table*>(table));
    auto e = [&](int i) { return String(exprs[i] != nullptr ? exprs[i] : ""); };
    MSSelection sel;
    sel.setFieldExpr(e(0));
    sel.setSpwExpr(e(1));
    sel.setScanExpr(e(2));
    sel.setAntennaExpr(e(3));
    sel.setTimeExpr(e(4));
    sel.setPolnExpr(e(5));
    sel.setStateExpr(e(6));
    sel.setObservationExpr(e(7));
    sel.setArrayExpr(e(8));
    sel.setUvDistExpr(e(9));
    sel.setFeedExpr(e(10));
    sel.setTaQLExpr(e(11));
    auto s = std::make_unique<Selection>();
    TableExprNode node = sel.toTableExprNode(&ms);
    s->table = node.isNull() ? ms : ms(node);
    if (!e(1).empty()) {
      Matrix<Int> cl = sel.getChanList(&ms, 1, True);
      for (size_t r = 0; r < cl.nrow(); ++r)
        for (size_t c = 0; c < 4; ++c) s->chans.push_back(cl(r, c));
    }
    if (!e(5).empty()) {
      for (const auto& [pol, lists] : sel.getCorrMap(&ms)) {
        s->corrs.push_back(pol);
        s->corrs.push_back(lists.size() > 0 ? lists[0].size() : 0);
        if (lists.size() > 0)
          for (Int idx : lists[0]) s->corrs.push_back(idx);
      }
    }
    out = s.release();
  });
  return out;
}

SHIM_API void* cs_sel_table(void* sel) {
  Table* t = nullptr;
  shim::guarded([&] { t = new Table(static_cast<Selection*>(sel)->table); });
  return t;
}

// Copies up to n ints of the channel list (4 per range) or correlation list; returns the full count.
SHIM_API int64_t cs_sel_ints(void* sel, int which, int* buf, int64_t n) {
  return shim::guarded([&] {
    const auto& v = which == 0 ? static_cast<Selection*>(sel)->chans : static_cast<Selection*>(sel)->corrs;
    for (int64_t i = 0; i < std::min<int64_t>(n, v.size()); ++i) buf[i] = v[i];
    return static_cast<int64_t>(v.size());
  });
}

SHIM_API int cs_sel_free(void* sel) {
  return shim::guarded([&] { delete static_cast<Selection*>(sel); });
}
