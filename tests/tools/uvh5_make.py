#!/usr/bin/python3
"""Synthetic UVH5 writer (h5py + numpy), deterministic from --seed: a v1.2 file laid out as pyuvdata writes it,
or one of the legacy / broken variants the importer must read or refuse (docs/uvh5-rules.md).

  uvh5_make.py OUT.uvh5 [options]
        --nant 6 --ntimes 4 --nfreq 8 --pols -5,-6,-7,-8 (AIPS codes) --autos --unused-ants 0 (telescope
        antennas without data) --start-jd 2459000.25 --inttime 10 --freq0 1e8 --chanwidth 1e5 (may be < 0)
        --seed 1 --nspw 1 (>1: ids 3, 7, 11 … over contiguous channel blocks) --noncontiguous-spw (two spws
        interleaved) --conj a1<a2|mixed|a1>a2 --phase sidereal|fk5|unprojected|driftscan|multi|ephem|nearfield
        --visdtype c8|c16|int32 --legacy none|rank4|phase_type|drift|json_catalog (comma list to combine)
        --vlen-strings --flag-fraction 0.1 --negative-nsamples --no-lzf --time-offset-s 0 --freq-offset-hz 0
        --size-mb N (ntimes chosen for about N MiB of visdata) --series N --split time|freq (OUT_0000.uvh5 …)
        --broken none|nblts|missing_freq|npols|shape|not_uvh5
        Prints {"files": [...], "nblts", "nfreq", "npol", "nspw"}; exit 0 ok, 2 usage.

Values are a pure function of (seed, global time index, baseline, global channel, pol), so the files of a
--series are slices of the single file with N× the times (--split time) or channels (--split freq), and
--conj mixed / a1>a2 files are the --conj a1<a2 file with the affected baselines conjugated (ant swap,
conj(visdata), −uvw, xy↔yx and rl↔lr swapped: also for flags and nsamples).  Blt order is time-major.
multi: centres cat_id 0 and 3 alternate in blocks of max(1, ntimes // 4) times (of the whole series).  --legacy phase_type (fk5
'phased') and drift replace --phase.  Negative option values may be given as '--pols -1,-2' or '--pols=-1,-2'.
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uvh5_compare import lla_to_ecef  # noqa: E402  (one WGS84 conversion for the test tools)

HERA = (-30.72152612068957, 21.428303826863015, 1051.6900000218302)  # lat, lon deg; alt m
OMEGA_EARTH = 7.2921158553e-5  # rad/s
C_LIGHT = 299792458.0
CROSS_SWAP = {-7: -8, -8: -7, -3: -4, -4: -3}
REAL_AUTOS = {1, -1, -2, -5, -6}
SOURCES = {"A": (1.2345678901234, -0.4567890123456), "B": (2.2222222222222, -0.6111111111111)}
LEGACY = {"none", "rank4", "phase_type", "drift", "json_catalog"}


NEGATIVE_OK = {"--pols", "--chanwidth", "--freq0", "--start-jd", "--time-offset-s", "--freq-offset-hz"}


def join_negative_values(argv):
    """argparse takes '-1,-2' or '-1e5' for an option: glue such values to their option as --opt=value."""
    out, it = [], iter(argv)
    for x in it:
        out.append(x + "=" + next(it, "") if x in NEGATIVE_OK else x)
    return out


def parse_args(argv):
    argv = join_negative_values(argv)
    p = argparse.ArgumentParser(description="synthetic UVH5 writer", add_help=True)
    p.add_argument("out")
    p.add_argument("--nant", type=int, default=6)
    p.add_argument("--unused-ants", type=int, default=0)
    p.add_argument("--ntimes", type=int, default=4)
    p.add_argument("--nfreq", type=int, default=8)
    p.add_argument("--pols", default="-5,-6,-7,-8")
    p.add_argument("--autos", action="store_true")
    p.add_argument("--start-jd", type=float, default=2459000.25)
    p.add_argument("--inttime", type=float, default=10.0)
    p.add_argument("--freq0", type=float, default=1.0e8)
    p.add_argument("--chanwidth", type=float, default=1.0e5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--nspw", type=int, default=1)
    p.add_argument("--noncontiguous-spw", action="store_true")
    p.add_argument("--conj", choices=["a1<a2", "mixed", "a1>a2"], default="a1<a2")
    p.add_argument("--phase", choices=["sidereal", "fk5", "unprojected", "driftscan", "multi", "ephem", "nearfield"],
                   default="sidereal")
    p.add_argument("--visdtype", choices=["c8", "c16", "int32"], default="c8")
    p.add_argument("--legacy", default="none")
    p.add_argument("--vlen-strings", action="store_true")
    p.add_argument("--flag-fraction", type=float, default=0.1)
    p.add_argument("--negative-nsamples", action="store_true")
    p.add_argument("--no-lzf", action="store_true")
    p.add_argument("--time-offset-s", type=float, default=0.0)
    p.add_argument("--freq-offset-hz", type=float, default=0.0)
    p.add_argument("--size-mb", type=float, default=None)
    p.add_argument("--series", type=int, default=0)
    p.add_argument("--split", choices=["time", "freq"], default="time")
    p.add_argument("--broken", choices=["none", "nblts", "missing_freq", "npols", "shape", "not_uvh5"],
                   default="none")
    a = p.parse_args(argv)
    a.pols = [int(x) for x in a.pols.split(",") if x.strip()]
    a.legacy = set(x.strip() for x in a.legacy.split(",")) - {"none"}
    if a.legacy - LEGACY or {"phase_type", "drift"} <= a.legacy or ({"phase_type", "drift"} & a.legacy
                                                                      and "json_catalog" in a.legacy):
        p.error("bad --legacy combination")
    if a.noncontiguous_spw:
        a.nspw = 2
    if a.nant < 2 or a.nfreq < a.nspw or a.ntimes < 1 or not a.pols:
        p.error("need nant >= 2, nfreq >= nspw, ntimes >= 1 and some pols")
    if "rank4" in a.legacy and a.nspw != 1:
        p.error("--legacy rank4 holds one spw")
    if a.conj != "a1<a2" and any(CROSS_SWAP.get(c, c) not in a.pols for c in a.pols):
        p.error("--conj %s needs a pol set closed under xy<->yx, rl<->lr" % a.conj)
    return a


# ---------------------------------------------------------------- geometry

def enu_to_ecef_matrix(lat_deg, lon_deg):
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    sl, cl, sp, cp = np.sin(lon), np.cos(lon), np.sin(lat), np.cos(lat)
    return np.array([[-sl, -sp * cl, cp * cl], [cl, -sp * sl, cp * sl], [0.0, cp, sp]])


def make_antennas(a):
    """Numbers 1, 2, 3, 5, 6 … (no 0, a gap at 4); ECEF offsets from ENU positions in a 150 m disk."""
    n = a.nant + a.unused_ants
    numbers = np.array([k for k in range(1, n + 2) if k != 4][:n], dtype=np.int32)
    rng = np.random.default_rng([a.seed, 17])
    r, phi = 150.0 * np.sqrt(rng.random(n)), 2 * np.pi * rng.random(n)
    enu = np.stack([r * np.cos(phi), r * np.sin(phi), rng.uniform(-1, 1, n)], axis=1)
    pos = enu @ enu_to_ecef_matrix(HERA[0], HERA[1]).T
    names = ["HH%d" % k for k in numbers]
    return numbers, names, pos, np.full(n, 14.0)


def make_baselines(a, numbers):
    """Canonical (a <= b) baselines in HERA order plus the per-baseline conjugation (swap) mask."""
    data_ants = numbers[:a.nant]
    pairs = [(x, y) for i, x in enumerate(data_ants) for y in data_ants[i:] if a.autos or x != y]
    pairs = np.array(pairs, dtype=np.int64)
    cross = pairs[:, 0] != pairs[:, 1]
    if a.conj == "a1>a2":
        swap = cross.copy()
    elif a.conj == "mixed":
        swap = cross & (np.random.default_rng([a.seed, 23]).random(len(pairs)) < 0.3)
        ic = np.flatnonzero(cross)
        if len(ic) >= 2:
            swap[ic[0]], swap[ic[-1]] = False, True
    else:
        swap = np.zeros(len(pairs), bool)
    return pairs, swap


# ---------------------------------------------------------------- spectral and phase-centre layout

def spw_layout(a, file_index):
    """freq_array, channel_width, flex_spw_id_array, spw_array and the global index of the first channel."""
    chan0 = file_index * a.nfreq if a.series and a.split == "freq" else 0
    k = chan0 + np.arange(a.nfreq)
    freq = a.freq0 + a.freq_offset_hz + k * a.chanwidth
    width = np.full(a.nfreq, a.chanwidth)
    if a.nspw == 1:
        spws = np.array([1], dtype=np.int32)
        flex = np.full(a.nfreq, 1, dtype=np.int64)
    else:
        spws = np.array([3 + 4 * s for s in range(a.nspw)], dtype=np.int32)
        if a.noncontiguous_spw:
            flex = spws[np.arange(a.nfreq) % 2].astype(np.int64)
        else:
            flex = np.concatenate([np.full(len(b), spws[s], np.int64)
                                   for s, b in enumerate(np.array_split(np.arange(a.nfreq), a.nspw))])
    return freq, width, flex, spws, chan0


def entry(name, typ, lon, lat, frame, epoch, **extra):
    e = {"cat_name": name, "cat_type": typ, "cat_lon": lon, "cat_lat": lat, "cat_frame": frame,
         "cat_epoch": epoch, "cat_times": None, "cat_pm_ra": None, "cat_pm_dec": None, "cat_vrad": None,
         "cat_dist": None, "info_source": "user"}
    e.update(extra)
    return e


def make_catalog(a, jd0):
    """{cat_id: entry} and a function global time index -> cat_id."""
    lon, lat = SOURCES["A"]
    if a.phase == "multi":
        block = max(1, a.ntimes * (a.series if a.series and a.split == "time" else 1) // 4)
        cat = {0: entry("srcA", "sidereal", lon, lat, "icrs", 2000.0),
               3: entry("srcB", "sidereal", *SOURCES["B"], "icrs", 2000.0)}
        return cat, lambda t: np.where((t // block) % 2 == 0, 0, 3)
    cat = {
        "sidereal": lambda: entry("srcA", "sidereal", lon, lat, "icrs", 2000.0, cat_pm_ra=0.0, cat_pm_dec=0.0),
        "fk5": lambda: entry("srcA_fk5", "sidereal", lon, lat, "fk5", 2000.0),
        "unprojected": lambda: entry("unprojected", "unprojected", 0.0, np.pi / 2, "altaz", None),
        "driftscan": lambda: entry("drift_az_el", "driftscan", 0.3, 1.2, "altaz", None),
        "ephem": lambda: entry("comet", "ephem", np.array([lon, lon + 0.001, lon + 0.002]),
                               np.array([lat, lat + 0.001, lat + 0.002]), "icrs", 2000.0,
                               cat_times=jd0 + np.array([0.0, 0.01, 0.02])),
        "nearfield": lambda: entry("satellite", "near_field", lon, lat, "icrs", 2000.0, cat_dist=1e-9,
                                   cat_vrad=0.0),
    }[a.phase]()
    return {0: cat}, lambda t: np.zeros(np.shape(t), dtype=np.int64)


# ---------------------------------------------------------------- values

def splitmix64(x):
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def canonical_uvw(pos, pairs, numbers, tglob, inttime):
    """uvw of (a, b) = X_b - X_a rotated about the Earth's axis by the time since the start: (nt, nbl, 3)."""
    row = {int(n): i for i, n in enumerate(numbers)}
    d = pos[[row[b] for b in pairs[:, 1]]] - pos[[row[x] for x in pairs[:, 0]]]
    th = OMEGA_EARTH * inttime * tglob[:, None]
    c, s = np.cos(th), np.sin(th)
    return np.stack([c * d[:, 0] - s * d[:, 1], s * d[:, 0] + c * d[:, 1], np.broadcast_to(d[:, 2], (len(tglob), len(d)))], -1)


