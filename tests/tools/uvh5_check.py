#!/usr/bin/python3
"""Does an MS (or a Multi-MS through its reference table) hold what importuvh5 must make of these UVH5 files?
Independent reference (h5py + python-casacore + numpy) for docs/uvh5-rules.md, UVH5 -> MS rules 1-12.

  uvh5_check.py MS FILE.uvh5 [FILE2.uvh5 ...] [--tol 1e-6] [--exact | --lenient]
        Expected rows per (baseline-time, spw) by rules 1-10, matched to MS rows by (TIME within 5e-5 s,
        ANTENNA1, ANTENNA2, CHAN_FREQ[0] of the row's spw); row order is not checked, every expected row must
        exist once and there must be no other rows.  Per row: CORR_TYPE/CORR_PRODUCT of its POLARIZATION,
        DATA (exact for c8 and int32 sources, which complex64 holds exactly; c16 sources: |d| <= tol *
        max|expected| per file and spw; --exact: exact for all, --lenient: tol for all; data_max_abs_diff is
        reported), FLAG, FLAG_ROW, WEIGHT_SPECTRUM (exact float32), WEIGHT
        (channel median, rtol 1e-6), SIGMA (WEIGHT^-1/2 or 0, rtol 1e-6), UVW (1e-9 m), TIME, TIME_CENTROID
        (1e-5 s), INTERVAL, EXPOSURE (1e-9 s), FIELD (NAME, PHASE/DELAY/REFERENCE_DIR 1e-12 rad, MEASINFO Ref,
        SOURCE_ID, one row per distinct catalogue entry), SCAN_NUMBER (>= 1, +1 per run of one phase centre
        along a file's blts, shared by files with the same times, continued by later files), STATE_ID,
        PROCESSOR_ID -1 (empty tables), ARRAY_ID, OBSERVATION_ID, FEED1, FEED2 0, UVW Ref J2000, DATA
        QuantumUnits, keyword pyuvdata_flip_conj True.  Tables: SPECTRAL_WINDOW (one row per distinct (spw id,
        freqs): NAME, CHAN_FREQ, CHAN_WIDTH, EFFECTIVE_BW, RESOLUTION, TOTAL_BANDWIDTH, REF_FREQUENCY,
        MEAS_FREQ_REF 5, NUM_CHAN, ASSOC_SPW_ID), ANTENNA rows 0..max number (NAME, STATION, POSITION 1e-6 m,
        DISH_DIAMETER, MOUNT; dummy rows zero), FEED (one spw -1 row per antenna, receptors), OBSERVATION
        (TELESCOPE_NAME, TELESCOPE_LOCATION 1e-6 m).
        JSON {"ok", "rows", "expected_rows", "checked", "failed_checks", "failures" (first 20), "n_failures",
        "data_max_abs_diff", "data_exact_expected"}; exit 0 ok, 1 mismatch, 2 usage / unreadable input /
        the rules refuse the input (then "expected_refusal": [reasons]).
"""
import json
import os
import sys

import numpy as np
from casacore import tables as pt

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uvh5_compare import CROSS_SWAP, UVH5Error, nearest_index, read_uvh5  # noqa: E402

AIPS2CASA = {1: 1, 2: 2, 3: 3, 4: 4, -1: 5, -3: 6, -4: 7, -2: 8, -5: 9, -7: 10, -8: 11, -6: 12}
CORR_PRODUCT = {5: (0, 0), 6: (0, 1), 7: (1, 0), 8: (1, 1), 9: (0, 0), 10: (0, 1), 11: (1, 0), 12: (1, 1)}
MAX_FAILURES = 20


class Report:
    def __init__(self):
        self.checked, self.failed, self.failures, self.n = [], set(), [], 0

    def check(self, name):
        if name not in self.checked:
            self.checked.append(name)

    def fail(self, name, msg):
        self.check(name)
        self.failed.add(name)
        self.n += 1
        if len(self.failures) < MAX_FAILURES:
            self.failures.append("%s: %s" % (name, msg))


# ---------------------------------------------------------------- what the rules say

# DATA's QuantumUnits for each vis_units (rule 10).
CASA_UNITS = {"Jy": "Jy", "K str": "K.sr", "uncalib": None}

def field_ref(e):
    """(PHASE_DIR lon, lat, MEASINFO Ref) of a catalogue entry by rule 8, or None if refused."""
    typ, frame, epoch = e.get("cat_type"), (e.get("cat_frame") or "").lower(), e.get("cat_epoch")
    if typ == "unprojected":
        return 0.0, np.pi / 2, "AZELGEO"
    if typ == "driftscan":
        return float(e["cat_lon"]), float(e["cat_lat"]), "AZELGEO"
    if typ != "sidereal":
        return None
    ep = None if epoch is None else float(epoch)
    ref = {"icrs": "ICRS", "gcrs": "APP"}.get(frame)
    if frame == "fk5" and ep in (None, 2000.0):
        ref = "J2000"
    if frame == "fk4" and ep in (None, 1950.0):
        ref = "B1950"
    return None if ref is None else (float(e["cat_lon"]), float(e["cat_lat"]), ref)


