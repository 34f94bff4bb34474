#!/usr/bin/python3
"""Independent reference for applycal tests (python-casacore + numpy): writes CASA NewCalTable-format
calibration tables with known solutions, computes what CASA 6 applycal must produce, and compares an MS with it.

  caltables.py make MS OUT SPEC.json
        write cal table OUT for MS.  SPEC: {"type": "G"|"T"|"B"|"K", "casa_version": true (false = no
        CASA_Version keyword), "rows": [{"time", "field", "spw", "antenna", "interval", "scan",
        "param": [npol][nchan] ([re, im] pairs for G/T/B, delays in ns for K), "flag": same shape}]}
        or "generate": {"times": [..], "spws": [..], "fields": [f] or one per time, "scans": one per time,
        "interval": s, "antennas": [..] (default all), "npol": 2 (T: 1), "nchan": {"spw": n} (B only; the CT
        SPECTRAL_WINDOW row gets n channels, CHAN_FREQ = linspace(first, last MS frequency)), "seed": int,
        "amp": [lo, hi], "phase_deg": [lo, hi], "delay_ns": [lo, hi] (K), "flag": [{"antenna", "spw",
        "time_index", "pol", "chan"} (a missing or null key = all)]}.  Prints {"rows", "type", "table"}.
  caltables.py expect MS OUT.npz APPLY.json
        expected CORRECTED_DATA, FLAG, WEIGHT, WEIGHT_SPECTRUM after applycal.  APPLY: {"tables": [{"table",
        "interp": "linear" | "nearest,linearflag" ..., "spwmap": [], "gainfield": "" | "nearest" | "0,2" |
        "1~3" | name, "calwt": true}], "applymode": "calflag" (default) | "calflagstrict" | "calonly" |
        "flagonly" | "flagonlystrict" | "trial", "rows": [..] (default all), "spws": [..] (default all)}.
        OUT.npz: ddis; per DDI d: rows_d, corrected_d (complex128 [row, chan, corr]), flag_d, weight_d
        [row, corr], weight_spectrum_d (if the MS has it), solflag_d (cells flagged by solutions),
        processed_d (row selected and calibrateable), corrected_before_d (if the MS had CORRECTED_DATA);
        scalars applymode, calwt, has_weight_spectrum, expect_corrected_column.  Prints a JSON summary.
  caltables.py compare MS OUT.npz [--tol 1e-5]
        JSON {"ok", "rows", "corrected_max_rel", "weight_max_rel", "weight_spectrum_max_rel",
        "flag_differences", "corrected_column_ok", "first_mismatch": {"column", "row", "chan", "corr",
        "expected", "actual"}}; exit 0 when ok, 1 otherwise.
"""
import fnmatch
import json
import os
import re
import sys

import numpy as np
from casacore import tables as pt

VISCAL = {"G": "G Jones", "T": "T Jones", "B": "B Jones", "K": "K Jones"}
APPLY_ORDER = "BKGT"  # CASA's VisEquation order, whatever order the tables are given in


def ms_spw_freqs(ms):
    spw = pt.table(ms + "/SPECTRAL_WINDOW", ack=False)
    return [spw.getcell("CHAN_FREQ", i) for i in range(spw.nrows())]


# ---------------------------------------------------------------- make