def cell_values(a, tglob, nbl, chan, freq, uvw, nchan_total):
    """Canonical visdata (complex128), flags and nsamples for global times tglob: shape (nt, nbl, nf, np)."""
    npol = len(a.pols)
    idx = (((tglob.astype(np.uint64)[:, None, None, None] * np.uint64(nbl)
             + np.arange(nbl, dtype=np.uint64)[None, :, None, None]) * np.uint64(nchan_total)
            + chan.astype(np.uint64)[None, None, :, None]) * np.uint64(npol)
           + np.arange(npol, dtype=np.uint64)[None, None, None, :])
    h = splitmix64(idx ^ np.uint64((a.seed * 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF))
    u = lambda shift, bits: ((h >> np.uint64(shift)) & np.uint64((1 << bits) - 1)).astype(np.float32) / (1 << bits)
    phase = (2 * np.pi / C_LIGHT) * uvw[:, :, None, 2:3] * freq[None, None, :, None]
    amp = (1.0 + 0.25 * np.arange(npol))[None, None, None, :] + 0.01 * np.arange(nbl)[None, :, None, None]
    vis = amp * np.exp(1j * phase) + ((u(0, 20) - 0.5) + 1j * (u(20, 20) - 0.5))
    flags = u(52, 12) < a.flag_fraction
    ns = u(40, 12)
    nsamples = np.where(ns < 0.01, np.float32(0), np.float32(0.5) + np.float32(1.5) * ns).astype(np.float32)
    if a.negative_nsamples:
        nsamples[:] = np.float32(-1.229e12)
    return vis, flags, nsamples


def fix_autos(a, vis, autos):
    """Autocorrelations: real parallel hands (positive), yx = conj(xy), lr = conj(rl)."""
    if not autos.any():
        return
    p = {c: i for i, c in enumerate(a.pols)}
    sub = vis[:, autos]
    for c, i in p.items():
        if c in REAL_AUTOS:
            sub[..., i] = np.abs(sub[..., i].real) + 2.0
    for x, y in ((-7, -8), (-3, -4)):
        if x in p and y in p:
            sub[..., p[y]] = np.conj(sub[..., p[x]])
    vis[:, autos] = sub


def conjugate_swapped(a, vis, flags, nsamples, swap):
    """The swapped baselines hold conj(V) with the cross hands exchanged (for flags and nsamples too)."""
    if not swap.any():
        return
    perm = [a.pols.index(CROSS_SWAP.get(c, c)) for c in a.pols]
    vis[:, swap] = np.conj(vis[:, swap][..., perm])
    flags[:, swap] = flags[:, swap][..., perm]
    nsamples[:, swap] = nsamples[:, swap][..., perm]


def to_file_dtype(a, vis):
    if a.visdtype == "c16":
        return vis.astype(np.complex128)
    if a.visdtype == "int32":
        out = np.empty(vis.shape, dtype=[("r", "<i4"), ("i", "<i4")])
        out["r"], out["i"] = np.round(vis.real * 1000), np.round(vis.imag * 1000)
        return out
    return vis.astype(np.complex64)


# ---------------------------------------------------------------- writing

def put_str(g, name, value, vlen):
    if vlen:
        g.create_dataset(name, data=value, dtype=h5py.string_dtype())
    else:
        g[name] = np.bytes_(value)


def put_str_array(g, name, values, vlen):
    if vlen:
        g.create_dataset(name, data=np.array(values, dtype=object), dtype=h5py.string_dtype())
    else:
        g[name] = np.array([np.bytes_(v) for v in values])


def write_catalog(a, h, cat):
    if "json_catalog" in a.legacy:
        g = h.create_group("phase_center_catalog")
        for cid, e in cat.items():
            d = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in e.items() if k != "cat_name"}
            d["cat_id"] = int(cid)
            put_str(g, e["cat_name"], json.dumps(d), a.vlen_strings)
        return
    g = h.create_group("phase_center_catalog")
    for cid, e in cat.items():
        sub = g.create_group(str(cid))
        for k, v in e.items():
            if isinstance(v, str):
                put_str(sub, k, v, a.vlen_strings)
            elif v is None:
                sub[k] = h5py.Empty("f")
            else:
                sub[k] = v


