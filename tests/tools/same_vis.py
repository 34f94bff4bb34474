#!/usr/bin/python3
"""Independent check with python-casacore for a trip through another format (exportuvh5 then importuvh5): does MS B
hold the visibilities of every row of MS A? Rows are matched on (TIME within --time-tol s, ANTENNA1, ANTENNA2, first
channel frequency of the row's spw); DATA and FLAG must be equal, UVW within 1e-9 m. B may have more rows (cells a
UVH5 file holds for spws absent at some times): they must be wholly flagged. Prints JSON {"ok", "rows_a", "rows_b",
"matched", "failures": [...]}; exit 0 when ok, 1 otherwise.

  same_vis.py A.ms B.ms [--time-tol 3e-5]
"""
import json
import sys

import numpy as np
from casacore import tables as pt


def keyed(path):
    t = pt.table(path, ack=False)
    spw = pt.table(path + "/SPECTRAL_WINDOW", ack=False)
    ddspw = pt.table(path + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")
    f0 = np.array([spw.getcell("CHAN_FREQ", i)[0] for i in range(spw.nrows())])
    return t, t.getcol("TIME"), t.getcol("ANTENNA1"), t.getcol("ANTENNA2"), f0[ddspw[t.getcol("DATA_DESC_ID")]]


def cells(t, col):
    return [t.getcell(col, r) for r in range(t.nrows())]


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tol = float(argv[argv.index("--time-tol") + 1]) if "--time-tol" in argv else 3e-5
    ta, time_a, a1, a2, fa = keyed(argv[0])
    tb, time_b, b1, b2, fb = keyed(argv[1])
    # B's times on a grid: each A time finds the B time within tol (times of one integration are identical).
    grid = np.unique(time_b)
    index_b = {(grid_i, b1[r], b2[r], fb[r]): r for r, grid_i in enumerate(np.searchsorted(grid, time_b))}
    failures, matched = [], set()
    # Cell by cell: spws of different shapes make getcol of DATA/FLAG fail (python-casacore aborts).
    data_a, data_b = cells(ta, "DATA"), cells(tb, "DATA")
    flag_a, flag_b = cells(ta, "FLAG"), cells(tb, "FLAG")
    uvw_a, uvw_b = ta.getcol("UVW"), tb.getcol("UVW")
    for r in range(ta.nrows()):
        g = np.searchsorted(grid, time_a[r] - tol)
        s = index_b.get((g, a1[r], a2[r], fa[r])) if g < len(grid) and abs(grid[g] - time_a[r]) <= tol else None
        if s is None:
            failures.append(f"row {r} (time {time_a[r]}, {a1[r]}-{a2[r]}, {fa[r]} Hz) has no row in B")
            continue
        matched.add(s)
        for name, x, y in (("DATA", data_a, data_b), ("FLAG", flag_a, flag_b)):
            if x[r].shape != y[s].shape or not np.array_equal(x[r], y[s]):
                failures.append(f"{name} of row {r} differs from B's row {s}")
        if np.abs(uvw_a[r] - uvw_b[s]).max() > 1e-9:
            failures.append(f"UVW of row {r}: {uvw_a[r].tolist()} vs {uvw_b[s].tolist()}")
    for s in set(range(tb.nrows())) - matched:
        if not flag_b[s].all():
            failures.append(f"B's row {s} matches no row of A and is not wholly flagged")
    print(json.dumps({"ok": not failures, "rows_a": ta.nrows(), "rows_b": tb.nrows(), "matched": len(matched),
                      "failures": failures[:20]}))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