def generated_rows(ms, typ, gen):
    """Expand the "generate" form into explicit rows, seeded values per (time, spw, antenna, pol, chan)."""
    rng = np.random.default_rng(gen.get("seed", 0))
    times = gen["times"]
    fields = gen.get("fields", [0])
    fields = fields * len(times) if len(fields) == 1 else fields
    scans = gen.get("scans", [0] * len(times))
    ants = gen.get("antennas", list(range(pt.table(ms + "/ANTENNA", ack=False).nrows())))
    npol = gen.get("npol", 1 if typ == "T" else 2)
    nchan = {int(k): v for k, v in gen.get("nchan", {}).items()}
    freqs = ms_spw_freqs(ms)
    rows = []
    for ti, t in enumerate(times):
        for s in gen["spws"]:
            nc = nchan.get(s, len(freqs[s])) if typ == "B" else 1
            for a in ants:
                if typ == "K":
                    par = rng.uniform(*gen.get("delay_ns", [0.0, 0.0]), (npol, nc))
                else:
                    amp = rng.uniform(*gen.get("amp", [1.0, 1.0]), (npol, nc))
                    ph = np.radians(rng.uniform(*gen.get("phase_deg", [0.0, 0.0]), (npol, nc)))
                    par = amp * np.exp(1j * ph)
                rows.append({"time": t, "field": fields[ti], "spw": s, "antenna": a, "scan": scans[ti],
                             "interval": gen.get("interval", 0.0), "param": par,
                             "flag": np.zeros((npol, nc), bool), "_ti": ti})
    for f in gen.get("flag", []):
        for r in rows:
            if all(f.get(k) is None or f[k] == r[v] for k, v in
                   (("antenna", "antenna"), ("spw", "spw"), ("time_index", "_ti"))):
                r["flag"][slice(None) if f.get("pol") is None else f["pol"],
                          slice(None) if f.get("chan") is None else f["chan"]] = True
    return rows


def spec_rows(ms, spec):
    """Rows of the SPEC (explicit or generated), param/flag as [npol, nchan] arrays, CT order."""
    typ = spec["type"]
    if "generate" in spec:
        rows = generated_rows(ms, typ, spec["generate"])
    else:
        rows = []
        for r in spec["rows"]:
            a = np.array(r["param"], float)
            par = a if typ == "K" else a[..., 0] + 1j * a[..., 1]
            rows.append(dict(r, param=par, flag=np.array(r.get("flag", np.zeros(par.shape, bool)), bool)))
    return sorted(rows, key=lambda r: (r["time"], r["spw"], r["antenna"]))


def write_main(out, typ, rows):
    pcol = "FPARAM" if typ == "K" else "CPARAM"
    arr = lambda name, v, vt: pt.makearrcoldesc(name, v, ndim=2, valuetype=vt)
    desc = pt.maketabdesc([
        pt.makescacoldesc("TIME", 0.0, keywords={"QuantumUnits": ["s"], "MEASINFO": {"type": "epoch", "Ref": "UTC"}}),
        pt.makescacoldesc("FIELD_ID", 0), pt.makescacoldesc("SPECTRAL_WINDOW_ID", 0),
        pt.makescacoldesc("ANTENNA1", 0), pt.makescacoldesc("ANTENNA2", 0),
        pt.makescacoldesc("INTERVAL", 0.0, keywords={"QuantumUnits": ["s"]}),
        pt.makescacoldesc("SCAN_NUMBER", 0), pt.makescacoldesc("OBSERVATION_ID", 0),
        arr(pcol, 0.0, "float") if typ == "K" else arr(pcol, 0j, "complex"), arr("PARAMERR", 0.0, "float"),
        arr("FLAG", False, "boolean"), arr("SNR", 0.0, "float"), arr("WEIGHT", 0.0, "float")])
    t = pt.table(out, desc, nrow=len(rows), readonly=False, ack=False)
    for col, key in (("TIME", "time"), ("FIELD_ID", "field"), ("SPECTRAL_WINDOW_ID", "spw"),
                     ("ANTENNA1", "antenna"), ("INTERVAL", "interval"), ("SCAN_NUMBER", "scan")):
        t.putcol(col, np.array([r.get(key, 0) for r in rows]))
    t.putcol("ANTENNA2", np.full(len(rows), -1))
    t.putcol("OBSERVATION_ID", np.zeros(len(rows), int))
    for i, r in enumerate(rows):  # a casacore cell [npol, nchan] is a numpy (nchan, npol) array
        par = np.ascontiguousarray(r["param"].T)
        t.putcell(pcol, i, par)
        t.putcell("FLAG", i, np.ascontiguousarray(r["flag"].T))
        t.putcell("PARAMERR", i, np.zeros(par.shape))
        for col in ("SNR", "WEIGHT"):
            t.putcell(col, i, np.ones(par.shape))
    return t


