"""An independent re-computation of InVEST Coastal Blue Carbon 3.x, to check `bluecarbon invest cbc` by a second
method. It follows InVEST's own structure (coastal_blue_carbon.py): whole float32 rasters per pool and per year,
reclassified from the landcover maps, stocks carried year by year, InVEST's nodata rule per operation (a sum of
rasters is nodata only where all terms are; products where any factor is). bluecarbon instead runs a per-pixel
state machine in double precision; the two agree to float32 rounding.

  invest_cbc_reference.py compare ARGS.json [--rtol 1e-5]
      reads InVEST's inputs named by ARGS.json (paths relative to it), recomputes every output and compares it
      with workspace_dir/output/*.tif written by `bluecarbon invest cbc`. Exit 0 when every output matches
      (same nodata pixels, values within rtol relative or 1e-3 absolute), 1 otherwise.
Runs as /usr/bin/python3 with Debian's python3-gdal and python3-numpy (inputs are small: arrays held whole).
"""
import csv
import json
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
F32 = np.float32


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for r in rows[1:]:
        if not any(c.strip() for c in r):
            break  # InVEST stops at the first blank row
        out.append({h: c.strip() for h, c in zip(header, r)})
    return header, out


def load(args_path):
    base = os.path.dirname(os.path.abspath(args_path))
    doc = json.load(open(args_path))
    args = doc.get("args", doc)
    p = lambda k: os.path.join(base, args[k])
    _, snaps = read_table(p("landcover_snapshot_csv"))
    snap_dir = os.path.dirname(p("landcover_snapshot_csv"))
    lulc = {}
    for s in snaps:
        ds = gdal.Open(os.path.join(snap_dir, s["raster_path"]))
        band = ds.GetRasterBand(1)
        a = band.ReadAsArray().astype(np.int64)
        nd = band.GetNoDataValue()
        lulc[int(s["snapshot_year"])] = (a, (a == nd) if nd is not None else np.zeros(a.shape, bool))
    _, bio_rows = read_table(p("biophysical_table_path"))
    bio = {}
    for r in bio_rows:
        code = int(float(r.get("lucode", r.get("code"))))
        bio[code] = {k: (float(v) if k != "lulc-class" else v) for k, v in r.items() if k not in ("lucode", "code")}
    header, tr_rows = read_table(p("landcover_transitions_table"))
    by_name = {v["lulc-class"].strip().lower(): c for c, v in bio.items()}
    disturb = {"biomass": {}, "soil": {}}
    accum = {"biomass": {}, "soil": {}}
    for r in tr_rows:
        a = by_name[r["lulc-class"].lower()]
        for h in header[1:]:
            cell = r[h]
            b = by_name[h]
            if cell.endswith("disturb"):
                for pool in ("biomass", "soil"):
                    disturb[pool][(a, b)] = bio[a][f"{pool}-{cell}"]
            elif cell == "accum":
                for pool in ("biomass", "soil"):
                    accum[pool][(a, b)] = bio[b][f"{pool}-yearly-accumulation"]
    analysis = int(args["analysis_year"]) if str(args.get("analysis_year", "")).strip() else max(lulc)
    prices = None
    discount = None
    if args.get("do_economic_analysis"):
        if args.get("use_price_table"):
            _, pr = read_table(p("price_table_path"))
            prices = {int(float(r["year"])): float(r["price"]) for r in pr}
        else:
            infl = float(args["inflation_rate"]) * 0.01
            prices = {y: float(args["price"]) * (1 + infl) ** (y - min(lulc)) for y in range(min(lulc), analysis + 1)}
        discount = float(args["discount_rate"]) * 0.01
    suffix = args.get("results_suffix", "") or ""
    if suffix and not suffix.startswith("_"):
        suffix = "_" + suffix
    out_dir = os.path.join(base, args["workspace_dir"], "output")
    return lulc, bio, disturb, accum, analysis, prices, discount, out_dir, suffix


def reclass(lulc_pair, bio, key):
    a, nd = lulc_pair
    out = np.full(a.shape, np.nan, F32)
    for code, row in bio.items():
        out[(a == code) & ~nd] = row[key]
    return out