def spw_channels(u):
    """[(spw id, channel indices)] in spw_array order; raises UVH5Error for a non-contiguous spw."""
    out = []
    for s in u["spw_array"].tolist():
        idx = np.flatnonzero(u["flex_spw"] == s)
        if len(idx) and idx[-1] - idx[0] + 1 != len(idx):
            raise UVH5Error("spw %d: channels not contiguous in the file" % s)
        if len(idx):
            out.append((s, idx))
    return out


def refusals(files):
    """Rule 12 (and rule 11's agreement conditions): reasons the importer must refuse, [] if none."""
    why = []
    for u in files:
        name = os.path.basename(u["path"])
        if u["flex_pol"] is not None:
            why.append("%s: flex-pol (flex_spw_polarization_array)" % name)
        if u["telescope_frame"].lower() != "itrs":
            why.append("%s: unknown telescope_frame %s" % (name, u["telescope_frame"]))
        for cid, e in u["catalog"].items():
            if e.get("cat_type") in ("ephem", "near_field"):
                why.append("%s: %s phase centre %d" % (name, e.get("cat_type"), cid))
            elif field_ref(e) is None:
                why.append("%s: unknown frame/type %s/%s/%s of phase centre %d"
                           % (name, e.get("cat_type"), e.get("cat_frame"), e.get("cat_epoch"), cid))
        if not set(u["flex_spw"].tolist()) <= set(u["spw_array"].tolist()):
            why.append("%s: flex_spw_id_array ids not in spw_array" % name)
        try:
            spw_channels(u)
        except UVH5Error as e:
            why.append("%s: %s" % (name, e))
    ref = files[0]
    for u in files[1:]:
        if (u["telescope_name"] != ref["telescope_name"] or np.abs(np.array(u["lla"]) - ref["lla"]).max() > 1e-6
                or np.abs(u["tel_ecef"] - ref["tel_ecef"]).max() > 1e-6):
            why.append("%s: telescope differs from %s" % (os.path.basename(u["path"]), ref["path"]))
    known = {}
    for u in files:
        for n, nm, p in zip(u["ant_numbers"].tolist(), u["ant_names"], u["ant_pos"] + u["tel_ecef"]):
            if n in known and (known[n][0] != nm or np.abs(known[n][1] - p).max() > 1e-6):
                why.append("antenna %d differs between files" % n)
            known.setdefault(n, (nm, p))
    return why


def expected_antennas(files):
    """{number: (name, absolute ECEF position, dish diameter)} over all files (rule 7)."""
    ants = {}
    for u in files:
        diam = u["ant_diam"] if u["ant_diam"] is not None else np.zeros(len(u["ant_numbers"]))
        for n, nm, p, d in zip(u["ant_numbers"].tolist(), u["ant_names"], u["ant_pos"] + u["tel_ecef"], diam):
            ants.setdefault(n, (nm, p, float(d)))
    return ants


def expected_spws(files):
    """Distinct (spw id, freqs) in file order (rule 11): [{"id", "freq", "width"}], and per file [(g, chans)]."""
    spws, index, per_file = [], {}, []
    for u in files:
        lst = []
        for s, idx in spw_channels(u):
            key = (s, tuple(u["freq"][idx].tolist()))
            if key not in index:
                index[key] = len(spws)
                spws.append({"id": s, "freq": u["freq"][idx], "width": u["chan_width"][idx]})
            lst.append((index[key], idx))
        per_file.append(lst)
    return spws, per_file


def corr_order(pols, swapped):
    """(permutation of the file's pol axis, CASA corr types) in CASA order, cross hands swapped if asked."""
    codes = [CROSS_SWAP.get(p, p) if swapped else p for p in pols.tolist()]
    casa = [AIPS2CASA[c] for c in codes]
    perm = np.argsort(casa, kind="stable")
    return perm, [casa[i] for i in perm]


