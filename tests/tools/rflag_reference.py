#!/usr/bin/env python3
"""Independent numpy reference of CASA flagdata mode='rflag' (see docs/rflag-rules.md).

Written from CASA's C++ (casatools/src/code/flagging/Flagging/FlagAgentRFlag.cc,
FlagAgentBase.cc, FlagDataHandler.cc, FlagAgentExtension.cc) and task python
(casatasks/src/private/task_flagdata.py, flaghelper.py). It imports nothing from the
C# project. Run with /usr/bin/python3 (needs numpy + python-casacore).

Usage
-----
  rflag_reference.py MS [--datacolumn DATA] [--winsize 3] [--timedevscale 5]
        [--freqdevscale 5] [--spectralmax 1e6] [--spectralmin 0]
        [--timedev X] [--freqdev X] [--ntime scan|SECONDS|'1.5min'] [--combinescans]
        [--correlation EXPR] [--no-extendflags] [--field 0,1] [--spw 0,2]
        [--flags OUT.npy|OUT.json]

  --timedev / --freqdev accept what flagdata accepts: a number (same threshold for all
  field/spw), a list '[[field,spw,value],...]' (JSON or python literal), '' or '[]'
  (automatic), or a file name (a CASA threshold file, a python-dict line such as
  {'name':'Rflag','timedev':[[1,9,0.0077]]}).

Output
------
stdout: one JSON object, what flagdata(..., mode='rflag', action='calculate') returns:
  {"type": "list", "nreport": 1,
   "report0": {"type": "rflag", "name": "Rflag",
               "timedev": [[field, spw, value], ...],
               "freqdev": [[field, spw, value], ...]}}
  (rows sorted by (field, spw); CASA returns float64 (n,3) numpy arrays, here field and
  spw are written as JSON integers; 'nreport' is 0 and 'report0' absent when both lists
  would be empty, as in CASA). The calculate pass accumulates statistics over ALL chunks
  of a (field, spw) and does not use timedevscale/freqdevscale (as CASA).

--flags OUT: additionally runs the action='apply' pass (per-chunk automatic thresholds
  unless timedev/freqdev are given; extendflags as CASA's default True unless
  --no-extendflags) on an in-memory copy of FLAG (the MS is opened read-only and is
  never modified) and writes the cells that become flagged and were not flagged before:
  * OUT ending in .npy : int64 array of shape (N, 3), rows [row, corr, chan], sorted
                         lexicographically; row = 0-based MS main-table row number,
                         corr = index in that row's FLAG/DATA correlation axis,
                         chan = channel index.
  * any other OUT      : JSON {"format": "rflag-reference-flags/1", "ms": ...,
                         "params": {...}, "n_new_flags": N, "n_flagged_after": M,
                         "cells": [[row, corr, chan], ...] (same order as .npy),
                         "chunks": [per-chunk info incl. thresholds used]}
                         plus a sibling summary line on stderr.

Limitations (kept simple on purpose): no channel/antenna/time/uv/scan/intent selection
(only --field / --spw id lists), no channelavg/timeavg, no virtual MODEL_DATA, no
display, no list mode. Float summation order differs from CASA's sequential loops, so
thresholds agree with CASA to ~1e-12 relative, not bit for bit.
"""

import argparse
import warnings
import ast
import json
import math
import os
import sys

import numpy as np
from casacore.tables import table


