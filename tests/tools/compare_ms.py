#!/usr/bin/python3
"""Independent check with python-casacore: does OUT (an MS or a Multi-MS read as one MS) hold exactly the rows
of IN (optionally restricted by a TaQL WHERE condition)? Rows are matched on (TIME, ANTENNA1, ANTENNA2,
SCAN_NUMBER, FIELD_ID, first channel frequency of the row's spw), so re-indexed DDI/spw ids compare by meaning.
With --spectra, WEIGHT_SPECTRUM and SIGMA_SPECTRUM are compared too. Prints a JSON report; exit 0 when equal,
1 otherwise."""
import json
import sys

import numpy as np
from casacore import tables as pt


def load(path, where):
    t = pt.table(path, ack=False)
    if where:
        t = t.query(where)
    dd = pt.table(path + "/DATA_DESCRIPTION", ack=False)
    spw = pt.table(path + "/SPECTRAL_WINDOW", ack=False)
    ddspw = dd.getcol("SPECTRAL_WINDOW_ID")
    f0 = np.array([spw.getcell("CHAN_FREQ", i)[0] for i in range(spw.nrows())])
    cols = {c: t.getcol(c) for c in ("TIME", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER", "FIELD_ID", "DATA_DESC_ID")}
    freq = f0[ddspw[cols["DATA_DESC_ID"]]]
    order = np.lexsort((freq, cols["FIELD_ID"], cols["SCAN_NUMBER"], cols["ANTENNA2"], cols["ANTENNA1"], cols["TIME"]))
    return t, cols, freq, order


def main():
    args = [a for a in sys.argv[1:] if a != "--spectra"]
    a_path, b_path = args[0], args[1]
    where = args[2] if len(args) > 2 else ""
    datacols = ["DATA", "CORRECTED_DATA", "MODEL_DATA", "FLOAT_DATA"]
    if "--spectra" in sys.argv:
        datacols += ["WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"]
    ta, ca, fa, oa = load(a_path, where)
    tb, cb, fb, ob = load(b_path, "")
    report = {"rows_in": int(ta.nrows()), "rows_out": int(tb.nrows()), "mismatches": []}
    if ta.nrows() != tb.nrows():
        report["mismatches"].append("row count")
    else:
        for c in ("TIME", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER", "FIELD_ID"):
            if not np.array_equal(ca[c][oa], cb[c][ob]):
                report["mismatches"].append(c)
        if not np.array_equal(fa[oa], fb[ob]):
            report["mismatches"].append("SPW frequency")
        for c in ["UVW", "FLAG", "FLAG_ROW", "WEIGHT", "SIGMA"] + datacols:
            if c not in ta.colnames():
                continue
            if c not in tb.colnames():
                report["mismatches"].append(c + " missing")
                continue
            # Cells can have different shapes per spw: compare row by row in matched order.
            for ra, rb in zip(oa, ob):
                if not np.array_equal(ta.getcell(c, int(ra)), tb.getcell(c, int(rb))):
                    report["mismatches"].append(c)
                    break
    info = tb.info()
    report["subtype"] = info.get("subType", "")
    print(json.dumps(report))
    sys.exit(0 if not report["mismatches"] else 1)


main()
