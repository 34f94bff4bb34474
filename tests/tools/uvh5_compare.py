#!/usr/bin/python3
"""Do two UVH5 files hold the same visibilities?  Independent reader (h5py + numpy) of every layout
uvh5_make.py writes and of the real ATA files: rank-3 or legacy rank-4 data, visdata c8 / c16 / compound
{r,i} (int32), bool-enum flags, LZF, fixed or variable-length strings, int32/int64 counts, catalogue as a
group of groups or JSON strings, legacy phase_type headers, legacy telescope_location.

  uvh5_compare.py A.uvh5 B.uvh5 [--normalize] [--tol 0]
        match baseline-times by (time within 1e-9 d, ant_1, ant_2), pols by code, channels by frequency
        (1 mHz; spw ids may differ) and compare visdata (exact, or |a-b| <= tol * max|a| with --tol), flags,
        nsamples (exact, or rel --tol), uvw (1e-9 m), integration_time (1e-9 s), antenna numbers / names /
        absolute positions (1e-6 m), telescope name, lat/lon (1e-9 deg) / alt (1e-6 m), vis_units,
        freq_array / channel_width (1 mHz), the phase centre of every matched blt (cat_name, cat_type,
        cat_frame, cat_lon / cat_lat 1e-12 rad).  --normalize first rewrites every blt with ant_1 > ant_2 in
        both files as (ant_2, ant_1) with conj(visdata), -uvw and xy<->yx, rl<->lr swapped.
        JSON {"ok", "nblts" (matched), "nblts_a", "nblts_b", "checked", "failures" (first 20), "n_failures"};
        exit 0 ok, 1 mismatch, 2 usage or unreadable file.

read_uvh5() is also used by uvh5_check.py.
"""
import json
import sys

import h5py
import numpy as np

WGS84_A, WGS84_F = 6378137.0, 1.0 / 298.257223563
CROSS_SWAP = {-7: -8, -8: -7, -3: -4, -4: -3}
MAX_FAILURES = 20


class UVH5Error(Exception):
    """The file is not a readable UVH5 file (rules 'refused' list: missing fields, inconsistent sizes)."""


# ---------------------------------------------------------------- reading

def lla_to_ecef(lat_deg, lon_deg, alt):
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    e2 = WGS84_F * (2 - WGS84_F)
    n = WGS84_A / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.array([(n + alt) * np.cos(lat) * np.cos(lon), (n + alt) * np.cos(lat) * np.sin(lon),
                     (n * (1 - e2) + alt) * np.sin(lat)])


def ecef_to_lla(xyz):
    x, y, z = xyz
    e2 = WGS84_F * (2 - WGS84_F)
    p, lon = np.hypot(x, y), np.arctan2(y, x)
    lat = np.arctan2(z, p * (1 - e2))
    for _ in range(10):
        n = WGS84_A / np.sqrt(1 - e2 * np.sin(lat) ** 2)
        alt = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1 - e2 * n / (n + alt)))
    n = WGS84_A / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.degrees(lat), np.degrees(lon), p / np.cos(lat) - n


def as_str(v):
    if isinstance(v, h5py.Empty):
        return None
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    return v.decode("utf8", "replace").rstrip("\0") if isinstance(v, (bytes, np.bytes_)) else str(v)


def ds_value(ds):
    """A dataset's value: str for strings, None for h5py.Empty, numpy scalar/array otherwise."""
    if ds.shape is None:
        return None
    v = ds[()]
    if h5py.check_string_dtype(ds.dtype) is not None or ds.dtype.kind in "SUO":
        return [as_str(x) for x in v] if ds.shape != () else as_str(v)
    return v


def header_get(h, name, default=KeyError):
    if name in h:
        return ds_value(h[name])
    if default is KeyError:
        raise UVH5Error("missing required Header field %s" % name)
    return default


