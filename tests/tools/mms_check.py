#!/usr/bin/python3
"""Independent structural check of a Multi-MS with python-casacore. Prints JSON:
subtype, axistype, total rows through the reference MS, and per sub-MS (each opened alone): rows, scans, spws,
(scan,ddi) pairs and baselines, plus 'exclusive': whether each key of the axis lands in exactly one sub-MS."""
import glob
import json
import os
import sys

import numpy as np
from casacore import tables as pt

mms, axis = sys.argv[1], sys.argv[2]
ref = pt.table(mms, ack=False)
info = ref.info()
axistype = ""
for line in info.get("readme", "").splitlines():
    if "AxisType" in line:
        axistype = line.split("=", 1)[1].strip()
subs = []
owners = {}
for path in sorted(glob.glob(os.path.join(mms, "SUBMSS", "*"))):
    t = pt.table(path, ack=False)
    spw_of = pt.table(path + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")
    scans, ddis = t.getcol("SCAN_NUMBER"), t.getcol("DATA_DESC_ID")
    a1, a2 = t.getcol("ANTENNA1"), t.getcol("ANTENNA2")
    keys = {
        "scan": set(int(s) for s in scans),
        "spw": set(int(spw_of[d]) for d in ddis),
        "scan,spw": set((int(s), int(d)) for s, d in zip(scans, ddis)),
        "baseline": set((int(min(x, y)), int(max(x, y))) for x, y in zip(a1, a2)),
    }[axis]
    for k in keys:
        owners.setdefault(k, []).append(os.path.basename(path))
    subs.append({"name": os.path.basename(path), "rows": int(t.nrows()),
                 "scans": sorted(int(s) for s in set(scans)), "spws": sorted(int(s) for s in set(spw_of[ddis]))})
print(json.dumps({
    "subtype": info.get("subType", ""), "axistype": axistype, "rows": int(ref.nrows()),
    "subms": subs, "exclusive": all(len(v) == 1 for v in owners.values()), "keys": len(owners),
}))