def expected_blocks(files, spw_of_file):
    """Rows by rules 1-5: one block per (file, spw, conjugation state) with every column the MS must hold."""
    blocks = []
    for fi, u in enumerate(files):
        if not set(u["pols"].tolist()) <= set(AIPS2CASA):
            raise UVH5Error("%s: unknown polarization codes %s" % (u["path"], u["pols"].tolist()))
        sw_all = u["ant1"] > u["ant2"]
        for g, chans in spw_of_file[fi]:
            for swapped in (False, True):
                blts = np.flatnonzero(sw_all == swapped)
                if not len(blts):
                    continue
                perm, corr = corr_order(u["pols"], swapped)
                data = u["data"][blts][:, chans][:, :, perm]
                ws = u["nsamples"][blts][:, chans][:, :, perm]
                flag = u["flags"][blts][:, chans][:, :, perm]
                weight = np.median(ws.astype(np.float64), axis=1).astype(np.float32)
                with np.errstate(divide="ignore", invalid="ignore"):
                    sigma = np.where(weight > 0, 1.0 / np.sqrt(np.where(weight > 0, weight, 1.0)), 0.0)
                a, b = u["ant1"][blts], u["ant2"][blts]
                blocks.append({
                    "file": fi, "spw": g, "blts": blts, "swapped": swapped, "corr": corr,
                    "ANTENNA1": np.minimum(a, b), "ANTENNA2": np.maximum(a, b),
                    "DATA": data if swapped else np.conj(data), "FLAG": flag, "WEIGHT_SPECTRUM": ws,
                    "WEIGHT": weight, "SIGMA": sigma.astype(np.float32), "FLAG_ROW": flag.all(axis=(1, 2)),
                    "UVW": u["uvw"][blts] if swapped else -u["uvw"][blts],
                    "TIME": (u["time"][blts] - 2400000.5) * 86400.0, "INTERVAL": u["inttime"][blts],
                    "pc_id": u["pc_id"][blts]})
    return blocks


# ---------------------------------------------------------------- reading the MS

def colkw(t, col, kw):
    try:
        return t.getcolkeyword(col, kw)
    except RuntimeError:
        return None


def ref_of(t, col, row):
    """MEASINFO reference of a cell: the fixed Ref, or the VarRefCol code of that row."""
    mi = colkw(t, col, "MEASINFO") or {}
    if "Ref" in mi:
        return mi["Ref"]
    if "VarRefCol" in mi:
        code = t.getcell(mi["VarRefCol"], row)
        types, codes = list(mi["TabRefTypes"]), list(mi["TabRefCodes"])
        return types[codes.index(code)] if code in codes else "code %s" % code
    return None


def read_ms(path):
    t = pt.table(path, ack=False)
    ms = {"t": t, "path": path, "nrows": t.nrows(), "cols": set(t.colnames())}
    ms["main"] = {c: t.getcol(c) for c in ("TIME", "ANTENNA1", "ANTENNA2", "DATA_DESC_ID") if c in ms["cols"]}
    kw = t.getkeywords()

    def sub(name):
        """A subtable through the main table's keyword (a Multi-MS may point elsewhere), else MS/NAME."""
        ref = kw.get(name)
        p = ref[len("Table: "):] if isinstance(ref, str) and ref.startswith("Table: ") else os.path.join(path, name)
        return pt.table(p, ack=False)
    ms["kw"] = kw
    dd = sub("DATA_DESCRIPTION")
    ms["dd_spw"], ms["dd_pol"] = dd.getcol("SPECTRAL_WINDOW_ID"), dd.getcol("POLARIZATION_ID")
    ms["spw"] = sub("SPECTRAL_WINDOW")
    ms["spw_freq"] = [np.asarray(ms["spw"].getcell("CHAN_FREQ", r)) if ms["spw"].iscelldefined("CHAN_FREQ", r)
                      else np.zeros(0) for r in range(ms["spw"].nrows())]
    ms["pol"] = sub("POLARIZATION")
    ms["sub"] = sub
    return ms


def ddi_columns(ms, rows, cols):
    """Columns of a set of rows of one data description (fixed shapes), missing columns left out."""
    sel = ms["t"].selectrows(rows)
    return {c: sel.getcol(c) for c in cols if c in ms["cols"]}


# ---------------------------------------------------------------- matching rows