def read_catalog(h):
    """{cat_id: {key: value}} from the group-of-groups, JSON strings or the pre-1.1 phase_type header."""
    if "phase_center_catalog" in h:
        g = h["phase_center_catalog"]
        keys = list(g.keys())
        cat = {}
        if keys and isinstance(g[keys[0]], h5py.Group):
            for k in keys:
                cat[int(k)] = {kk: ds_value(g[k][kk]) for kk in g[k].keys()}
        else:
            for k in keys:
                d = json.loads(as_str(g[k][()]))
                d["cat_name"] = k
                cat[int(d.pop("cat_id"))] = d
        return cat, False
    if "phase_type" not in h:
        raise UVH5Error("missing required Header field phase_center_catalog (or legacy phase_type)")
    ptype = header_get(h, "phase_type")
    if ptype == "phased":
        return {0: {"cat_name": header_get(h, "object_name", "unknown"), "cat_type": "sidereal",
                    "cat_lon": float(header_get(h, "phase_center_ra")),
                    "cat_lat": float(header_get(h, "phase_center_dec")),
                    "cat_frame": header_get(h, "phase_center_frame", "icrs"),
                    "cat_epoch": header_get(h, "phase_center_epoch", None)}}, True
    return {0: {"cat_name": header_get(h, "object_name", "unprojected"), "cat_type": "unprojected",
                "cat_lon": 0.0, "cat_lat": np.pi / 2, "cat_frame": "altaz", "cat_epoch": None}}, True


def read_location(h):
    if all(k in h for k in ("latitude", "longitude", "altitude")):
        lla = tuple(float(header_get(h, k)) for k in ("latitude", "longitude", "altitude"))
        return lla, lla_to_ecef(*lla)
    if "telescope_location" in h:
        xyz = np.asarray(header_get(h, "telescope_location"), float)
        return tuple(float(x) for x in ecef_to_lla(xyz)), xyz
    raise UVH5Error("missing required Header field latitude/longitude/altitude (or telescope_location)")


def read_visdata(ds):
    """visdata as complex128 whatever its stored type (complex64/128 or a compound {r, i})."""
    if ds.dtype.kind == "c":
        return ds[()].astype(np.complex128)
    if ds.dtype.names and set(ds.dtype.names) >= {"r", "i"}:
        raw = ds[()]
        return raw["r"].astype(np.float64) + 1j * raw["i"].astype(np.float64)
    raise UVH5Error("visdata has unsupported dtype %s" % ds.dtype)


def read_data(f, nblts, nfreqs, npols):
    """(visdata complex128, flags bool, nsamples float32, kind, length of a legacy spw axis or None)."""
    if "Data" not in f or any(k not in f["Data"] for k in ("visdata", "flags", "nsamples")):
        raise UVH5Error("missing Data/visdata, flags or nsamples")
    d = f["Data"]
    shapes = {k: d[k].shape for k in ("visdata", "flags", "nsamples")}
    if len(set(shapes.values())) != 1:
        raise UVH5Error("Data shapes differ: %s" % shapes)
    shape = shapes["visdata"]
    legacy_spw = None
    if len(shape) == 4:
        legacy_spw = shape[1]
        if legacy_spw != 1:
            raise UVH5Error("legacy spw axis of length %d (> 1)" % legacy_spw)
        shape = (shape[0], shape[2], shape[3])
    if len(shape) != 3 or shape != (nblts, nfreqs, npols):
        raise UVH5Error("Data shape %s does not match (Nblts, Nfreqs, Npols) = %s"
                        % (shapes["visdata"], (nblts, nfreqs, npols)))
    kind = d["visdata"].dtype.str if d["visdata"].dtype.kind == "c" else "compound:" + d["visdata"].dtype["r"].str
    vis = read_visdata(d["visdata"]).reshape(shape)
    flags = d["flags"][()].astype(bool).reshape(shape)
    ns = d["nsamples"][()].astype(np.float32).reshape(shape)
    return vis, flags, ns, kind, legacy_spw