def write_phase(a, h, cat, pc_ids, lst, n):
    """The catalogue (group-of-groups or JSON) or the pre-1.1 phase_type header."""
    lat = np.radians(HERA[0])
    if a.legacy & {"phase_type", "drift"}:
        if "phase_type" in a.legacy:
            put_str(h, "phase_type", "phased", a.vlen_strings)
            h["phase_center_ra"], h["phase_center_dec"] = SOURCES["A"]
            h["phase_center_epoch"] = 2000.0
            put_str(h, "phase_center_frame", "fk5", a.vlen_strings)
            put_str(h, "object_name", "srcA_legacy", a.vlen_strings)
        else:
            put_str(h, "phase_type", "drift", a.vlen_strings)
            put_str(h, "object_name", "zenith", a.vlen_strings)
        return
    write_catalog(a, h, cat)
    h["Nphase"] = np.int64(len(cat))
    h["phase_center_id_array"] = pc_ids.astype(np.int32)
    app_ra, app_dec = np.empty(n), np.empty(n)
    for cid, e in cat.items():
        m = pc_ids == cid
        if e["cat_type"] in ("unprojected", "driftscan"):
            app_ra[m], app_dec[m] = lst[m], lat
        else:
            app_ra[m], app_dec[m] = np.mean(e["cat_lon"]), np.mean(e["cat_lat"])
    h["phase_center_app_ra"], h["phase_center_app_dec"] = app_ra, app_dec
    h["phase_center_frame_pa"] = np.zeros(n)