def match_rows(ms, blocks, spws, rep):
    """[(block index, ddi, expected positions, MS row numbers)]; reports missing, extra and duplicate rows."""
    rep.check("rows")
    for c in ("TIME", "ANTENNA1", "ANTENNA2", "DATA_DESC_ID"):
        if c not in ms["main"]:
            rep.fail("rows", "MS has no %s column" % c)
            return []
    times = np.unique(np.concatenate([b["TIME"] for b in blocks]))
    m = ms["main"]
    ddi = m["DATA_DESC_ID"]
    g = row_spw_index(ms, spws, ddi)
    na = 1 + int(max([m["ANTENNA1"].max(initial=0), m["ANTENNA2"].max(initial=0)]
                     + [int(b["ANTENNA2"].max(initial=0)) for b in blocks]))
    key = lambda ti, gg, a1, a2: ((ti * len(spws) + gg) * na + a1) * na + a2
    ti = nearest_index(times, m["TIME"], 5e-5)
    mkey = np.where((ti >= 0) & (g >= 0) & (m["ANTENNA1"] >= 0) & (m["ANTENNA2"] >= 0),
                    key(ti, g, m["ANTENNA1"], m["ANTENNA2"]), -1 - np.arange(ms["nrows"]))
    ekey = np.concatenate([key(np.searchsorted(times, b["TIME"]), b["spw"], b["ANTENNA1"], b["ANTENNA2"])
                           for b in blocks])
    eblock = np.concatenate([np.full(len(b["TIME"]), i) for i, b in enumerate(blocks)])
    epos = np.concatenate([np.arange(len(b["TIME"])) for b in blocks])
    report_duplicates(rep, "expected (UVH5 has a repeated baseline-time)", ekey,
                      lambda i: describe(blocks, eblock[i], epos[i]))
    report_duplicates(rep, "MS", mkey, lambda i: "row %d" % i)
    _, ie, im = np.intersect1d(ekey, mkey, return_indices=True)
    missing = np.setdiff1d(np.arange(len(ekey)), ie)
    extra = np.setdiff1d(np.arange(len(mkey)), im)
    if len(missing):
        rep.fail("rows", "%d expected rows missing, e.g. %s" % (len(missing), describe(blocks, eblock[missing[0]],
                                                                                      epos[missing[0]])))
    if len(extra):
        r = int(extra[0])
        rep.fail("rows", "%d MS rows not expected, e.g. row %d (TIME %.6f, %d-%d, DDI %d)" % (
            len(extra), r, m["TIME"][r], m["ANTENNA1"][r], m["ANTENNA2"][r], ddi[r]))
    groups = []
    for bi in np.unique(eblock[ie]):
        sel = eblock[ie] == bi
        for d in np.unique(ddi[im[sel]]):
            s2 = sel & (ddi[im] == d)
            groups.append((int(bi), int(d), epos[ie[s2]], im[s2]))
    return groups


def row_spw_index(ms, spws, ddi):
    """Per MS row: index of the expected spw whose first channel is the row's CHAN_FREQ[0] (1 mHz), else -1."""
    f0 = np.array([s["freq"][0] for s in spws])
    of_spw_row = [nearest_in(f0, fr[0] if len(fr) else np.nan, 1e-3) for fr in ms["spw_freq"]]
    of_ddi = np.array([of_spw_row[s] if 0 <= s < len(of_spw_row) else -1 for s in ms["dd_spw"]] + [-1])
    return of_ddi[np.where((ddi >= 0) & (ddi < len(ms["dd_spw"])), ddi, -1)]


def nearest_in(values, x, tol):
    d = np.abs(values - x)
    return int(np.argmin(d)) if len(d) and d.min() <= tol else -1


def describe(blocks, bi, pos):
    b = blocks[bi]
    return "file %d blt %d (TIME %.6f, %d-%d, spw %d)" % (b["file"], b["blts"][pos], b["TIME"][pos],
                                                          b["ANTENNA1"][pos], b["ANTENNA2"][pos], b["spw"])


def report_duplicates(rep, what, keys, desc):
    uniq, first, cnt = np.unique(keys, return_index=True, return_counts=True)
    if (cnt > 1).any():
        rep.fail("rows", "%d duplicate keys in %s, e.g. %s" % (int((cnt > 1).sum()), what, desc(first[cnt > 1][0])))


# ---------------------------------------------------------------- row values

ROW_COLS = ("DATA", "FLAG", "WEIGHT_SPECTRUM", "WEIGHT", "SIGMA", "FLAG_ROW", "UVW", "TIME", "TIME_CENTROID",
            "INTERVAL", "EXPOSURE", "FIELD_ID", "SCAN_NUMBER", "STATE_ID", "PROCESSOR_ID", "ARRAY_ID",
            "OBSERVATION_ID", "FEED1", "FEED2")
FIXED = {"STATE_ID": -1, "PROCESSOR_ID": -1, "ARRAY_ID": 0, "OBSERVATION_ID": 0, "FEED1": 0, "FEED2": 0}


def first_bad(rep, name, bad, exp, act, rows, extra=""):
    if bad.any():
        i = np.unravel_index(np.argmax(bad), bad.shape)
        rep.fail(name, "%d cells differ%s, first row %d cell %s: expected %r got %r" % (
            int(bad.sum()), extra, rows[i[0]], tuple(int(x) for x in i[1:]), exp[i], act[i]))


def nan_equal(a, b):
    return (a == b) | (np.isnan(a) & np.isnan(b))


def check_polarization(ms, rep, pol_id, corr, rows):
    rep.check("CORR_TYPE")
    ct = list(ms["pol"].getcell("CORR_TYPE", pol_id))
    if ct != corr:
        rep.fail("CORR_TYPE", "POLARIZATION row %d: expected %s got %s (row %d)" % (pol_id, corr, ct, rows[0]))
        return False
    if all(c in CORR_PRODUCT for c in corr):
        rep.check("CORR_PRODUCT")
        cp = np.asarray(ms["pol"].getcell("CORR_PRODUCT", pol_id))
        exp = np.array([CORR_PRODUCT[c] for c in corr])
        if cp.shape == exp.T.shape and exp.shape != exp.T.shape:
            cp = cp.T
        if cp.shape != exp.shape or (cp != exp).any():
            rep.fail("CORR_PRODUCT", "POLARIZATION row %d: expected %s got %s" % (pol_id, exp.tolist(), cp.tolist()))
    return True