def check_count(h, name, actual):
    n = header_get(h, name)
    if int(n) != actual:
        raise UVH5Error("Header %s = %d but the datasets hold %d" % (name, int(n), actual))


def read_uvh5(path, with_data=True):
    """Everything the rules need from one UVH5 file, normalised (1-D freq arrays, per-blt arrays, str)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise UVH5Error("cannot open %s as HDF5: %s" % (path, e))
    with f:
        if "Header" not in f:
            raise UVH5Error("%s has no Header group: not UVH5" % path)
        h = f["Header"]
        u = {"path": path, "version": header_get(h, "version", ""),
             "telescope_name": header_get(h, "telescope_name"), "instrument": header_get(h, "instrument", ""),
             "vis_units": header_get(h, "vis_units", "uncalib"), "history": header_get(h, "history", ""),
             "telescope_frame": header_get(h, "telescope_frame", "itrs")}
        u["lla"], u["tel_ecef"] = read_location(h)
        u["ant1"] = np.asarray(header_get(h, "ant_1_array"), np.int64).ravel()
        u["ant2"] = np.asarray(header_get(h, "ant_2_array"), np.int64).ravel()
        nblts = len(u["ant1"])
        u["time"] = np.asarray(header_get(h, "time_array"), float).ravel()
        u["uvw"] = np.asarray(header_get(h, "uvw_array"), float).reshape(-1, 3)
        inttime = np.asarray(header_get(h, "integration_time"), float).ravel()  # scalar in v0.x files
        u["inttime"] = np.broadcast_to(inttime, (nblts,)).copy() if inttime.size in (1, nblts) else None
        if len(u["ant2"]) != nblts or len(u["time"]) != nblts or len(u["uvw"]) != nblts or u["inttime"] is None:
            raise UVH5Error("per-blt Header arrays have different lengths")
        check_count(h, "Nblts", nblts)
        freq = np.asarray(header_get(h, "freq_array"), float)
        if freq.ndim == 2 and freq.shape[0] != 1:
            raise UVH5Error("legacy 2-D freq_array with a spw axis of %d (> 1)" % freq.shape[0])
        u["freq"] = freq.ravel()
        nf = len(u["freq"])
        check_count(h, "Nfreqs", nf)
        cw = np.asarray(header_get(h, "channel_width"), float).ravel()
        if cw.size not in (1, nf):
            raise UVH5Error("channel_width has %d values for %d channels" % (cw.size, nf))
        u["chan_width"] = np.broadcast_to(cw, (nf,)).copy()
        u["spw_array"] = np.asarray(header_get(h, "spw_array"), np.int64).ravel()
        flex = header_get(h, "flex_spw_id_array", None)
        u["flex_spw"] = (np.full(nf, u["spw_array"][0], np.int64) if flex is None
                         else np.asarray(flex, np.int64).ravel())
        if len(u["flex_spw"]) != nf:
            raise UVH5Error("flex_spw_id_array has %d values for %d channels" % (len(u["flex_spw"]), nf))
        u["flex_pol"] = header_get(h, "flex_spw_polarization_array", None)
        u["pols"] = np.asarray(header_get(h, "polarization_array"), np.int64).ravel()
        check_count(h, "Npols", len(u["pols"]))
        u["ant_numbers"] = np.asarray(header_get(h, "antenna_numbers"), np.int64).ravel()
        names = header_get(h, "antenna_names")
        u["ant_names"] = [names] if isinstance(names, str) else list(names)
        u["ant_pos"] = np.asarray(header_get(h, "antenna_positions"), float).reshape(-1, 3)
        diam = header_get(h, "antenna_diameters", None)
        u["ant_diam"] = None if diam is None else np.broadcast_to(np.asarray(diam, float),
                                                                  (len(u["ant_numbers"]),)).copy()
        if len(u["ant_names"]) != len(u["ant_numbers"]) or len(u["ant_pos"]) != len(u["ant_numbers"]):
            raise UVH5Error("antenna_numbers / names / positions have different lengths")
        u["catalog"], u["legacy_phase"] = read_catalog(h)
        pc = header_get(h, "phase_center_id_array", None)
        u["pc_id"] = (np.full(nblts, next(iter(u["catalog"])), np.int64) if pc is None
                      else np.asarray(pc, np.int64).ravel())
        if len(u["pc_id"]) != nblts or not set(np.unique(u["pc_id"]).tolist()) <= set(u["catalog"]):
            raise UVH5Error("phase_center_id_array does not match the catalogue")
        if with_data:
            u["data"], u["flags"], u["nsamples"], u["vis_kind"], u["legacy_spw"] = read_data(
                f, nblts, nf, len(u["pols"]))
    return u


# ---------------------------------------------------------------- normalisation and matching

def normalize(u):
    """Rewrite blts with ant_1 > ant_2 as (ant_2, ant_1): conj(visdata), -uvw, cross hands swapped."""
    sw = u["ant1"] > u["ant2"]
    if not sw.any():
        return u
    pols = list(u["pols"])
    try:
        perm = [pols.index(CROSS_SWAP.get(p, p)) for p in pols]
    except ValueError:
        raise UVH5Error("%s: cannot normalise, its pols %s are not closed under xy<->yx" % (u["path"], pols))
    u["ant1"], u["ant2"] = np.where(sw, u["ant2"], u["ant1"]), np.where(sw, u["ant1"], u["ant2"])
    u["uvw"] = np.where(sw[:, None], -u["uvw"], u["uvw"])
    u["data"][sw] = np.conj(u["data"][sw][..., perm])
    u["flags"][sw] = u["flags"][sw][..., perm]
    u["nsamples"][sw] = u["nsamples"][sw][..., perm]
    return u


def nearest_index(ref_sorted, values, tol):
    """Index into ref_sorted of the nearest value within tol, else -1."""
    if len(ref_sorted) == 0:
        return np.full(len(values), -1)
    i = np.clip(np.searchsorted(ref_sorted, values), 1, len(ref_sorted)) - 1
    j = np.minimum(i + 1, len(ref_sorted) - 1)
    best = np.where(np.abs(ref_sorted[j] - values) < np.abs(ref_sorted[i] - values), j, i)
    return np.where(np.abs(ref_sorted[best] - values) <= tol, best, -1)


def blt_keys(u, times):
    """(time index, ant_1, ant_2) as one int64 (antenna numbers < 65536); unmatched times get unique negatives."""
    ti = nearest_index(times, u["time"], 1e-9)
    return np.where(ti >= 0, (ti * 65536 + u["ant1"]) * 65536 + u["ant2"], -1 - np.arange(len(ti)))


def match_blts(a, b, fail):
    times = np.unique(a["time"])
    ka, kb = blt_keys(a, times), blt_keys(b, times)
    for name, k in (("A", ka), ("B", kb)):
        uniq, cnt = np.unique(k, return_counts=True)
        if (cnt > 1).any():
            fail("blts: %s has %d duplicate (time, ant_1, ant_2)" % (name, int((cnt > 1).sum())))
    common, ia, ib = np.intersect1d(ka, kb, return_indices=True)
    for name, u, k, used in (("A", a, ka, ia), ("B", b, kb, ib)):
        rest = np.setdiff1d(np.arange(len(k)), used)
        if len(rest):
            i = rest[0]
            fail("blts: %d of %s's baseline-times are not in the other file, e.g. blt %d (jd %.9f, %d-%d)"
                 % (len(rest), name, i, u["time"][i], u["ant1"][i], u["ant2"][i]))
    order = np.argsort(ia)
    return ia[order], ib[order]


def match_values(va, vb, tol, what, fail):
    """Indices (ia, ib) pairing equal values (within tol); a failure if the sets differ."""
    sb = np.argsort(vb)
    j = nearest_index(vb[sb], va, tol)
    ia = np.flatnonzero(j >= 0)
    ib = sb[j[ia]]
    if len(ia) != len(va) or len(ib) != len(vb) or len(np.unique(ib)) != len(ib):
        fail("%s: A %s vs B %s" % (what, short(va), short(vb)))
    return ia, ib


def short(v):
    v = np.asarray(v).tolist()
    return str(v if len(v) <= 8 else v[:8] + ["..."])


# ---------------------------------------------------------------- comparisons

def first_diff(mask, a, b, ka, what):
    i = np.unravel_index(np.argmax(mask), mask.shape)
    return "%s: %d values differ, first at blt %d (jd %.9f, %d-%d) chan %s pol %s: A %r B %r" % (
        what, int(mask.sum()), i[0], ka["time"][i[0]], ka["ant1"][i[0]], ka["ant2"][i[0]],
        i[1] if len(i) > 1 else "-", i[2] if len(i) > 2 else "-", a[i], b[i])


def close(a, b, tol):
    """Elementwise equality within tol * max|a| (NaN == NaN); exact for tol == 0."""
    eq = (a == b) | (np.isnan(a) & np.isnan(b))
    if tol <= 0:
        return eq
    fin = np.abs(a[np.isfinite(a)])
    scale = float(fin.max()) if fin.size else 0.0
    with np.errstate(invalid="ignore"):
        return eq | (np.abs(a - b) <= tol * scale)


def compare_arrays(a, b, ia, ib, fa, fb, pa, pb, tol, fail, checked):
    sub = lambda u, i, f, p: {k: u[k][i][:, f][:, :, p] for k in ("data", "flags", "nsamples")}
    x, y = sub(a, ia, fa, pa), sub(b, ib, fb, pb)
    ka = {k: a[k][ia] for k in ("time", "ant1", "ant2")}
    for what, ok in (("visdata", close(x["data"], y["data"], tol)), ("flags", x["flags"] == y["flags"]),
                     ("nsamples", close(x["nsamples"], y["nsamples"], tol))):
        checked.append(what)
        if not ok.all():
            fail(first_diff(~ok, x[{"visdata": "data"}.get(what, what)], y[{"visdata": "data"}.get(what, what)],
                            ka, what))


def compare_blt_meta(a, b, ia, ib, fail, checked):
    checked += ["uvw", "integration_time"]
    d = np.abs(a["uvw"][ia] - b["uvw"][ib]).max(axis=1) if len(ia) else np.zeros(0)
    if (d > 1e-9).any():
        i = int(np.argmax(d))
        fail("uvw: %d blts differ > 1e-9 m, e.g. A blt %d (%d-%d): A %s B %s" % (
            int((d > 1e-9).sum()), ia[i], a["ant1"][ia[i]], a["ant2"][ia[i]], a["uvw"][ia[i]].tolist(),
            b["uvw"][ib[i]].tolist()))
    d = np.abs(a["inttime"][ia] - b["inttime"][ib])
    if (d > 1e-9).any():
        i = int(np.argmax(d))
        fail("integration_time: A %r B %r (A blt %d)" % (a["inttime"][ia[i]], b["inttime"][ib[i]], ia[i]))


def compare_telescope(a, b, fail, checked):
    checked += ["telescope", "vis_units", "antennas"]
    if a["telescope_name"] != b["telescope_name"]:
        fail("telescope_name: A %r B %r" % (a["telescope_name"], b["telescope_name"]))
    for k, (x, y, tol) in enumerate(zip(a["lla"], b["lla"], (1e-9, 1e-9, 1e-6))):
        if abs(x - y) > tol:
            fail("%s: A %r B %r" % (("latitude", "longitude", "altitude")[k], x, y))
    if a["vis_units"].lower() != b["vis_units"].lower():
        fail("vis_units: A %r B %r" % (a["vis_units"], b["vis_units"]))
    na, nb = set(a["ant_numbers"].tolist()), set(b["ant_numbers"].tolist())
    if na != nb:
        fail("antenna_numbers: only in A %s, only in B %s" % (sorted(na - nb), sorted(nb - na)))
    ra = {n: i for i, n in enumerate(a["ant_numbers"].tolist())}
    rb = {n: i for i, n in enumerate(b["ant_numbers"].tolist())}
    for n in sorted(na & nb):
        i, j = ra[n], rb[n]
        if a["ant_names"][i] != b["ant_names"][j]:
            fail("antenna_names[%d]: A %r B %r" % (n, a["ant_names"][i], b["ant_names"][j]))
        pa, pb = a["ant_pos"][i] + a["tel_ecef"], b["ant_pos"][j] + b["tel_ecef"]
        if np.abs(pa - pb).max() > 1e-6:
            fail("antenna position[%d] (ECEF): A %s B %s" % (n, pa.tolist(), pb.tolist()))


def compare_spectral(a, b, fa, fb, fail, checked):
    checked += ["freq_array", "channel_width"]
    d = np.abs(a["chan_width"][fa] - b["chan_width"][fb])
    if (d > 1e-3).any():
        i = int(np.argmax(d))
        fail("channel_width at %.6f Hz: A %r B %r" % (a["freq"][fa[i]], a["chan_width"][fa[i]],
                                                      b["chan_width"][fb[i]]))


def compare_phase_centres(a, b, ia, ib, fail, checked):
    checked.append("phase_center")
    pairs = set(zip(a["pc_id"][ia].tolist(), b["pc_id"][ib].tolist()))
    for ca, cb in sorted(pairs):
        ea, eb = a["catalog"][ca], b["catalog"][cb]
        for k in ("cat_name", "cat_type", "cat_frame"):
            if ea.get(k) != eb.get(k):
                fail("phase centre %s (A id %d, B id %d): A %r B %r" % (k, ca, cb, ea.get(k), eb.get(k)))
        for k in ("cat_lon", "cat_lat"):
            x, y = np.asarray(ea.get(k), float), np.asarray(eb.get(k), float)
            if x.shape != y.shape or np.abs(x - y).max(initial=0) > 1e-12:
                fail("phase centre %s (A id %d, B id %d): A %r B %r" % (k, ca, cb, x.tolist(), y.tolist()))


def compare(a, b, tol):
    failures, checked = [], []
    fail = failures.append
    checked.append("blts")
    ia, ib = match_blts(a, b, fail)
    checked.append("polarization_array")
    pa, pb = match_values(a["pols"].astype(float), b["pols"].astype(float), 0.0, "polarization_array", fail)
    fa, fb = match_values(a["freq"], b["freq"], 1e-3, "freq_array", fail)
    compare_arrays(a, b, ia, ib, fa, fb, pa, pb, tol, fail, checked)
    compare_blt_meta(a, b, ia, ib, fail, checked)
    compare_telescope(a, b, fail, checked)
    compare_spectral(a, b, fa, fb, fail, checked)
    compare_phase_centres(a, b, ia, ib, fail, checked)
    return {"ok": not failures, "nblts": int(len(ia)), "nblts_a": len(a["ant1"]), "nblts_b": len(b["ant1"]),
            "checked": checked, "failures": failures[:MAX_FAILURES], "n_failures": len(failures)}


def main(argv):
    args = [x for x in argv if not x.startswith("--")]
    tol = 0.0
    if "--tol" in argv:
        i = argv.index("--tol")
        tol = float(argv[i + 1])
        args.remove(argv[i + 1])
    if len(args) != 2 or any(x not in ("--normalize", "--tol") for x in argv if x.startswith("--")):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        a, b = read_uvh5(args[0]), read_uvh5(args[1])
        if "--normalize" in argv:
            a, b = normalize(a), normalize(b)
    except UVH5Error as e:
        print(json.dumps({"ok": False, "error": str(e), "failures": [str(e)]}))
        return 2
    res = compare(a, b, tol)
    print(json.dumps(res))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