def make(ms, out, spec_path):
    spec = json.load(open(spec_path))
    typ, out = spec["type"], os.path.abspath(out)
    rows = spec_rows(ms, spec)
    t = write_main(out, typ, rows)
    kw = {"ParType": "Float" if typ == "K" else "Complex", "MSName": os.path.basename(os.path.normpath(ms)),
          "VisCal": VISCAL[typ], "PolBasis": "UNKNOWN"}
    if spec.get("casa_version", True):
        kw["CASA_Version"] = "6.5.0.15"
    t.putkeywords(kw)
    for sub in ("ANTENNA", "FIELD", "SPECTRAL_WINDOW", "OBSERVATION"):  # subtables inside OUT, as in an MS
        pt.table(ms + "/" + sub, ack=False).copy(out + "/" + sub, deep=True).close()
        t.putkeyword(sub, "Table: " + out + "/" + sub)
    t.putinfo({"type": "Calibration", "subType": VISCAL[typ], "readme": ""})
    t.close()
    if typ == "B":
        rechannelize(ms, out, {r["spw"]: r["param"].shape[1] for r in rows})
    print(json.dumps({"table": out, "type": typ, "rows": len(rows)}))
    return 0


def rechannelize(ms, out, nchan):
    """B solutions: the CT spw rows get the solution channels spread evenly over the MS spw's band."""
    freqs = ms_spw_freqs(ms)
    spw = pt.table(out + "/SPECTRAL_WINDOW", readonly=False, ack=False)
    for s, n in nchan.items():
        f = freqs[s]
        width = np.full(n, (f[-1] - f[0]) / (n - 1) if n > 1 else np.sum(spw.getcell("CHAN_WIDTH", s)))
        for col, v in (("NUM_CHAN", n), ("CHAN_FREQ", np.linspace(f[0], f[-1], n)), ("CHAN_WIDTH", width),
                       ("EFFECTIVE_BW", np.abs(width)), ("RESOLUTION", np.abs(width))):
            spw.putcell(col, s, v)
    spw.close()


# ---------------------------------------------------------------- interpolation

def wrap(d):
    return d - 2 * np.pi * np.round(d / (2 * np.pi))


def interp_time(T, P, F, t, kind, is_complex):
    """Value and flag [nsol, npol] of one (antenna, spw[, field]) series at MS time t."""
    n = len(T)
    if n == 1 or t <= T[0]:
        return P[0], F[0]
    if t >= T[-1]:
        return P[-1], F[-1]
    i = np.searchsorted(T, t, "right") - 1
    if T[i] == t:
        return P[i], F[i]
    if kind == "nearest":
        j = i if t - T[i] <= T[i + 1] - t else i + 1  # a tie takes the earlier row
        return P[j], F[j]
    f = (t - T[i]) / (T[i + 1] - T[i])
    flag = F[i] | F[i + 1]
    if not is_complex:
        return P[i] + f * (P[i + 1] - P[i]), flag
    a0, a1, p0 = np.abs(P[i]), np.abs(P[i + 1]), np.angle(P[i])
    p1 = p0 + wrap(np.angle(P[i + 1]) - p0)  # the shorter way round
    return (a0 + f * (a1 - a0)) * np.exp(1j * (p0 + f * (p1 - p0))), flag


def nearest_index(fs, fout):
    hi = np.clip(np.searchsorted(fs, fout), 0, len(fs) - 1)
    lo = np.clip(hi - 1, 0, len(fs) - 1)
    return np.where(np.abs(fout - fs[lo]) <= np.abs(fs[hi] - fout), lo, hi)  # ties to the lower frequency


def interp_freq(val, flg, fin, fout, ftype):
    """B: one pol's solution channels (val, flg at fin) onto the data channels fout -> (J, flag)."""
    order = np.argsort(fin, kind="stable")
    fin, val, flg = fin[order], val[order], flg[order]
    flagmode = ftype.endswith("flag")
    kind = "nearest" if len(fin) == 1 or ftype.startswith("nearest") else "linear"
    good = ~flg
    if not good.any():
        return np.zeros(len(fout), complex), np.ones(len(fout), bool)
    fu, vu = fin[good], val[good]
    if kind == "nearest":
        out = vu[nearest_index(fu, fout)]
    else:  # np.interp holds the edge values beyond the first/last unflagged channel
        out = np.interp(fout, fu, np.abs(vu)) * np.exp(1j * np.interp(fout, fu, np.unwrap(np.angle(vu))))
    if not flagmode:
        oflag = np.zeros(len(fout), bool)
    elif kind == "nearest":
        oflag = flg[nearest_index(fin, fout)]
    else:
        reg = np.append(flg[:-1] | flg[1:], flg[-2] | flg[-1])
        i = np.searchsorted(fin, fout, "right") - 1
        exact = fin[np.clip(i, 0, len(fin) - 1)] == fout
        oflag = np.where(exact, flg[np.clip(i, 0, len(fin) - 1)], reg[np.clip(i, 0, len(fin) - 2)])
    return out, oflag