def check_data(b, e, c, rows, tol, rep, stats):
    rep.check("DATA")
    if "DATA" not in c:
        return rep.fail("DATA", "no DATA column")
    exp, act = b["DATA"][e], c["DATA"].astype(np.complex128)
    eq = nan_equal(exp, act)
    with np.errstate(invalid="ignore"):
        diff = np.where(eq, 0.0, np.abs(exp - act))
    fin = np.abs(exp[np.isfinite(exp)])
    scale = float(fin.max()) if fin.size else 0.0
    finite_diff = diff[np.isfinite(diff)]
    stats["data_max_abs_diff"] = max(stats["data_max_abs_diff"], float(finite_diff.max()) if finite_diff.size else 0.0)
    with np.errstate(invalid="ignore"):
        bad = ~eq if tol is None else ~(eq | (diff <= tol * scale))
    first_bad(rep, "DATA", bad, exp, act, rows, "" if tol is None else " beyond %g x %g" % (tol, scale))


def check_row_values(b, e, c, rows, rep):
    """Everything but DATA for one (block, DDI) group."""
    for col, cmp in (("FLAG", lambda x, y: x == y), ("FLAG_ROW", lambda x, y: x == y),
                     ("WEIGHT_SPECTRUM", nan_equal),
                     ("WEIGHT", lambda x, y: nan_equal(x, y) | (np.abs(x - y) <= 1e-6 * np.abs(x))),
                     ("SIGMA", lambda x, y: nan_equal(x, y) | (np.abs(x - y) <= 1e-6 * np.abs(x))),
                     ("UVW", lambda x, y: np.abs(x - y) <= 1e-9),
                     ("TIME", lambda x, y: np.abs(x - y) <= 1e-5),
                     ("TIME_CENTROID", lambda x, y: np.abs(x - y) <= 1e-5),
                     ("INTERVAL", lambda x, y: np.abs(x - y) <= 1e-9),
                     ("EXPOSURE", lambda x, y: np.abs(x - y) <= 1e-9)):
        rep.check(col)
        if col not in c:
            rep.fail(col, "no %s column" % col)
            continue
        exp = b[{"TIME_CENTROID": "TIME", "EXPOSURE": "INTERVAL"}.get(col, col)][e]
        act = c[col]
        if exp.shape != act.shape:
            rep.fail(col, "shape expected %s got %s (rows %d..)" % (exp.shape[1:], act.shape[1:], rows[0]))
            continue
        with np.errstate(invalid="ignore"):
            first_bad(rep, col, ~cmp(exp, act), exp, act, rows)
    for col, v in FIXED.items():
        rep.check(col)
        if col not in c:
            rep.fail(col, "no %s column" % col)
        elif (c[col] != v).any():
            i = int(np.argmax(c[col] != v))
            rep.fail(col, "expected %d got %d (row %d)" % (v, c[col][i], rows[i]))


def check_rows(ms, blocks, groups, data_tol, rep):
    """Compare every matched group; returns FIELD uses {(field_id, file, cat_id)} and per-file scans."""
    stats = {"data_max_abs_diff": 0.0}
    uses, scans = set(), {}
    for bi, d, e, rows in groups:
        b = blocks[bi]
        c = ddi_columns(ms, rows, ROW_COLS)
        spw_row, pol_id = int(ms["dd_spw"][d]), int(ms["dd_pol"][d])
        nchan = len(ms["spw_freq"][spw_row])
        if nchan != b["DATA"].shape[1]:
            rep.fail("NUM_CHAN", "DDI %d spw %d has %d channels, expected %d" % (d, spw_row, nchan,
                                                                                b["DATA"].shape[1]))
            continue
        if not check_polarization(ms, rep, pol_id, b["corr"], rows):
            continue
        check_data(b, e, c, rows, data_tol[b["file"]], rep, stats)
        check_row_values(b, e, c, rows, rep)
        if "FIELD_ID" in c:
            uses |= set(zip(c["FIELD_ID"].tolist(), [b["file"]] * len(e), b["pc_id"][e].tolist()))
        if "SCAN_NUMBER" in c:
            scans.setdefault(b["file"], []).append((b["blts"][e], c["SCAN_NUMBER"]))
    return uses, scans, stats


# ---------------------------------------------------------------- tables