def write_header(a, h, m):
    vl = a.vlen_strings
    h["latitude"], h["longitude"], h["altitude"] = HERA
    put_str(h, "telescope_frame", "itrs", vl)
    put_str(h, "telescope_name", "HERA", vl)
    put_str(h, "instrument", "HERA", vl)
    put_str(h, "history", "Written by uvh5_make.py seed=%d.\n" % a.seed, vl)
    put_str(h, "version", "1.0" if a.legacy & {"rank4", "phase_type", "drift"} else "1.2", vl)
    put_str(h, "vis_units", "uncalib", vl)
    nblts = len(m["ant1"])
    for k, v in (("Nants_data", a.nant), ("Nants_telescope", len(m["numbers"])), ("Nbls", m["nbl"]),
                 ("Nblts", nblts), ("Nfreqs", a.nfreq), ("Npols", len(a.pols)), ("Nspws", len(m["spws"])),
                 ("Ntimes", m["ntimes"])):
        h[k] = np.int64(v)
    h["ant_1_array"], h["ant_2_array"] = m["ant1"].astype(np.int32), m["ant2"].astype(np.int32)
    h["antenna_numbers"] = m["numbers"]
    put_str_array(h, "antenna_names", m["names"], vl)
    h["antenna_positions"], h["antenna_diameters"] = m["pos"], m["diam"]
    h["uvw_array"], h["time_array"] = m["uvw"], m["time"]
    h["integration_time"] = np.full(nblts, a.inttime)
    h["lst_array"] = m["lst"]
    if "rank4" in a.legacy:
        h["freq_array"] = m["freq"][None, :]
        h["channel_width"] = float(m["width"][0])
    else:
        h["freq_array"], h["channel_width"] = m["freq"], m["width"]
        h["flex_spw_id_array"] = m["flex"]
    h["spw_array"] = m["spws"]
    h["polarization_array"] = np.array(a.pols, dtype=np.int32)
    h["blts_are_rectangular"] = np.bool_(True)
    h["time_axis_faster_than_bls"] = np.bool_(False)
    write_phase(a, h, m["cat"], m["pc_ids"], m["lst"], nblts)