# ---------------------------------------------------------------- cal tables

def read_ct(path):
    t = pt.table(path, ack=False)
    kw = t.getkeywords()
    pcol = "FPARAM" if "FPARAM" in t.colnames() else "CPARAM"
    spw = pt.table(path + "/SPECTRAL_WINDOW", ack=False)
    fld = pt.table(path + "/FIELD", ack=False)
    return {"type": kw["VisCal"][0], "has_version": "CASA_Version" in kw,
            "time": t.getcol("TIME"), "field": t.getcol("FIELD_ID"), "spw": t.getcol("SPECTRAL_WINDOW_ID"),
            # in double precision: numpy keeps float32 through the interpolation arithmetic otherwise (1e-5 off)
            "ant": t.getcol("ANTENNA1"), "param": [t.getcell(pcol, i).astype(np.complex128 if pcol == "CPARAM" else np.float64)
                                                   for i in range(t.nrows())],
            "flag": [t.getcell("FLAG", i) for i in range(t.nrows())],
            "chan_freq": [spw.getcell("CHAN_FREQ", i) for i in range(spw.nrows())],
            "ref_freq": spw.getcol("REF_FREQUENCY"),
            "field_dir": fld.getcol("PHASE_DIR")[:, 0, :], "field_name": list(fld.getcol("NAME"))}


def map_spw(spwmap, s):
    if not spwmap or list(spwmap) == [-1]:
        return s
    if len(spwmap) == 1:
        return spwmap[0]
    return spwmap[s] if s < len(spwmap) else s


def gainfield_ids(gf, names):
    """Field ids (comma list, '~' ranges) or names (glob patterns) in the CT FIELD table."""
    ids = set()
    for tok in (x.strip() for x in gf.split(",")):
        if re.fullmatch(r"\d+~\d+", tok):
            a, b = map(int, tok.split("~"))
            ids |= set(range(a, b + 1))
        elif tok.isdigit():
            ids.add(int(tok))
        else:
            ids |= {i for i, n in enumerate(names) if fnmatch.fnmatchcase(n, tok)}
    return ids


def separation(d1, d2):
    (r1, e1), (r2, e2) = d1, d2
    return 2 * np.arcsin(np.sqrt(np.sin((e2 - e1) / 2) ** 2 + np.cos(e1) * np.cos(e2) * np.sin((r2 - r1) / 2) ** 2))