def check_spectral_windows(ms, spws, rep):
    rep.check("SPECTRAL_WINDOW")
    t = ms["spw"]
    if t.nrows() != len(spws):
        rep.fail("SPECTRAL_WINDOW", "expected %d rows (distinct spw id, freqs) got %d" % (len(spws), t.nrows()))
    cols = set(t.colnames())
    for s in spws:
        hits = [r for r, fr in enumerate(ms["spw_freq"]) if len(fr) == len(s["freq"])
                and np.abs(fr - s["freq"]).max() <= 1e-6]
        if len(hits) != 1:
            rep.fail("SPECTRAL_WINDOW", "spw id %d (%d ch from %.3f Hz): %d rows have its CHAN_FREQ"
                     % (s["id"], len(s["freq"]), s["freq"][0], len(hits)))
            continue
        r, w = hits[0], s["width"]
        exp = {"CHAN_WIDTH": w, "EFFECTIVE_BW": np.abs(w), "RESOLUTION": np.abs(w), "TOTAL_BANDWIDTH": np.abs(w).sum(),
               "REF_FREQUENCY": s["freq"][0], "NUM_CHAN": len(w), "MEAS_FREQ_REF": 5, "ASSOC_SPW_ID": [s["id"]],
               "NAME": "SPW%d" % s["id"]}
        for col, v in exp.items():
            if col not in cols:
                rep.fail("SPECTRAL_WINDOW", "no %s column" % col)
                continue
            got = t.getcell(col, r)
            same = got == v if isinstance(v, str) else (np.shape(got) == np.shape(v) and np.allclose(
                got, v, rtol=1e-12, atol=1e-6))
            if not same:
                rep.fail("SPECTRAL_WINDOW", "row %d %s: expected %s got %s" % (r, col, short(v), short(got)))


def short(v):
    v = np.asarray(v).tolist()
    return repr(v if not isinstance(v, list) or len(v) <= 6 else v[:6] + ["..."])


def check_antennas(ms, files, rep):
    rep.check("ANTENNA")
    ants = expected_antennas(files)
    t = ms["sub"]("ANTENNA")
    n = max(ants) + 1
    if t.nrows() != n:
        rep.fail("ANTENNA", "expected %d rows (0..max antenna number) got %d" % (n, t.nrows()))
    name, station, pos = t.getcol("NAME"), t.getcol("STATION"), t.getcol("POSITION")
    diam, mount = t.getcol("DISH_DIAMETER"), t.getcol("MOUNT")
    for r in range(min(n, t.nrows())):
        if r in ants:
            nm, p, d = ants[r]
            exp = (nm, nm, p, d, "alt-az")
        else:
            exp = ("", None, np.zeros(3), 0.0, None)
        for col, e, g in zip(("NAME", "STATION", "POSITION", "DISH_DIAMETER", "MOUNT"), exp,
                             (name[r], station[r], pos[r], diam[r], mount[r])):
            if e is None:
                continue
            ok = g == e if isinstance(e, str) else np.abs(np.asarray(g) - e).max() <= (1e-6 if col == "POSITION"
                                                                                       else 1e-9)
            if not ok:
                rep.fail("ANTENNA", "row %d %s: expected %r got %r" % (r, col, np.asarray(e).tolist(),
                                                                       np.asarray(g).tolist()))


def check_feed(ms, files, rep):
    rep.check("FEED")
    t = ms["sub"]("FEED")
    ant, spw = t.getcol("ANTENNA_ID"), t.getcol("SPECTRAL_WINDOW_ID")
    pols = set(np.concatenate([u["pols"] for u in files]).tolist())
    want = ["X", "Y"] if pols & {-5, -6, -7, -8} else ["R", "L"] if pols & {-1, -2, -3, -4} else None
    for n in sorted(expected_antennas(files)):
        rows = np.flatnonzero(ant == n)
        if len(rows) != 1 or spw[rows[0]] != -1:
            rep.fail("FEED", "antenna %d: expected one row with SPECTRAL_WINDOW_ID -1, got spws %s"
                     % (n, spw[rows].tolist()))
            continue
        got = list(t.getcell("POLARIZATION_TYPE", int(rows[0])))
        if want and got != want:
            rep.fail("FEED", "antenna %d: POLARIZATION_TYPE expected %s got %s" % (n, want, got))


def entry_key(e):
    return (e.get("cat_name"), e.get("cat_type"), str(e.get("cat_frame")),
            round(float(np.mean(e.get("cat_lon"))), 12), round(float(np.mean(e.get("cat_lat"))), 12))


