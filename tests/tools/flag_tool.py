#!/usr/bin/python3
"""Independent flag checks with python-casacore (an MS or a Multi-MS read as one MS).

  flag_tool.py equal A B        exit 0 when FLAG and FLAG_ROW of A and B are equal after sorting rows by
                                (TIME, ANTENNA1, ANTENNA2, SCAN_NUMBER, FIELD_ID, first frequency of the spw)
  flag_tool.py state MS         JSON: rows, flagged cells, FLAG_ROW count, rows whose FLAG_ROW != all(FLAG)
  flag_tool.py summary MS       JSON: flagged/total per antenna (name, both antennas of a cross-correlation),
                                field (name), scan, spw, correlation (name), with numpy only
  flag_tool.py region BEFORE AFTER ROWS CHANS CORRS
                                JSON counts of the cells inside a region (ROWS: a numpy expression over TIME,
                                ANTENNA1, ANTENNA2, SCAN_NUMBER, FIELD_ID, SPW, scan_start, scan_stop, and
                                shadowed(TOLERANCE): rows with an antenna shadowed at their time; CHANS and
                                CORRS: python slices such as 2:6 or :) and of the cells changed outside it;
                                BEFORE and AFTER are copies of one MS (same row order)
  flag_tool.py clip BEFORE AFTER COLUMN MIN MAX [CORR]
                                JSON: cells where AFTER != BEFORE | |v| outside [MIN,MAX] | v not finite
                                (only correlation index CORR is clipped when given)
  flag_tool.py rows A B         exit 0 when FLAG and FLAG_ROW are equal row by row (e.g. an MS and a flag version)
  flag_tool.py setvis MS COL ROW CHAN CORR RE IM   set one visibility (hand-built test cases)
  flag_tool.py burst MS SCAN T0 T1 C0 C1 AMP      add AMP to DATA of every baseline and correlation at integrations
                                T0..T1 (indices within the scan) and channels C0..C1: an RFI burst
  flag_tool.py burstcheck BEFORE AFTER SCAN T0 T1 C0 C1
                                JSON: fraction of the burst flagged, of its unflagged surroundings (2 channels and
                                2 integrations around) newly flagged, and of everything else newly flagged
"""
import json
import sys

import numpy as np
from casacore import tables as pt

CORR_NAMES = {5: "RR", 6: "RL", 7: "LR", 8: "LL", 9: "XX", 10: "XY", 11: "YX", 12: "YY"}


def open_ms(path):
    return pt.table(path, ack=False)