class Table:
    """One applied table: selection, time series per (antenna[, field]) and Jones per (antenna, time, field)."""

    def __init__(self, entry, ms_field_dir):
        self.ct = ct = read_ct(entry["table"])
        self.type = ct["type"]
        self.calwt = bool(entry.get("calwt", True)) and self.type != "K"  # K never scales weights
        interp = str(entry.get("interp", "linear") or "linear").split(",")
        self.tinterp = "nearest" if interp[0].strip().startswith("nearest") else "linear"
        self.finterp = interp[1].strip() if len(interp) > 1 and interp[1].strip() else "linear"
        self.spwmap = entry.get("spwmap", [])
        gf = str(entry.get("gainfield", "")).strip()
        self.nearest = gf == "nearest"
        self.keep = np.ones(len(ct["time"]), bool) if gf in ("", "nearest") else np.isin(
            ct["field"], sorted(gainfield_ids(gf, ct["field_name"])))
        self.fieldmap = {}
        if self.nearest:  # each MS field -> nearest CT field among those present in the CT rows
            avail = np.unique(ct["field"])
            for f, d in enumerate(ms_field_dir):
                seps = [separation(d, ct["field_dir"][c]) for c in avail]
                self.fieldmap[f] = int(avail[int(np.argmin(seps))])
        self.series = {}

    def calibrateable(self, spw):
        s = map_spw(self.spwmap, spw)
        # judged on the rows gainfield keeps: CASA loads only those into its in-memory table
        return 0 <= s < len(self.ct["chan_freq"]) and bool(np.any(self.keep & (self.ct["spw"] == s)))

    def get_series(self, s, ant, field):
        key = (s, ant, field)
        if key not in self.series:
            ct = self.ct
            m = self.keep & (ct["spw"] == s) & (ct["ant"] == ant) & (True if field is None else ct["field"] == field)
            idx = np.flatnonzero(m)
            idx = idx[np.argsort(ct["time"][idx], kind="stable")]
            self.series[key] = None if len(idx) == 0 else (
                ct["time"][idx], [ct["param"][i] for i in idx], [ct["flag"][i] for i in idx])
        return self.series[key]

    def jones(self, spw, fout, t, field, ant):
        """(J [nchan, 2], ok [nchan, 2], weight scale [2]) for one antenna at one MS time and field."""
        s = map_spw(self.spwmap, spw)
        ser = self.get_series(s, ant, self.fieldmap[field] if self.nearest else None)
        nchan = len(fout)
        if ser is None:  # no solutions for this antenna: its Jones are flagged
            return np.zeros((nchan, 2), complex), np.zeros((nchan, 2), bool), np.ones(2)
        val, flg = interp_time(*ser, t, self.tinterp, self.type != "K")  # [nsol, npol]
        if val.shape[1] == 1:  # single-pol / T: one value for both receptors
            val, flg = np.repeat(val, 2, axis=1), np.repeat(flg, 2, axis=1)
        J, F, wsc = np.zeros((nchan, 2), complex), np.zeros((nchan, 2), bool), np.ones(2)
        for p in range(2):
            if self.type == "B":
                J[:, p], F[:, p] = interp_freq(val[:, p], flg[:, p], self.ct["chan_freq"][s], fout, self.finterp)
                good = ~flg[:, p]
                wsc[p] = np.mean(np.abs(val[good, p]) ** 2) if good.any() else 1.0
            elif self.type == "K":
                cf = self.ct["chan_freq"][s]
                fref = cf[len(cf) // 2] if self.ct["has_version"] else self.ct["ref_freq"][s]
                J[:, p] = np.exp(2j * np.pi * val[0, p] * (fout - fref) / 1e9)  # ns * GHz = turns
                F[:, p] = flg[0, p]
            else:
                J[:, p], F[:, p] = val[0, p], flg[0, p]
                ok = not flg[0, p] and abs(val[0, p]) > 0
                wsc[p] = abs(val[0, p]) ** 2 if ok else 1.0
        return J, ~F & (np.abs(J) > 0), wsc


# ---------------------------------------------------------------- expect

def correct(tables, spw, fout, products, cols, proc, zero_bad):
    """Calibrated DATA, solution-flagged cells and weight scale per correlation for the rows in proc."""
    data, time, field, a1, a2 = (cols[c] for c in ("DATA", "TIME", "FIELD_ID", "ANTENNA1", "ANTENNA2"))
    cal, solflag = data.astype(np.complex128), np.zeros(data.shape, bool)
    scale = np.ones(cols["WEIGHT"].shape)
    if not proc.any():
        return cal, solflag, scale
    keys, inv = np.unique(np.stack([time, field], 1)[proc], axis=0, return_inverse=True)
    inv, b1, b2 = inv.ravel(), a1[proc], a2[proc]
    nant = int(max(a1.max(), a2.max())) + 1
    for x in tables:
        J = np.zeros((nant, len(keys), len(fout), 2), complex)
        ok = np.zeros(J.shape, bool)
        wsc = np.ones((nant, len(keys), 2))
        for k, (tk, fk) in enumerate(keys):
            for a in range(nant):
                J[a, k], ok[a, k], wsc[a, k] = x.jones(spw, fout, tk, int(fk), a)
        for c, (p, q) in enumerate(products):
            g = J[b1, inv, :, p] * np.conj(J[b2, inv, :, q])
            good = ok[b1, inv, :, p] & ok[b2, inv, :, q]
            # CASA zeroes a bad Jones' inverse; calonly passes the cell through this table instead
            cal[proc, :, c] *= np.where(good, 1.0 / np.where(good, g, 1.0), 0.0 if zero_bad else 1.0)
            solflag[proc, :, c] |= ~good
            if x.calwt:
                scale[proc, c] *= wsc[b1, inv, p] * wsc[b2, inv, q]
    return cal, solflag & proc[:, None, None], scale


def inv_sq(s):
    return np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0) ** 2, 0.0)