def check_fields(ms, files, uses, rep):
    rep.check("FIELD")
    t = ms["sub"]("FIELD")
    distinct = {entry_key(e) for u in files for e in u["catalog"].values()}
    if t.nrows() != len(distinct):
        rep.fail("FIELD", "expected %d rows (one per distinct catalogue entry) got %d" % (len(distinct), t.nrows()))
    field_of = {}
    for fid, fi, cid in sorted(uses):
        e = files[fi]["catalog"][cid]
        k = entry_key(e)
        if field_of.setdefault(k, fid) != fid:
            rep.fail("FIELD", "catalogue entry %r is in FIELD rows %d and %d" % (e["cat_name"], field_of[k], fid))
        if not 0 <= fid < t.nrows():
            rep.fail("FIELD", "FIELD_ID %d out of range" % fid)
            continue
        lon, lat, ref = field_ref(e)
        if t.getcell("NAME", fid) != e["cat_name"]:
            rep.fail("FIELD", "row %d NAME expected %r got %r" % (fid, e["cat_name"], t.getcell("NAME", fid)))
        for col in ("PHASE_DIR", "DELAY_DIR", "REFERENCE_DIR"):
            d = np.asarray(t.getcell(col, fid))[0]
            if np.abs(d - [lon, lat]).max() > 1e-12:
                rep.fail("FIELD", "row %d %s expected %r got %r" % (fid, col, [lon, lat], d.tolist()))
            r = ref_of(t, col, fid)
            if r != ref:
                rep.fail("FIELD", "row %d %s MEASINFO Ref expected %s got %s" % (fid, col, ref, r))
        if "SOURCE_ID" in t.colnames() and t.getcell("SOURCE_ID", fid) != cid:
            rep.fail("FIELD", "row %d SOURCE_ID expected %d got %d" % (fid, cid, t.getcell("SOURCE_ID", fid)))
    if len(set(field_of.values())) != len(field_of):
        rep.fail("FIELD", "distinct catalogue entries share a FIELD row")


def check_observation(ms, files, rep):
    rep.check("OBSERVATION")
    t = ms["sub"]("OBSERVATION")
    u = files[0]
    if t.nrows() < 1:
        return rep.fail("OBSERVATION", "no rows")
    if t.getcell("TELESCOPE_NAME", 0) != u["telescope_name"]:
        rep.fail("OBSERVATION", "TELESCOPE_NAME expected %r got %r" % (u["telescope_name"],
                                                                      t.getcell("TELESCOPE_NAME", 0)))
    if "TELESCOPE_LOCATION" not in t.colnames():
        return rep.fail("OBSERVATION", "no TELESCOPE_LOCATION column")
    loc = np.asarray(t.getcell("TELESCOPE_LOCATION", 0))
    if loc.shape != (3,) or np.abs(loc - u["tel_ecef"]).max() > 1e-6:
        rep.fail("OBSERVATION", "TELESCOPE_LOCATION expected %r got %r" % (u["tel_ecef"].tolist(), loc.tolist()))


def check_main_keywords(ms, files, rep):
    t = ms["t"]
    rep.check("pyuvdata_flip_conj")
    kw = ms["kw"]
    if kw.get("pyuvdata_flip_conj") is not True:
        rep.fail("pyuvdata_flip_conj", "expected True got %r" % kw.get("pyuvdata_flip_conj", "<absent>"))
    rep.check("UVW Ref")
    r = (colkw(t, "UVW", "MEASINFO") or {}).get("Ref")
    if r != "J2000":
        rep.fail("UVW Ref", "expected J2000 got %r" % r)
    rep.check("DATA QuantumUnits")
    # Rule 10: casacore units only ('uncalib' is not one: no keyword).
    units = {CASA_UNITS.get(u["vis_units"]) for u in files}
    q = colkw(t, "DATA", "QuantumUnits")
    q = None if q is None else str(list(np.atleast_1d(q))[0])
    if q not in units:
        rep.fail("DATA QuantumUnits", "expected %s got %r" % (" or ".join(map(repr, sorted(units, key=str))), q))
    rep.check("STATE/PROCESSOR empty")
    for name in ("STATE", "PROCESSOR"):
        n = ms["sub"](name).nrows() if name in ms["kw"] else 0
        if n:
            rep.fail("STATE/PROCESSOR empty", "%s has %d rows" % (name, n))


# ---------------------------------------------------------------- scans

def runs_of(ids):
    """Run index of each position along a 1-D array (a new run where the value changes)."""
    return np.concatenate([[0], np.cumsum(ids[1:] != ids[:-1])]) if len(ids) else np.zeros(0, int)


def check_scans(files, scans, rep):
    """Rule 9: >= 1, +1 per run of one phase centre, shared by files of the same times, continued later."""
    rep.check("SCAN_NUMBER")
    per_file = {}
    for fi, parts in scans.items():
        u = files[fi]
        scan = np.full(len(u["ant1"]), -1, np.int64)
        for blts, s in parts:
            clash = (scan[blts] >= 0) & (scan[blts] != s)
            if clash.any():
                rep.fail("SCAN_NUMBER", "file %d blt %d: spws disagree" % (fi, blts[np.argmax(clash)]))
            scan[blts] = s
        seen = scan >= 0
        if (scan[seen] < 1).any():
            rep.fail("SCAN_NUMBER", "file %d: scan numbers < 1" % fi)
        run = runs_of(u["pc_id"])
        for r in range(run.max() + 1 if len(run) else 0):
            vals = np.unique(scan[(run == r) & seen])
            if len(vals) > 1:
                rep.fail("SCAN_NUMBER", "file %d run %d of phase centre %d has scans %s" % (
                    fi, r, u["pc_id"][run == r][0], vals.tolist()))
        first = np.array([scan[(run == r) & seen][0] if ((run == r) & seen).any() else -1
                          for r in range(run.max() + 1 if len(run) else 0)])
        ok = first >= 0
        if ok.sum() > 1 and (np.diff(first[ok]) != np.diff(np.flatnonzero(ok))).any():
            rep.fail("SCAN_NUMBER", "file %d: scans of consecutive runs are %s, expected +1 steps"
                     % (fi, first.tolist()))
        per_file[fi] = scan
    check_scans_across_files(files, per_file, rep)