def era(jd):
    return 2 * np.pi * np.mod(0.7790572732640 + 1.00273781191135448 * (jd - 2451545.0), 1.0)


def file_meta(a, ants, file_index, ntimes):
    numbers, names, pos, diam = ants
    pairs, swap = make_baselines(a, numbers)
    nbl = len(pairs)
    t0 = file_index * ntimes if a.series and a.split == "time" else 0
    tglob = t0 + np.arange(ntimes)
    jd0 = a.start_jd + a.time_offset_s / 86400.0
    tjd = jd0 + tglob * a.inttime / 86400.0
    freq, width, flex, spws, chan0 = spw_layout(a, file_index)
    cat, pc_of_time = make_catalog(a, jd0)
    ant1 = np.where(swap, pairs[:, 1], pairs[:, 0])
    ant2 = np.where(swap, pairs[:, 0], pairs[:, 1])
    uvw = canonical_uvw(pos, pairs, numbers, tglob, a.inttime)
    uvw[:, swap] *= -1
    time = np.repeat(tjd, nbl)
    return {"numbers": numbers, "names": names, "pos": pos, "diam": diam, "pairs": pairs, "swap": swap,
            "nbl": nbl, "ntimes": ntimes, "tglob": tglob, "freq": freq, "width": width, "flex": flex,
            "spws": spws, "chan0": chan0, "cat": cat, "pc_ids": np.repeat(pc_of_time(tglob), nbl),
            "ant1": np.tile(ant1, ntimes), "ant2": np.tile(ant2, ntimes), "uvw": uvw.reshape(-1, 3),
            "time": time, "lst": np.mod(era(time) + np.radians(HERA[1]), 2 * np.pi)}