def new_weights(cols, scale):
    """calwt: weights reset from sigma, scaled; WEIGHT = casacore median (sorted[n//2]) of WEIGHT_SPECTRUM."""
    if cols["WEIGHT_SPECTRUM"] is None:
        return inv_sq(cols["SIGMA"]) * scale, None
    nchan = cols["WEIGHT_SPECTRUM"].shape[1]
    ss = cols["SIGMA_SPECTRUM"]
    base = inv_sq(ss) if ss is not None else np.repeat(inv_sq(cols["SIGMA"])[:, None, :], nchan, 1)
    ws = base * scale[:, None, :]
    return np.sort(ws, axis=1)[:, nchan // 2, :], ws


def read_ddi(sub):
    cols = {c: sub.getcol(c) for c in ("DATA", "FLAG", "WEIGHT", "SIGMA", "TIME", "FIELD_ID", "ANTENNA1", "ANTENNA2")}
    for c in ("WEIGHT_SPECTRUM", "SIGMA_SPECTRUM", "CORRECTED_DATA"):  # absent or undefined cells -> None
        cols[c] = sub.getcol(c) if c in sub.colnames() and sub.iscelldefined(c, 0) else None
    return cols


def expect(ms, out, apply_path):
    apply = json.load(open(apply_path))
    mode = apply.get("applymode", "calflag") or "calflag"
    ms_field_dir = pt.table(ms + "/FIELD", ack=False).getcol("PHASE_DIR")[:, 0, :]
    tables = sorted((Table(e, ms_field_dir) for e in apply["tables"]), key=lambda x: APPLY_ORDER.index(x.type))
    calwt = any(x.calwt for x in tables)
    writes_corr = mode in ("calflag", "calflagstrict", "calonly")
    sets_flag = mode in ("calflag", "calflagstrict", "flagonly", "flagonlystrict")
    t = pt.table(ms, ack=False)
    dd = pt.table(ms + "/DATA_DESCRIPTION", ack=False)
    pol = pt.table(ms + "/POLARIZATION", ack=False)
    products = [pol.getcell("CORR_PRODUCT", i) for i in range(pol.nrows())]  # setups may differ in NUM_CORR
    freqs = ms_spw_freqs(ms)
    selected = np.zeros(t.nrows(), bool)
    selected[apply.get("rows", np.arange(t.nrows()))] = True
    res = {"applymode": mode, "calwt": calwt, "has_weight_spectrum": False,
           "expect_corrected_column": writes_corr or "CORRECTED_DATA" in t.colnames(),
           "ddis": np.unique(t.getcol("DATA_DESC_ID"))}
    summary = {"rows_processed": 0, "rows_uncalibrateable": 0, "solution_flagged_cells": 0}
    for d in res["ddis"]:
        spw, pol = int(dd.getcell("SPECTRAL_WINDOW_ID", d)), int(dd.getcell("POLARIZATION_ID", d))
        sub = t.query("DATA_DESC_ID == %d" % d)
        rows, cols = sub.rownumbers(), read_ddi(sub)
        sel = selected[rows] & (("spws" not in apply) or spw in apply["spws"])
        uncal = not all(x.calibrateable(spw) for x in tables)  # any table without it: CASA skips the chunk
        proc = sel & (not uncal)
        cal, solflag, scale = correct(tables, spw, freqs[spw], products[pol], cols, proc, mode != "calonly")
        before, ws = cols["CORRECTED_DATA"], cols["WEIGHT_SPECTRUM"]
        exp_corr = (before if before is not None else cols["DATA"]).astype(np.complex128)
        exp_flag, exp_w = cols["FLAG"].copy(), cols["WEIGHT"].astype(np.float64)
        exp_ws = None if ws is None else ws.astype(np.float64)
        if writes_corr:
            exp_corr[proc] = cal[proc]
        if sets_flag:
            exp_flag[proc] |= solflag[proc]
            if mode.endswith("strict") and uncal:
                exp_flag[sel] = True
        if writes_corr and calwt:
            w, wsp = new_weights(cols, scale)
            exp_w[proc] = w[proc]
            if wsp is not None:
                exp_ws[proc] = wsp[proc]
        res.update({"rows_%d" % d: rows, "corrected_%d" % d: exp_corr, "flag_%d" % d: exp_flag,
                    "weight_%d" % d: exp_w, "solflag_%d" % d: solflag, "processed_%d" % d: proc})
        if exp_ws is not None:
            res["weight_spectrum_%d" % d], res["has_weight_spectrum"] = exp_ws, True
        if before is not None:
            res["corrected_before_%d" % d] = before
        summary["rows_processed"] += int(proc.sum())
        summary["rows_uncalibrateable"] += int((sel & uncal).sum())
        summary["solution_flagged_cells"] += int(solflag.sum())
    np.savez(out, **res)
    print(json.dumps(dict(summary, applymode=mode, calwt=calwt, out=out)))
    return 0


# ---------------------------------------------------------------- compare

def rel_err(actual, expected):
    """|a - e| relative to |e|, with a floor so that expected zeros compare absolutely; non-finite = inf."""
    floor = 1e-6 * max(1e-30, float(np.sqrt(np.mean(np.abs(expected) ** 2))) if expected.size else 1.0)
    d = np.abs(actual - expected) / np.maximum(np.abs(expected), floor)
    return np.where(np.isfinite(d), d, np.inf)


def compare(ms, npz, *opts):
    tol = float(opts[opts.index("--tol") + 1]) if "--tol" in opts else 1e-5
    e = np.load(npz)
    t = pt.table(ms, ack=False)
    has_corr = "CORRECTED_DATA" in t.colnames()
    res = {"ok": True, "rows": 0, "corrected_max_rel": 0.0, "weight_max_rel": 0.0,
           "weight_spectrum_max_rel": 0.0 if bool(e["has_weight_spectrum"]) else None, "flag_differences": 0,
           "corrected_column_ok": has_corr == bool(e["expect_corrected_column"]), "first_mismatch": None, "tol": tol}

    def note(col, rows, mask, exp, act):
        if res["first_mismatch"] is None and mask.any():
            i = np.unravel_index(np.argmax(mask), mask.shape)
            res["first_mismatch"] = {"column": col, "row": int(rows[i[0]]), "chan": int(i[1]) if len(i) == 3 else None,
                                     "corr": int(i[-1]), "expected": str(exp[i]), "actual": str(act[i])}

    for d in e["ddis"]:
        rows, sub = e["rows_%d" % d], t.selectrows(e["rows_%d" % d])
        res["rows"] += len(rows)
        checks = [("WEIGHT", "weight_max_rel", "weight_%d" % d)]
        if has_corr and e["expect_corrected_column"]:
            checks.append(("CORRECTED_DATA", "corrected_max_rel", "corrected_%d" % d))
        if res["weight_spectrum_max_rel"] is not None:
            checks.append(("WEIGHT_SPECTRUM", "weight_spectrum_max_rel", "weight_spectrum_%d" % d))
        for col, key, ekey in checks:
            act, exp = sub.getcol(col), e[ekey]
            err = rel_err(act, exp)
            res[key] = max(res[key], float(err.max()) if err.size else 0.0)
            note(col, rows, err > tol, exp, act)
        act, exp = sub.getcol("FLAG"), e["flag_%d" % d]
        res["flag_differences"] += int((act != exp).sum())
        note("FLAG", rows, act != exp, exp, act)
    res["ok"] = bool(res["corrected_column_ok"] and res["flag_differences"] == 0 and all(
        res[k] is None or res[k] <= tol for k in ("corrected_max_rel", "weight_max_rel", "weight_spectrum_max_rel")))
    print(json.dumps(res))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    sys.exit({"make": make, "expect": expect, "compare": compare}[command](*args))