def check_scans_across_files(files, per_file, rep):
    groups = {}
    for fi in sorted(per_file):
        groups.setdefault(tuple(np.round(np.unique(files[fi]["time"]) * 86400e4).astype(np.int64)), []).append(fi)
    top = 0
    for times, members in sorted(groups.items(), key=lambda kv: kv[0][0]):
        ref = None
        for fi in members:
            u, scan = files[fi], per_file[fi]
            keys = {(round(t * 86400e4), a, b): s for t, a, b, s in zip(u["time"], u["ant1"], u["ant2"], scan) if s >= 0}
            if ref is None:
                ref = keys
            elif any(ref.get(k, s) != s for k, s in keys.items()):
                rep.fail("SCAN_NUMBER", "file %d does not share the scan numbers of file %d (same times)"
                         % (fi, members[0]))
        vals = [s for fi in members for s in per_file[fi][per_file[fi] >= 0]]
        if vals and min(vals) != top + 1:
            rep.fail("SCAN_NUMBER", "files %s start at scan %d, expected %d (1, or continuing earlier files)"
                     % (members, min(vals), top + 1))
        top = max([top] + vals)


# ---------------------------------------------------------------- main

def parse(argv):
    """(MS, files, tol, mode): mode 'auto' (exact for c8/int32 sources), 'exact' or 'lenient'."""
    tol, mode, pos = 1e-6, "auto", []
    it = iter(argv)
    for a in it:
        if a == "--tol":
            tol = float(next(it))
        elif a in ("--exact", "--lenient"):
            mode = a[2:]
        elif a.startswith("--"):
            raise ValueError(a)
        else:
            pos.append(a)
    if len(pos) < 2:
        raise ValueError("need MS and at least one UVH5 file")
    return pos[0], pos[1:], tol, mode


def load_files(paths):
    files = []
    for p in paths:
        try:
            files.append(read_uvh5(p))
        except UVH5Error as e:
            raise UVH5Error("%s: %s" % (os.path.basename(p), e))
    return sorted(files, key=lambda u: (u["time"].min(initial=np.inf), u["freq"].min(initial=np.inf)))


def exact_source(u):
    return u["vis_kind"] in ("<c8", "compound:<i4")


def run(ms_path, paths, tol, mode):
    files = load_files(paths)
    why = refusals(files)
    if why:
        return {"ok": False, "expected_refusal": why, "failures": ["the rules refuse this input"]}, 2
    spws, spw_of_file = expected_spws(files)
    blocks = expected_blocks(files, spw_of_file)
    rep = Report()
    ms = read_ms(ms_path)
    groups = match_rows(ms, blocks, spws, rep)
    data_tol = [None if mode == "exact" or (mode == "auto" and exact_source(u)) else tol for u in files]
    uses, scans, stats = check_rows(ms, blocks, groups, data_tol, rep)
    check_spectral_windows(ms, spws, rep)
    check_antennas(ms, files, rep)
    check_feed(ms, files, rep)
    check_fields(ms, files, uses, rep)
    check_observation(ms, files, rep)
    check_main_keywords(ms, files, rep)
    check_scans(files, scans, rep)
    res = {"ok": rep.n == 0, "rows": ms["nrows"], "expected_rows": int(sum(len(b["TIME"]) for b in blocks)),
           "checked": rep.checked, "failed_checks": sorted(rep.failed), "failures": rep.failures,
           "n_failures": rep.n, "data_max_abs_diff": stats["data_max_abs_diff"],
           "data_exact_expected": all(exact_source(u) for u in files), "data_mode": mode}
    return res, 0 if res["ok"] else 1


def main(argv):
    try:
        ms_path, paths, tol, mode = parse(argv)
    except (ValueError, StopIteration) as e:
        print(__doc__, file=sys.stderr)
        print("usage error: %s" % e, file=sys.stderr)
        return 2
    try:
        res, rc = run(ms_path, paths, tol, mode)
    except UVH5Error as e:
        res, rc = {"ok": False, "expected_refusal": [str(e)], "failures": ["unreadable UVH5: %s" % e]}, 2
    except RuntimeError as e:  # casacore: MS cannot be opened
        res, rc = {"ok": False, "error": str(e), "failures": ["cannot read MS: %s" % e]}, 2
    print(json.dumps(res))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