def reclass_pair(frm, to, table):
    (a, nda), (b, ndb) = frm, to
    out = np.zeros(a.shape, F32)
    for (x, y), v in table.items():
        out[(a == x) & (b == y)] = v
    out[nda | ndb] = np.nan
    return out


def sum_n(*arrays):
    """InVEST's _sum_n_rasters: nodata only where every term is."""
    s = np.zeros(arrays[0].shape, F32)
    touched = np.zeros(arrays[0].shape, bool)
    for a in arrays:
        v = ~np.isnan(a)
        s[v] += a[v]
        touched |= v
    s[~touched] = np.nan
    return s


def all_valid_sum(*arrays):
    s = np.zeros(arrays[0].shape, F32)
    for a in arrays:
        s = s + a  # NaN propagates: nodata where any term is
    return s


def compute(lulc, bio, disturb, accum, analysis, prices, discount):
    years = sorted(lulc)
    b = years[0]
    trans = years[1:]
    end0 = trans[0] if trans else analysis
    out = {}
    rate0 = {pool: reclass(lulc[b], bio, f"{pool}-yearly-accumulation") for pool in ("biomass", "soil", "litter")}
    init = {pool: reclass(lulc[b], bio, f"{pool}-initial") for pool in ("biomass", "soil")}
    out[f"carbon-stock-at-{b}"] = sum_n(init["soil"], init["biomass"], rate0["litter"])
    acc0 = all_valid_sum(rate0["biomass"], rate0["soil"], rate0["litter"]) * F32(end0 - b)
    out[f"carbon-accumulation-between-{b}-and-{end0}"] = acc0
    out[f"total-net-carbon-sequestration-between-{b}-and-{end0}"] = acc0
    period_net = {end0: acc0}
    stock = {pool: init[pool] + rate0[pool] * F32(end0 - 1 - b) for pool in ("biomass", "soil")}
    if not trans:
        stock = {pool: stock[pool] + rate0[pool] for pool in stock}
        out[f"carbon-stock-at-{analysis}"] = sum_n(stock["soil"], stock["biomass"], rate0["litter"])
    else:
        net_prev = {pool: rate0[pool] for pool in ("biomass", "soil")}
        vol = {pool: None for pool in ("biomass", "soil")}
        when = {pool: None for pool in ("biomass", "soil")}
        periods = trans + [analysis] if analysis > trans[-1] else trans
        cur = None
        emis_acc, net_acc = [], []
        for y in range(trans[0], analysis + 1):
            if y in trans:
                prev = years[years.index(y) - 1]
                cur = y
                half = {pool: reclass(lulc[prev], bio, f"{pool}-half-life") for pool in ("biomass", "soil")}
                rate = {pool: reclass_pair(lulc[prev], lulc[y], accum[pool]) for pool in ("biomass", "soil")}
                litter = reclass(lulc[y], bio, "litter-yearly-accumulation")
                mag = {pool: reclass_pair(lulc[prev], lulc[y], disturb[pool]) for pool in ("biomass", "soil")}
            for pool in ("biomass", "soil"):
                stock[pool] = sum_n(stock[pool], net_prev[pool])
            if y in trans:
                for pool in ("biomass", "soil"):
                    m = mag[pool]
                    v = np.where(np.isnan(m), np.nan, F32(0)).astype(F32)
                    w = np.full(m.shape, -1, np.int64)
                    if when[pool] is not None:
                        seen = when[pool] >= 0
                        v[seen] = vol[pool][seen]
                        w[seen] = when[pool][seen]
                    hit = ~np.isnan(m) & ~np.isclose(np.nan_to_num(m), 0) & ~np.isnan(stock[pool])
                    v[hit] = m[hit] * stock[pool][hit]
                    w[hit] = y
                    vol[pool], when[pool] = v, w
                out_stock_litter = litter
                if y == trans[0] or y in trans:
                    out[f"carbon-stock-at-{y}"] = sum_n(stock["soil"], stock["biomass"], litter)
            if y == analysis:
                if analysis not in trans:
                    out[f"carbon-stock-at-{y}"] = sum_n(stock["soil"], stock["biomass"], litter)
                break
            year_emis, year_net = [], []
            for pool in ("biomass", "soil"):
                h = half[pool]
                e = np.full(h.shape, np.nan, F32)
                zero = np.isclose(np.nan_to_num(h, nan=-1.0), 0.0)
                ok = ~np.isnan(vol[pool]) & (when[pool] >= 0) & ~zero
                hh = np.where(np.isnan(h), F32(np.finfo(F32).min), h)
                age = (y - when[pool]).astype(np.float64)
                e[ok] = (vol[pool][ok] * (0.5 ** (age[ok] / hh[ok]) - 0.5 ** ((age[ok] + 1) / hh[ok]))).astype(F32)
                e[zero] = 0
                n = np.zeros(h.shape, F32)
                acc_ok = ~np.isnan(rate[pool])
                n[acc_ok] += rate[pool][acc_ok]
                em_ok = ~np.isnan(e) & ~np.isclose(np.nan_to_num(e), 0.0)
                n[em_ok] = -e[em_ok]
                n[~(acc_ok | em_ok)] = np.nan
                net_prev[pool] = n
                year_emis.append(e)
                year_net.append(n)
            emis_acc += year_emis
            net_acc += year_net
            if y + 1 in periods:
                nxt = y + 1
                out[f"carbon-emissions-between-{cur}-and-{nxt}"] = sum_n(*emis_acc)
                s = sum_n(*net_acc)
                out[f"total-net-carbon-sequestration-between-{cur}-and-{nxt}"] = s
                period_net[nxt] = s
                out[f"carbon-accumulation-between-{cur}-and-{nxt}"] = (
                    all_valid_sum(rate["biomass"], rate["soil"], litter) * F32(nxt - cur))
                emis_acc, net_acc = [], []
    if trans:  # InVEST writes the all-years total only in its transition analysis
        out["total-net-carbon-sequestration"] = sum_n(*period_net.values())
    if prices is not None:
        for target in sorted(period_net):
            factor = sum(prices[t] / (1 + discount) ** i for i, t in enumerate(range(b, target)))
            terms = [a for yr, a in period_net.items() if yr <= target]
            out[f"net-present-value-at-{target}"] = all_valid_sum(*terms) * F32(factor)
    return out