def row_order(path, t):
    dd = pt.table(path + "/DATA_DESCRIPTION", ack=False)
    spw = pt.table(path + "/SPECTRAL_WINDOW", ack=False)
    f0 = np.array([spw.getcell("CHAN_FREQ", i)[0] for i in range(spw.nrows())])
    freq = f0[dd.getcol("SPECTRAL_WINDOW_ID")[t.getcol("DATA_DESC_ID")]]
    keys = [t.getcol(c) for c in ("TIME", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER", "FIELD_ID")]
    return np.lexsort((freq, keys[4], keys[3], keys[2], keys[1], keys[0]))


def flags_by_row(t):
    """FLAG cells per row (variable shapes), read per DDI in bulk."""
    ddi = t.getcol("DATA_DESC_ID")
    cells = [None] * t.nrows()
    for d in np.unique(ddi):
        sub = t.query("DATA_DESC_ID == %d" % d)
        rows = sub.rownumbers()
        values = sub.getcol("FLAG")
        for i, r in enumerate(rows):
            cells[r] = values[i]
    return cells


def equal(a_path, b_path):
    ta, tb = open_ms(a_path), open_ms(b_path)
    if ta.nrows() != tb.nrows():
        print(json.dumps({"equal": False, "why": "rows %d vs %d" % (ta.nrows(), tb.nrows())}))
        return 1
    oa, ob = row_order(a_path, ta), row_order(b_path, tb)
    fa, fb = flags_by_row(ta), flags_by_row(tb)
    bad = [int(i) for i, (ra, rb) in enumerate(zip(oa, ob)) if not np.array_equal(fa[ra], fb[rb])]
    bad_row = int(np.sum(ta.getcol("FLAG_ROW")[oa] != tb.getcol("FLAG_ROW")[ob]))
    print(json.dumps({"equal": not bad and bad_row == 0, "rows_differing": len(bad), "flag_row_differing": bad_row,
                      "first": bad[:5]}))
    return 0 if not bad and bad_row == 0 else 1


def rows(a_path, b_path):
    ta, tb = open_ms(a_path), open_ms(b_path)
    same = ta.nrows() == tb.nrows() and np.array_equal(ta.getcol("FLAG_ROW"), tb.getcol("FLAG_ROW")) and all(
        np.array_equal(ta.getcell("FLAG", r), tb.getcell("FLAG", r)) for r in range(ta.nrows()))
    print(json.dumps({"equal": bool(same)}))
    return 0 if same else 1


def state(path):
    t = open_ms(path)
    cells = flags_by_row(t)
    flag_row = t.getcol("FLAG_ROW")
    inconsistent = sum(1 for c, fr in zip(cells, flag_row) if bool(c.all()) != bool(fr))
    print(json.dumps({"rows": t.nrows(), "flagged": int(sum(int(c.sum()) for c in cells)),
                      "cells": int(sum(c.size for c in cells)), "flag_row": int(flag_row.sum()),
                      "inconsistent_flag_row": inconsistent}))
    return 0


def summary(path):
    t = open_ms(path)
    names = pt.table(path + "/ANTENNA", ack=False).getcol("NAME")
    fields = pt.table(path + "/FIELD", ack=False).getcol("NAME")
    ddspw = pt.table(path + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")
    ddpol = pt.table(path + "/DATA_DESCRIPTION", ack=False).getcol("POLARIZATION_ID")
    pol = pt.table(path + "/POLARIZATION", ack=False)
    corr_types = [pol.getcell("CORR_TYPE", i) for i in range(pol.nrows())]
    cells = flags_by_row(t)
    cols = {c: t.getcol(c) for c in ("ANTENNA1", "ANTENNA2", "FIELD_ID", "SCAN_NUMBER", "DATA_DESC_ID")}
    out = {"flagged": 0, "total": 0}

    def add(cat, key, f, n):
        entry = out.setdefault(cat, {}).setdefault(key, {"flagged": 0, "total": 0})
        entry["flagged"] += int(f)
        entry["total"] += int(n)

    for r, c in enumerate(cells):
        f, n = int(c.sum()), c.size
        out["flagged"] += f
        out["total"] += n
        a1, a2 = cols["ANTENNA1"][r], cols["ANTENNA2"][r]
        add("antenna", names[a1], f, n)
        if a1 != a2:
            add("antenna", names[a2], f, n)
        add("field", fields[cols["FIELD_ID"][r]], f, n)
        add("scan", str(cols["SCAN_NUMBER"][r]), f, n)
        d = cols["DATA_DESC_ID"][r]
        add("spw", str(ddspw[d]), f, n)
        for k, ct in enumerate(corr_types[ddpol[d]]):
            add("correlation", CORR_NAMES.get(int(ct), str(ct)), c[:, k].sum(), c.shape[0])
    print(json.dumps(out))
    return 0


def columns(path, t):
    cols = {c: t.getcol(c) for c in ("TIME", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER", "FIELD_ID")}
    cols["SPW"] = pt.table(path + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")[t.getcol("DATA_DESC_ID")]
    scans = cols["SCAN_NUMBER"]
    start = {s: cols["TIME"][scans == s].min() for s in np.unique(scans)}
    stop = {s: cols["TIME"][scans == s].max() for s in np.unique(scans)}
    cols["scan_start"] = np.array([start[s] for s in scans])
    cols["scan_stop"] = np.array([stop[s] for s in scans])
    cols["np"] = np
    cols["shadowed"] = lambda tol: shadowed_rows(path, t, tol)
    return cols


def shadowed_rows(path, t, tol):
    """Rows with an antenna shadowed at their TIME: a baseline shorter (in u,v) than the mean dish diameter minus
    the tolerance shadows antenna1 when w < 0, else antenna2 (CASA's FlagAgentShadow convention)."""
    dish = pt.table(path + "/ANTENNA", ack=False).getcol("DISH_DIAMETER")
    uvw, a1, a2, time = t.getcol("UVW"), t.getcol("ANTENNA1"), t.getcol("ANTENNA2"), t.getcol("TIME")
    short = (a1 != a2) & (np.hypot(uvw[:, 0], uvw[:, 1]) < (dish[a1] + dish[a2]) / 2 - tol)
    shadowed = {}
    for i in np.where(short)[0]:
        shadowed.setdefault(time[i], set()).add(a1[i] if uvw[i, 2] < 0 else a2[i])
    return np.array([a1[i] in shadowed.get(time[i], ()) or a2[i] in shadowed.get(time[i], ()) for i in range(t.nrows())])


def cell_slice(text):
    parts = [int(p) if p else None for p in text.split(":")]
    return slice(*parts) if len(parts) > 1 else slice(parts[0], parts[0] + 1)


def region(before, after, rows_expr, chans, corrs):
    tb, ta = open_ms(before), open_ms(after)
    rows = eval(rows_expr, {}, columns(after, ta))
    fb, fa = flags_by_row(tb), flags_by_row(ta)
    out = {"inside": 0, "inside_flagged": 0, "inside_changed": 0, "outside_changed": 0}
    for r, (b, a) in enumerate(zip(fb, fa)):
        mask = np.zeros(a.shape, dtype=bool)
        if rows[r]:
            mask[cell_slice(chans), cell_slice(corrs)] = True
        out["inside"] += int(mask.sum())
        out["inside_flagged"] += int(a[mask].sum())
        out["inside_changed"] += int((a != b)[mask].sum())
        out["outside_changed"] += int((a != b)[~mask].sum())
    print(json.dumps(out))
    return 0


def clip(before, after, column, lo, hi, corr=None):
    tb, ta = open_ms(before), open_ms(after)
    fb, fa = flags_by_row(tb), flags_by_row(ta)
    out = {"mismatches": 0, "expected_new": 0}
    for r, (b, a) in enumerate(zip(fb, fa)):
        v = np.abs(ta.getcell(column, r).astype(np.complex64))
        bad = ~np.isfinite(v) | (v < float(lo)) | (v > float(hi))
        if corr is not None:
            bad[:, [k for k in range(bad.shape[1]) if k != int(corr)]] = False
        out["expected_new"] += int((bad & ~b).sum())
        out["mismatches"] += int(((b | bad) != a).sum())
    print(json.dumps(out))
    return 0


def burst_mask(t, shape, scan, t0, t1, c0, c1):
    times = np.unique(t.query("SCAN_NUMBER == %d" % int(scan)).getcol("TIME"))
    time, scans = t.getcol("TIME"), t.getcol("SCAN_NUMBER")
    mask = np.zeros(shape, dtype=bool)
    rows = (scans == int(scan)) & (time >= times[int(t0)]) & (time <= times[int(t1)])
    mask[rows, int(c0):int(c1) + 1, :] = True
    return mask


def burst(path, scan, t0, t1, c0, c1, amp):
    t = pt.table(path, readonly=False, ack=False)
    data = t.getcol("DATA")
    data[burst_mask(t, data.shape, scan, t0, t1, c0, c1)] += float(amp)
    t.putcol("DATA", data)
    t.close()
    print(json.dumps({"burst": [int(scan), int(t0), int(t1), int(c0), int(c1)]}))
    return 0


def burstcheck(before, after, scan, t0, t1, c0, c1):
    tb, ta = open_ms(before), open_ms(after)
    fb, fa = tb.getcol("FLAG"), ta.getcol("FLAG")
    inside = burst_mask(ta, fa.shape, scan, t0, t1, c0, c1)
    around = burst_mask(ta, fa.shape, scan, max(0, int(t0) - 2), int(t1) + 2, max(0, int(c0) - 2), int(c1) + 2) & ~inside & ~fb
    new = fa & ~fb
    rest = ~inside & ~around & ~fb
    print(json.dumps({"burst_flagged": float(fa[inside].mean()), "around_new": float(new[around].mean()),
                      "elsewhere_new": float(new[rest].mean()), "unflagged_after": int((fb & ~fa).sum())}))
    return 0


def setvis(path, col, row, chan, corr, re, im):
    t = pt.table(path, readonly=False, ack=False)
    cell = t.getcell(col, int(row))
    cell[int(chan), int(corr)] = complex(float(re), float(im)) if np.iscomplexobj(cell) else float(re)
    t.putcell(col, int(row), cell)
    t.close()
    print(json.dumps({"set": [int(row), int(chan), int(corr)]}))
    return 0


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    sys.exit({"equal": equal, "state": state, "summary": summary, "region": region, "clip": clip, "rows": rows,
                "setvis": setvis, "burst": burst, "burstcheck": burstcheck}[command](*args))
