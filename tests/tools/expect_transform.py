#!/usr/bin/python3
"""Independent expectations for mstransform outputs, computed with numpy from the input MS (python-casacore).
usage: expect_transform.py MODE INPUT OUTPUT [ARG]
  chanavg N    DATA = flag-aware mean over N channels (partial bin dropped), FLAG = all flagged in bin,
               SPECTRAL_WINDOW CHAN_FREQ/CHAN_WIDTH/NUM_CHAN per CASA's formulas
  hanning      DATA = 0.25/0.5/0.25 smoothing, FLAG = OR of neighbours, edge channels flagged
  timeavg T    per baseline and scan, bins of T seconds from each baseline's first sample: TIME midpoint,
               weighted mean DATA (weights = WEIGHT per correlation), EXPOSURE sum
Prints 'OK' or the first mismatch; exit 0 when OK."""
import sys

import numpy as np
from casacore import tables as pt

mode, a_path, b_path = sys.argv[1], sys.argv[2], sys.argv[3]
arg = float(sys.argv[4]) if len(sys.argv) > 4 else 0
a, b = pt.table(a_path, ack=False), pt.table(b_path, ack=False)


def fail(msg):
    print(msg)
    sys.exit(1)


def close(x, y, what, tol=1e-5):
    if x.shape != y.shape:
        fail(f"{what}: shape {x.shape} != {y.shape}")
    d = np.abs(x - y) / np.maximum(1e-6, np.abs(x))
    if d.max() > tol:
        i = np.unravel_index(np.argmax(d), d.shape)
        fail(f"{what}: relative difference {d.max()} at {i}: {x[i]} vs {y[i]}")


if mode == "chanavg":
    n = int(arg)
    d, f = a.getcol("DATA"), a.getcol("FLAG")
    nrow, nchan, ncorr = d.shape
    nout = nchan // n
    d, f = d[:, : nout * n].reshape(nrow, nout, n, ncorr), f[:, : nout * n].reshape(nrow, nout, n, ncorr)
    good = ~f
    ngood = good.sum(2)
    mean_good = (d * good).sum(2) / np.maximum(ngood, 1)
    expect = np.where(ngood > 0, mean_good, d.mean(2))
    close(expect, b.getcol("DATA"), "DATA")
    if not np.array_equal(ngood == 0, b.getcol("FLAG")):
        fail("FLAG")
    sa, sb = pt.table(a_path + "/SPECTRAL_WINDOW", ack=False), pt.table(b_path + "/SPECTRAL_WINDOW", ack=False)
    fa, wa = sa.getcell("CHAN_FREQ", 0)[: nout * n].reshape(nout, n), sa.getcell("CHAN_WIDTH", 0)[: nout * n].reshape(nout, n)
    close((fa[:, 0] + fa[:, -1]) / 2, sb.getcell("CHAN_FREQ", 0), "CHAN_FREQ", 1e-12)
    close(np.abs(fa[:, -1] - fa[:, 0]) + 0.5 * np.abs(wa[:, 0] + wa[:, -1]), np.abs(sb.getcell("CHAN_WIDTH", 0)), "CHAN_WIDTH", 1e-12)
    if sb.getcell("NUM_CHAN", 0) != nout:
        fail("NUM_CHAN")
elif mode == "hanning":
    d, f = a.getcol("DATA"), a.getcol("FLAG")
    e = d.copy()
    e[:, 1:-1] = 0.25 * d[:, :-2] + 0.5 * d[:, 1:-1] + 0.25 * d[:, 2:]
    ef = f.copy()
    ef[:, 1:-1] = f[:, :-2] | f[:, 1:-1] | f[:, 2:]
    ef[:, 0] = ef[:, -1] = True
    close(e, b.getcol("DATA"), "DATA")
    if not np.array_equal(ef, b.getcol("FLAG")):
        fail("FLAG")
elif mode == "timeavg":
    T = arg
    cols = {c: a.getcol(c) for c in ("TIME", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER", "EXPOSURE", "DATA", "FLAG", "WEIGHT")}
    out = {}
    order = np.argsort(cols["TIME"], kind="stable")
    bins = {}
    for r in order:
        key = (cols["ANTENNA1"][r], cols["ANTENNA2"][r], cols["SCAN_NUMBER"][r])
        cur = bins.get(key)
        if cur is None or cols["TIME"][r] - cur[0] > 0.999 * T:
            cur = [cols["TIME"][r], []]
            bins[key] = cur
            out.setdefault(key, []).append(cur)
        cur[1].append(r)
    expected = []
    for key, lst in out.items():
        for t0, rows in lst:
            t = cols["TIME"][rows]
            w = np.broadcast_to(cols["WEIGHT"][rows][:, None, :], cols["DATA"][rows].shape)
            good = ~cols["FLAG"][rows]
            ww = np.where(good.any(0), w * good, w)
            data = (cols["DATA"][rows] * ww).sum(0) / np.maximum(ww.sum(0), 1e-30)
            expected.append((key[0], key[1], t.min() + (t.max() - t.min()) / 2, cols["EXPOSURE"][rows].sum(), data))
    expected.sort(key=lambda x: (x[2], x[0], x[1]))
    bt, b1, b2 = b.getcol("TIME"), b.getcol("ANTENNA1"), b.getcol("ANTENNA2")
    ob = np.lexsort((b2, b1, bt))
    if len(ob) != len(expected):
        fail(f"rows {len(ob)} != {len(expected)}")
    bd, be = b.getcol("DATA"), b.getcol("EXPOSURE")
    for (a1, a2, t, exp, data), r in zip(expected, ob):
        if (a1, a2) != (b1[r], b2[r]) or abs(t - bt[r]) > 1e-6 or abs(exp - be[r]) > 1e-6:
            fail(f"row {r}: {(a1, a2, t, exp)} != {(b1[r], b2[r], bt[r], be[r])}")
        close(data, bd[r], f"DATA row {r}")
else:
    fail("unknown mode " + mode)
print("OK")