def write_data(a, d, m, nchan_total):
    nbl, nt, nf, npol = m["nbl"], m["ntimes"], a.nfreq, len(a.pols)
    shape = (nt * nbl, 1, nf, npol) if "rank4" in a.legacy else (nt * nbl, nf, npol)
    vdt = {"c8": np.complex64, "c16": np.complex128, "int32": np.dtype([("r", "<i4"), ("i", "<i4")])}[a.visdtype]
    comp = {} if a.no_lzf else {"compression": "lzf", "chunks": True}
    dv = d.create_dataset("visdata", shape, dtype=vdt, chunks=True)
    df = d.create_dataset("flags", shape, dtype=bool, **comp)
    dn = d.create_dataset("nsamples", shape, dtype=np.float32, **comp)
    chan = m["chan0"] + np.arange(nf)
    autos = m["pairs"][:, 0] == m["pairs"][:, 1]
    step = max(1, 4_000_000 // max(1, nbl * nf * npol))
    for t in range(0, nt, step):
        tg = m["tglob"][t:t + step]
        uvw = canonical_uvw(m["pos"], m["pairs"], m["numbers"], tg, a.inttime)
        vis, flags, ns = cell_values(a, tg, nbl, chan, m["freq"], uvw, nchan_total)
        fix_autos(a, vis, autos)
        conjugate_swapped(a, vis, flags, ns, m["swap"])
        sl = slice(t * nbl, (t + len(tg)) * nbl)
        flat = lambda x: x.reshape((-1, 1, nf, npol) if "rank4" in a.legacy else (-1, nf, npol))
        dv[sl], df[sl], dn[sl] = flat(to_file_dtype(a, vis)), flat(flags), flat(ns)


def break_file(a, path, m):
    if a.broken == "not_uvh5":
        with h5py.File(path, "w") as f:
            f["something"] = np.arange(10)
            f.create_group("Other")["x"] = 1.0
        return
    with h5py.File(path, "r+") as f:
        h = f["Header"]
        if a.broken == "nblts":
            del h["Nblts"]
            h["Nblts"] = np.int64(len(m["ant1"]) + 1)
        elif a.broken == "npols":
            del h["Npols"]
            h["Npols"] = np.int64(len(a.pols) + 1)
        elif a.broken == "missing_freq":
            del h["freq_array"]
        elif a.broken == "shape":
            shape = list(f["Data/visdata"].shape)
            shape[-2] -= 1
            del f["Data/visdata"]
            f["Data"].create_dataset("visdata", shape, dtype=np.complex64)


def write_file(a, path, ants, file_index, ntimes, nchan_total):
    m = file_meta(a, ants, file_index, ntimes)
    with h5py.File(path, "w") as f:
        write_header(a, f.create_group("Header"), m)
        write_data(a, f.create_group("Data"), m, nchan_total)
    if a.broken != "none":
        break_file(a, path, m)
    return m


def main(argv):
    a = parse_args(argv)
    ants = make_antennas(a)
    nbl = len(make_baselines(a, ants[0])[0])
    ntimes = a.ntimes
    if a.size_mb:
        item = {"c8": 8, "c16": 16, "int32": 8}[a.visdtype]
        ntimes = max(1, int(round(a.size_mb * 2 ** 20 / (nbl * a.nfreq * len(a.pols) * item))))
        a.ntimes = ntimes
    nchan_total = a.nfreq * (a.series if a.series and a.split == "freq" else 1)
    if a.series:
        stem = a.out[:-5] if a.out.endswith(".uvh5") else a.out
        paths = ["%s_%04d.uvh5" % (stem, k) for k in range(a.series)]
    else:
        paths = [a.out]
    for k, path in enumerate(paths):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        m = write_file(a, path, ants, k, ntimes, nchan_total)
    print(json.dumps({"files": paths, "nblts": int(ntimes * nbl), "nfreq": a.nfreq, "npol": len(a.pols),
                      "nspw": a.nspw, "ntimes": ntimes, "nbl": nbl}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