def read_output(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray().astype(F32)
    nd = band.GetNoDataValue()
    if nd is not None:
        a[a == F32(nd)] = np.nan
    return a


def compare(args_path, rtol):
    lulc, bio, disturb, accum, analysis, prices, discount, out_dir, suffix = load(args_path)
    expected = compute(lulc, bio, disturb, accum, analysis, prices, discount)
    written = sorted(f for f in os.listdir(out_dir) if f.endswith(".tif"))
    names = sorted(f"{k}{suffix}.tif" for k in expected)
    ok = True
    if written != names:
        print("outputs differ:\n  expected " + " ".join(names) + "\n  written  " + " ".join(written))
        ok = False
    for name, exp in sorted(expected.items()):
        path = os.path.join(out_dir, f"{name}{suffix}.tif")
        if not os.path.exists(path):
            continue
        got = read_output(path)
        nodata_diff = int(np.count_nonzero(np.isnan(got) != np.isnan(exp)))
        both = ~np.isnan(got) & ~np.isnan(exp)
        diff = np.abs(got[both].astype(np.float64) - exp[both].astype(np.float64))
        tol = np.maximum(rtol * np.abs(exp[both].astype(np.float64)), 1e-3)
        bad = int(np.count_nonzero(diff > tol))
        worst = float(diff.max()) if diff.size else 0.0
        status = "ok" if nodata_diff == 0 and bad == 0 else "MISMATCH"
        ok = ok and status == "ok"
        print(f"{status:8} {name}: {int(both.sum())} valid, nodata differs at {nodata_diff}, "
              f"{bad} beyond tolerance, largest difference {worst:.3g}")
    return ok


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "compare":
        rtol = float(sys.argv[sys.argv.index("--rtol") + 1]) if "--rtol" in sys.argv else 1e-5
        sys.exit(0 if compare(sys.argv[2], rtol) else 1)
    sys.exit(__doc__)