def nanmedian_channels(x):
    """np.nanmedian(x, axis=1) of [P,C,T] with the same values (the middle element, or the mean of the two middle
    ones, of the non-NaN values; NaN where there are none), without numpy's masked-array path for small axes, which
    made this the reference's whole run time."""
    s = np.sort(x, axis=1)                                # NaNs sort last
    n = (~np.isnan(x)).sum(axis=1)
    lo = np.maximum((n - 1) // 2, 0)[:, None, :]
    hi = np.maximum(n // 2, 0)[:, None, :]
    a = np.take_along_axis(s, lo, axis=1)[:, 0, :]
    b = np.take_along_axis(s, hi, axis=1)[:, 0, :]
    m = (a + b) / 2
    return np.where(n > 0, m, np.nan)

STOKES = {1: 'I', 2: 'Q', 3: 'U', 4: 'V', 5: 'RR', 6: 'RL', 7: 'LR', 8: 'LL',
          9: 'XX', 10: 'XY', 11: 'YX', 12: 'YY'}
SIMPLE = ['XX', 'YY', 'XY', 'YX', 'RR', 'LL', 'LR', 'RL']   # VisMapper check order
ROBUST = 1.4826


# --------------------------------------------------------------------------------------
# Parameter parsing (task_flagdata.py / flaghelper.py / FlagAgentRFlag::setAgentParameters)
# --------------------------------------------------------------------------------------
def parse_ntime(val):
    """task_flagdata.py: 'scan' -> 0.0; number (s) must be > 0; 'Xmin' -> s; 'X'/'Xs'."""
    if val is None or val == 'scan':
        return 0.0
    try:
        v = float(val)
        if v <= 0:
            raise SystemExit('Parameter ntime cannot be < = 0')
        return v
    except ValueError:
        pass
    s = val.strip()
    for unit, fac in (('min', 60.0), ('s', 1.0)):
        if s.endswith(unit):
            return float(s[:-len(unit)]) * fac
    sys.stderr.write('WARN: Cannot convert units of ntime. Will use default 0.0s\n')
    return 0.0


def read_threshold_file(path, key):
    """flaghelper.readRFlagThresholdFile: missing file -> [] ; last line having key."""
    if not os.path.exists(path):
        sys.stderr.write('Cannot find file : %s\n' % path)
        return []
    dev = None
    with open(path) as fh:
        for line in fh:
            line = line.rstrip().rstrip('\n')
            if len(line) > 5 and line[0] != '#':
                d = ast.literal_eval(line)
                if key in d:
                    dev = d[key]
    if dev is None:   # CASA would raise UnboundLocalError here
        raise SystemExit('threshold file %s has no %r entry' % (path, key))
    return dev


def parse_dev(text, key, for_apply):
    """Return ('auto', None) | ('scalar', v) | ('matrix', {(f,s): v}).

    Mirrors the agent: '' / [] -> auto; number -> scalar; n x 3 list -> matrix;
    a string that is neither -> a file name, read only for action='apply'
    (for 'calculate' CASA passes the name to the agent, which ignores it)."""
    if text is None:
        return ('auto', None)
    t = text.strip()
    if t == '':
        return ('auto', None)
    val = None
    try:
        val = float(t)
    except ValueError:
        try:
            val = json.loads(t)
        except ValueError:
            try:
                val = ast.literal_eval(t)
            except (ValueError, SyntaxError):
                val = None
    if val is None:                      # a file name
        if not for_apply:
            return ('auto', None)
        val = read_threshold_file(t, key)
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        return ('scalar', float(val))
    arr = np.asarray(val, dtype=float)
    if arr.size == 0:
        return ('auto', None)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise SystemExit('Matrix for %s must have 3 columns [[field,spw,dev]]' % key)
    m = {}
    for f, s, v in arr:
        m[(int(f), int(s))] = float(v)
    return ('matrix', m)


# --------------------------------------------------------------------------------------
# Correlation expression (FlagAgentBase::setAgentParameters, VisMapper, checkVisExpression)
# --------------------------------------------------------------------------------------
def build_expression(correlation, datacolumn, all_corr_names):
    if correlation is None:
        expr = 'REAL ALL' if datacolumn in ('FLOAT_DATA',) else 'ABS ALL'
    else:
        expr = correlation.upper()
    if expr == '':
        expr = 'ALL'
    expr = expr.upper()
    if 'ALL' in expr:
        for fn in ('REAL', 'IMAG', 'ARG', 'ABS', 'NORM'):
            if fn in expr:
                expr = fn + ' '
                break
        expr += ','.join(c for c in all_corr_names if c != 'I')
    return expr.upper()


def check_vis_expression(expr, polmap):
    if 'WVR' in expr:
        return 'I' in polmap
    if 'I' in polmap:
        return False        # ALMA WVR spw, skipped unless WVR requested
    for n in SIMPLE:
        if n in expr:
            return n in polmap
    h = lambda *ns: all(n in polmap for n in ns)
    if 'I' in expr:
        return h('XX', 'YY') or h('RR', 'LL')
    if 'Q' in expr:
        return h('Q') or h('XX', 'YY') or h('RL', 'LR')
    if 'U' in expr:
        return h('U') or h('XY', 'YX') or h('RL', 'LR')
    if 'V' in expr:
        return h('V') or h('XY', 'YX') or h('RR', 'LL')
    raise SystemExit('Unknown polarization requested (%s)' % expr)


def select_products(expr, polmap):
    """List of (label, [corr indices], fn(vis[ncorr,nchan,nt]) -> complex64 [nchan,nt])."""
    prods = []
    half = np.float32(2.0)
    two_i = np.complex64(2j)

    def one(n):
        i = polmap[n]
        prods.append((n, [i], lambda v, i=i: v[i]))

    def pair(label, a, b, op):
        ia, ib = polmap[a], polmap[b]
        prods.append((label, [ia, ib], lambda v, ia=ia, ib=ib: op(v[ia], v[ib])))

    h = lambda *ns: all(n in polmap for n in ns)
    if 'WVR' in expr and h('I'):
        one('I')
    for n in SIMPLE:
        if n in expr and h(n):
            one(n)
    if 'I' in expr:
        if h('I'):
            one('I')
        elif h('XX', 'YY'):
            pair('I=(XX+YY)/2', 'XX', 'YY', lambda a, b: (a + b) / half)
        elif h('RR', 'LL'):
            pair('I=(RR+LL)/2', 'RR', 'LL', lambda a, b: (a + b) / half)
    if 'Q' in expr:
        if h('Q'):
            one('Q')
        elif h('XX', 'YY'):
            pair('Q=(XX-YY)/2', 'XX', 'YY', lambda a, b: (a - b) / half)
        elif h('RL', 'LR'):
            pair('Q=(RL-LR)/2', 'RL', 'LR', lambda a, b: (a - b) / half)
    if 'U' in expr:
        if h('U'):
            one('U')
        elif h('XY', 'YX'):
            pair('U=(XY-YX)/2', 'XY', 'YX', lambda a, b: (a - b) / half)
        elif h('RL', 'LR'):
            pair('U=(RL-LR)/2i', 'RL', 'LR', lambda a, b: (a - b) / two_i)
    if 'V' in expr and 'WVR' not in expr:
        if h('V'):
            one('V')
        elif h('XY', 'YX'):
            pair('V=(XY-YX)/2i', 'XY', 'YX', lambda a, b: (a - b) / two_i)
        elif h('RR', 'LL'):
            pair('V=(RR-LL)/2i', 'RR', 'LL', lambda a, b: (a - b) / two_i)
    return prods


# --------------------------------------------------------------------------------------
# Statistics helpers (FlagAgentRFlag::median / computeThreshold)
# --------------------------------------------------------------------------------------
def casa_median(v):
    v = np.asarray(v, dtype=np.float64)
    if v.size == 0:
        return 0.0
    return float(np.median(v))


def compute_threshold(hsum, hcnt):
    hsum = np.asarray(hsum, dtype=np.float64)
    hcnt = np.asarray(hcnt, dtype=np.float64)
    samples = np.zeros(hsum.size)
    ok = hcnt > 0
    samples[ok] = hsum[ok] / hcnt[ok]          # channels with no samples stay 0 (sic)
    med = casa_median(samples)
    mad = casa_median(np.abs(samples - med))
    return med + ROBUST * mad


# --------------------------------------------------------------------------------------
# The agent (state machine of FlagAgentRFlag + FlagAgentBase::runCore ANTENNA_PAIRS)
# --------------------------------------------------------------------------------------
class RFlagAgent:
    def __init__(self, doflag, tdev, fdev, timedevscale, freqdevscale, winsize,
                 spectralmax, spectralmin):
        self.doflag = doflag
        self.noise_p = tdev[1] if tdev[0] == 'scalar' else 0.0
        self.scutoff_p = fdev[1] if fdev[0] == 'scalar' else 0.0
        self.noise_map = dict(tdev[1]) if tdev[0] == 'matrix' else {}
        self.scutoff_map = dict(fdev[1]) if fdev[0] == 'matrix' else {}
        self.user_noise = set(self.noise_map)
        self.user_scutoff = set(self.scutoff_map)
        self.nh = {}    # (field,spw) -> [sum[nchan], cnt[nchan]]  time direction
        self.sh = {}    # (field,spw) -> [sum[nchan], cnt[nchan]]  spectral direction
        self.noise_scale = timedevscale
        self.scutoff_scale = freqdevscale
        self.winsize = winsize
        self.smax = spectralmax
        self.smin = spectralmin
        self.prepass = False
        self.last_used = None

    # runCore(): case ANTENNA_PAIRS
    def process_chunk(self, fs, baselines):
        self.prepass = False
        for bl in baselines:
            self.compute_antenna_pair(fs, bl)
        if self.prepass:
            self.prepass = False
            self.pass_intermediate(fs)
            for bl in baselines:
                self.compute_antenna_pair(fs, bl)
            self.pass_final(fs)

    def compute_antenna_pair(self, fs, bl):
        nchan = bl['pvis'].shape[1]
        nt = bl['pvis'].shape[2]
        noise = -1.0
        if fs in self.noise_map and self.noise_map[fs] > 0:
            noise = self.noise_map[fs]
        elif self.noise_p > 0:
            noise = self.noise_p
        elif fs not in self.nh:
            self.nh[fs] = [np.zeros(nchan), np.zeros(nchan)]
            if self.doflag:
                self.prepass = True
        noise *= self.noise_scale

        scutoff = -1.0
        if fs in self.scutoff_map and self.scutoff_map[fs] > 0:
            scutoff = self.scutoff_map[fs]
        elif self.scutoff_p > 0:
            scutoff = self.scutoff_p
        elif fs not in self.sh:
            self.sh[fs] = [np.zeros(nchan), np.zeros(nchan)]
            if self.doflag:
                self.prepass = True
        scutoff *= self.scutoff_scale
        self.last_used = (noise, scutoff)

        eff = self.winsize if nt > self.winsize else nt
        delta = (eff - 1) // 2
        self.core(fs, noise, scutoff, delta, bl)

    def _mark(self, bl, mask):
        """setModifiedFlags for every product cell in mask[P,C,T]."""
        for p, (_, corrs, _) in enumerate(bl['prods']):
            m = mask[p]
            if m.any():
                for ci in corrs:
                    bl['modflag'][ci] |= m

    def core(self, fs, noise, scutoff, delta, bl):
        pvis, pflag = bl['pvis'], bl['pflag']            # [P,C,T] complex64 / bool
        P, C, T = pvis.shape
        re32, im32 = pvis.real, pvis.imag
        good = ~pflag
        # ---------------- time direction ----------------
        if (noise <= 0) or (noise >= 0 and self.doflag and not self.prepass):
            t0, t1 = delta, T - delta                     # central timesteps [t0, t1)
            if t1 > t0:
                sw = np.zeros((P, C, t1 - t0))
                sr = np.zeros_like(sw); srr = np.zeros_like(sw)
                si = np.zeros_like(sw); sii = np.zeros_like(sw)
                re64 = re32.astype(np.float64); im64 = im32.astype(np.float64)
                rr = (re32 * re32).astype(np.float64)   # float*float, then += into double
                ii = (im32 * im32).astype(np.float64)
                for k in range(-delta, delta + 1):
                    sl = slice(t0 + k, t1 + k)
                    g = good[:, :, sl]
                    sw += g
                    sr += np.where(g, re64[:, :, sl], 0.0)
                    srr += np.where(g, rr[:, :, sl], 0.0)
                    si += np.where(g, im64[:, :, sl], 0.0)
                    sii += np.where(g, ii[:, :, sl], 0.0)
                valid = sw > 0
                with np.errstate(invalid='ignore', divide='ignore'):
                    ar = sr / sw; vr = srr / sw - ar * ar
                    ai = si / sw; vi = sii / sw - ai * ai
                vr = np.where(vr > 0, vr, 0.0)
                vi = np.where(vi > 0, vi, 0.0)
                std = np.sqrt(vr + vi)
                if noise <= 0:
                    h = self.nh[fs]
                    h[1] += valid.sum(axis=(0, 2))
                    h[0] += np.where(valid, std, 0.0).sum(axis=(0, 2))
                if noise >= 0:
                    hit = valid & (std > noise)
                    if hit.any():
                        mask = np.zeros((P, C, T), dtype=bool)
                        for k in range(-delta, delta + 1):
                            mask[:, :, t0 + k:t1 + k] |= hit
                        self._mark(bl, mask)
        # ---------------- spectral direction (every timestep) ----------------
        if (scutoff <= 0) or (scutoff >= 0 and self.doflag and not self.prepass):
            re64 = re32.astype(np.float64); im64 = im32.astype(np.float64)
            ngood = good.sum(axis=1)                      # [P,T]
            has = ngood > 0
            xr = np.where(good, re64, np.nan)
            xi = np.where(good, im64, np.nan)
            with np.errstate(invalid='ignore'):
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore', RuntimeWarning)
                    med_r = nanmedian_channels(xr)        # [P,T]
                    med_i = nanmedian_channels(xi)
                    # CASA bug: median of (x - median), not of |x - median|
                    std_r = ROBUST * nanmedian_channels(xr - med_r[:, None, :])
                    std_i = ROBUST * nanmedian_channels(xi - med_i[:, None, :])
            med_r = np.where(has, med_r, 0.0); med_i = np.where(has, med_i, 0.0)
            std_r = np.where(has, std_r, 1000.0); std_i = np.where(has, std_i, 1000.0)
            dr = np.abs(re64 - med_r[:, None, :])
            di = np.abs(im64 - med_i[:, None, :])
            if scutoff <= 0:
                h = self.sh[fs]
                h[1] += 2 * good.sum(axis=(0, 2))
                h[0] += np.where(good, dr, 0.0).sum(axis=(0, 2)) + \
                    np.where(good, di, 0.0).sum(axis=(0, 2))
            if scutoff >= 0:
                whole = (std_r > self.smax) | (std_i > self.smax) | \
                        (std_r < self.smin) | (std_i < self.smin)        # [P,T]
                per = (dr > scutoff) | (di > scutoff)                   # [P,C,T]
                mask = np.where(whole[:, None, :], True, per)
                self._mark(bl, mask)

    def pass_intermediate(self, fs):
        if fs not in self.noise_map and not self.noise_p:
            h = self.nh.get(fs, [np.zeros(0), np.zeros(0)])
            self.noise_map[fs] = compute_threshold(h[0], h[1])
        if fs not in self.scutoff_map and not self.scutoff_p:
            h = self.sh.get(fs, [np.zeros(0), np.zeros(0)])
            self.scutoff_map[fs] = compute_threshold(h[0], h[1])

    def pass_final(self, fs):
        if fs not in self.user_noise:
            self.noise_map.pop(fs, None); self.nh.pop(fs, None)
        if fs not in self.user_scutoff:
            self.scutoff_map.pop(fs, None); self.sh.pop(fs, None)

    # getReport() for action='calculate'
    def report(self):
        for fs, h in self.nh.items():
            self.noise_map[fs] = compute_threshold(h[0], h[1])
        for fs, h in self.sh.items():
            self.scutoff_map[fs] = compute_threshold(h[0], h[1])
        out = {'type': 'list', 'nreport': 0}
        if self.noise_map or self.scutoff_map:
            rows = lambda m: [[int(f), int(s), float(m[(f, s)])] for (f, s) in sorted(m)]
            out['report0'] = {'type': 'rflag', 'name': 'Rflag',
                              'timedev': rows(self.noise_map),
                              'freqdev': rows(self.scutoff_map)}
            out['nreport'] = 1
        return out


def extend_flags(mod, nt, growtime=50.0, growfreq=80.0, extendpols=True):
    """FlagAgentExtension::computeAntennaPairFlags with rflag's extendflags settings.
    mod: bool [ncorr, nchan, nt] (modified flags of one baseline in one chunk), in place."""
    ncorr, nchan, _ = mod.shape
    acc_time = mod.sum(axis=1)          # [corr, t]   counted before any growing
    acc_freq = mod.sum(axis=2)          # [corr, chan]
    if growfreq > 0:
        full = (100.0 * acc_time / nchan) >= growfreq
        mod |= full[:, None, :]
    if growtime > 0:
        full = (100.0 * acc_freq / nt) >= growtime
        mod |= full[:, :, None]
    if extendpols:
        anyp = mod.any(axis=0)
        mod |= anyp[None, :, :]


# --------------------------------------------------------------------------------------
# MS reading and chunking (FlagDataHandler COMPLETE_SCAN_MAP_ANTENNA_PAIRS_ONLY / VI2)
# --------------------------------------------------------------------------------------
COLMAP = {'DATA': ['DATA'], 'CORRECTED': ['CORRECTED_DATA'], 'MODEL': ['MODEL_DATA'],
          'RESIDUAL': ['CORRECTED_DATA', 'MODEL_DATA'],
          'RESIDUAL_DATA': ['DATA', 'MODEL_DATA'], 'FLOAT_DATA': ['FLOAT_DATA'],
          'WEIGHT_SPECTRUM': ['WEIGHT_SPECTRUM']}


def read_vis(sub, datacolumn):
    cols = COLMAP[datacolumn]
    if datacolumn in ('FLOAT_DATA', 'WEIGHT_SPECTRUM'):
        v = sub.getcol(cols[0]).astype(np.float32)
        return v.astype(np.complex64)
    v = sub.getcol(cols[0]).astype(np.complex64)
    if len(cols) == 2:
        v = v - sub.getcol(cols[1]).astype(np.complex64)
    return v


def iter_chunks(keys, times, ntime, combinescans):
    """Yield arrays of row indices per chunk, in VI2 order."""
    obs, arr, scan, fld, ddid = keys
    cols = [times, ddid, fld] + ([] if combinescans else [scan]) + [arr, obs]
    order = np.lexsort(cols)                # stable: ties keep row-number order
    gk = np.stack([obs, arr] + ([] if combinescans else [scan]) + [fld, ddid], axis=1)[order]
    brk = np.nonzero(np.any(gk[1:] != gk[:-1], axis=1))[0] + 1
    for grp in np.split(order, brk):
        if ntime <= 0:
            yield grp
            continue
        t = times[grp]
        start = 0
        while start < len(grp):
            offset = t[start] - 0.01        # casacore MSInterval: offset = first time - 0.01
            stop = start
            while stop < len(grp) and math.floor((t[stop] - offset) / ntime) == 0:
                stop += 1
            yield grp[start:stop]
            start = stop


def run(args):
    ms = table(args.ms, ack=False, readonly=True)
    datacolumn = args.datacolumn.upper()
    if datacolumn not in COLMAP:
        raise SystemExit('unsupported datacolumn %s' % datacolumn)
    for c in COLMAP[datacolumn]:
        if c not in ms.colnames():
            raise SystemExit('Failed to parse parameters for mode rflag: column %s missing' % c)
    if args.winsize < 1:
        raise SystemExit('winsize must be >= 1 (CASA does not check; winsize=0 is undefined behaviour)')

    ddt = table(args.ms + '/DATA_DESCRIPTION', ack=False)
    dd_spw = ddt.getcol('SPECTRAL_WINDOW_ID'); dd_pol = ddt.getcol('POLARIZATION_ID')
    pt = table(args.ms + '/POLARIZATION', ack=False)
    corr_types = [list(pt.getcell('CORR_TYPE', i)) for i in range(pt.nrows())]
    all_names = []
    for ct in corr_types:
        for c in ct:
            n = STOKES.get(int(c))
            if n and (n == 'I' or n not in all_names):
                all_names.append(n)
    expr = build_expression(args.correlation, datacolumn, all_names)

    nrow = ms.nrows()
    obs = ms.getcol('OBSERVATION_ID'); arr = ms.getcol('ARRAY_ID')
    scan = ms.getcol('SCAN_NUMBER'); fld = ms.getcol('FIELD_ID')
    ddid = ms.getcol('DATA_DESC_ID'); times = ms.getcol('TIME')
    a1 = ms.getcol('ANTENNA1'); a2 = ms.getcol('ANTENNA2')
    sel = np.ones(nrow, dtype=bool)
    if args.field:
        sel &= np.isin(fld, [int(x) for x in args.field.split(',')])
    if args.spw:
        sel &= np.isin(dd_spw[ddid], [int(x) for x in args.spw.split(',')])
    selrows = np.nonzero(sel)[0]

    # per-DDID data cache: flags/vis indexed by MS row
    cache = {}

    def ddid_data(d):
        if d not in cache:
            rows = selrows[ddid[selrows] == d]
            sub = ms.selectrows(rows.tolist())
            flag = sub.getcol('FLAG')                  # [row, chan, corr]
            vis = read_vis(sub, datacolumn)
            pos = {int(r): i for i, r in enumerate(rows)}
            cache[d] = (rows, pos, flag, vis)
        return cache[d]

    chunks = list(iter_chunks((obs[selrows], arr[selrows], scan[selrows], fld[selrows],
                               ddid[selrows]), times[selrows], parse_ntime(args.ntime),
                              args.combinescans))
    chunks = [selrows[c] for c in chunks]

    def build_baselines(rows, d, workflag):
        """rows: MS rows of one chunk (time-sorted). Returns list of baseline dicts."""
        _, pos, flag, vis = ddid_data(d)
        ct = corr_types[dd_pol[d]]
        polmap = {}
        for i, c in enumerate(ct):
            n = STOKES.get(int(c))
            if n and n not in polmap:
                polmap[n] = i
        ok = check_vis_expression(expr, polmap)
        prods = select_products(expr, polmap) if ok else []
        pairs = {}
        for r in rows:
            pairs.setdefault((int(a1[r]), int(a2[r])), []).append(int(r))
        out = []
        for key in sorted(pairs):                       # std::map order
            brow = pairs[key]
            idx = np.array([pos[r] for r in brow])
            v = np.transpose(vis[idx], (2, 1, 0))       # [corr, chan, t]
            of = np.transpose(flag[idx], (2, 1, 0))
            mod = workflag[d][:, :, idx] if workflag is not None else None
            bl = {'rows': brow, 'idx': idx, 'modflag': mod, 'prods': prods}
            if prods:
                bl['pvis'] = np.stack([fn(v) for (_, _, fn) in prods]).astype(np.complex64)
                bl['pflag'] = np.stack([np.any(of[cs], axis=0) for (_, cs, _) in prods])
            out.append(bl)
        return out, bool(prods)

    # ---------------- calculate pass ----------------
    tdev_c = parse_dev(args.timedev, 'timedev', for_apply=False)
    fdev_c = parse_dev(args.freqdev, 'freqdev', for_apply=False)
    calc = RFlagAgent(False, tdev_c, fdev_c, args.timedevscale, args.freqdevscale,
                      args.winsize, args.spectralmax, args.spectralmin)
    for rows in chunks:
        d = int(ddid[rows[0]])
        bls, ok = build_baselines(rows, d, None)
        if ok:
            calc.process_chunk((int(fld[rows[0]]), int(dd_spw[d])), bls)
    result = calc.report()
    print(json.dumps(result))

    if not args.flags:
        return
    # ---------------- apply pass ----------------
    tdev_a = parse_dev(args.timedev, 'timedev', for_apply=True)
    fdev_a = parse_dev(args.freqdev, 'freqdev', for_apply=True)
    agent = RFlagAgent(True, tdev_a, fdev_a, args.timedevscale, args.freqdevscale,
                       args.winsize, args.spectralmax, args.spectralmin)
    # working flag cubes per DDID: [corr, chan, nrows_of_ddid]
    work, orig = {}, {}
    for d in np.unique(ddid[selrows]):
        d = int(d)
        _, _, flag, _ = ddid_data(d)
        orig[d] = np.transpose(flag, (2, 1, 0)).copy()
        work[d] = orig[d].copy()
    chunk_info = []
    for rows in chunks:
        d = int(ddid[rows[0]])
        fs = (int(fld[rows[0]]), int(dd_spw[d]))
        bls, ok = build_baselines(rows, d, work)
        # baseline cubes are fancy-indexed copies: write back after processing
        agent.last_used = None
        if ok:
            agent.process_chunk(fs, bls)
        for bl in bls:
            m = work[d][:, :, bl['idx']] | bl['modflag']
            if args.extendflags:
                extend_flags(m, len(bl['idx']))
            work[d][:, :, bl['idx']] = m
        info = {'obs': int(obs[rows[0]]), 'array': int(arr[rows[0]]),
                'scan': int(scan[rows[0]]), 'field': fs[0], 'ddid': d, 'spw': fs[1],
                'time_first': float(times[rows[0]]), 'time_last': float(times[rows[-1]]),
                'nrows': int(len(rows)), 'analysed': ok}
        if ok and agent.last_used is not None:
            info['time_threshold_used'] = agent.last_used[0]   # scaled; <0 => no flagging
            info['freq_threshold_used'] = agent.last_used[1]
        chunk_info.append(info)

    cells = []
    nafter = 0
    for d in sorted(work):
        rows = cache[d][0]
        new = work[d] & ~orig[d]
        nafter += int(work[d].sum())
        c, ch, r = np.nonzero(new)
        if len(r):
            cells.append(np.stack([rows[r], c, ch], axis=1))
    cells = np.concatenate(cells) if cells else np.zeros((0, 3), dtype=np.int64)
    cells = cells.astype(np.int64)
    if len(cells):
        cells = cells[np.lexsort((cells[:, 2], cells[:, 1], cells[:, 0]))]
    if args.flags.endswith('.npy'):
        np.save(args.flags, cells)
    else:
        params = {k: getattr(args, k) for k in
                  ('datacolumn', 'winsize', 'timedevscale', 'freqdevscale', 'spectralmax',
                   'spectralmin', 'timedev', 'freqdev', 'ntime', 'combinescans',
                   'correlation', 'extendflags', 'field', 'spw')}
        params['expression'] = expr
        with open(args.flags, 'w') as fh:
            json.dump({'format': 'rflag-reference-flags/1', 'ms': os.path.abspath(args.ms),
                       'params': params, 'n_new_flags': int(len(cells)),
                       'n_flagged_after': nafter, 'cells': cells.tolist(),
                       'chunks': chunk_info}, fh)
    sys.stderr.write('rflag_reference: %d new flagged cells written to %s\n'
                     % (len(cells), args.flags))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ms')
    ap.add_argument('--datacolumn', default='DATA')
    ap.add_argument('--winsize', type=int, default=3)
    ap.add_argument('--timedevscale', type=float, default=5.0)
    ap.add_argument('--freqdevscale', type=float, default=5.0)
    ap.add_argument('--spectralmax', type=float, default=1e6)
    ap.add_argument('--spectralmin', type=float, default=0.0)
    ap.add_argument('--timedev', default=None)
    ap.add_argument('--freqdev', default=None)
    ap.add_argument('--ntime', default='scan')
    ap.add_argument('--combinescans', action='store_true')
    ap.add_argument('--correlation', default=None,
                    help="flagdata 'correlation' ('' or unset = ABS_ALL)")
    ap.add_argument('--no-extendflags', dest='extendflags', action='store_false')
    ap.add_argument('--field', default=None, help='comma-separated FIELD_IDs')
    ap.add_argument('--spw', default=None, help='comma-separated spw ids')
    ap.add_argument('--flags', default=None)
    args = ap.parse_args(argv)
    if args.correlation == '':
        args.correlation = None      # the task does not pass an empty correlation
    run(args)


if __name__ == '__main__':
    main()
