#!/usr/bin/python3
"""The numpy + GDAL pipeline `scripts/bench_stock.sh` times against `bluecarbon stock`: the same arithmetic.

Reads reflectance.tif (uint16 DN x 1e-4) and dem.tif (ellipsoidal heights) in row strips; NDVI, MNDWI, MVI;
the geoid undulation warped (bilinear) from the same EGM96 grid onto the scene grid with GDAL; tidal zones from
the datums; Otsu's threshold of MVI over the whole scene (first pass, np.histogram with the tool's 1/1024 bins);
the same rules, first match wins; Tier-1 pools by lookup; six float32 + one uint8 DEFLATE-tiled GeoTIFFs, then
COGs with overviews (gdal.Translate, format COG). Only /usr/bin/python3 with python3-gdal and python3-numpy.
usage: bench_stock.py SCENE_DIR OUT_DIR GEOID_GRID
"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
scene, out, geoid_grid = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
refl = gdal.Open(os.path.join(scene, "reflectance.tif"))
dem = gdal.Open(os.path.join(scene, "dem.tif"))
W, H = refl.RasterXSize, refl.RasterYSize
STRIP = 512
MLLW, HAT = -2.3, 3.0

# Geoid undulation on the scene grid (bilinear), as a VRT: nothing is materialised beyond a strip.
gt = refl.GetGeoTransform()
geoid = gdal.Warp("/vsimem/geoid.vrt", geoid_grid, format="VRT", dstSRS=refl.GetProjection(),
                  outputBounds=(gt[0], gt[3] + H * gt[5], gt[0] + W * gt[1], gt[3]), width=W, height=H,
                  resampleAlg="bilinear")


def strip(y, h):
    b = [refl.GetRasterBand(i + 1).ReadAsArray(0, y, W, h).astype(np.float32) * np.float32(1e-4) for i in range(4)]
    ok = (b[0] > 0) & (b[1] > 0) & (b[2] > 0) & (b[3] > 0)
    g, r, n, s = b
    with np.errstate(divide="ignore", invalid="ignore"):
        ndvi = (n - r) / (n + r)
        mndwi = (g - s) / (g + s)
        mvi = (n - g) / (s - g)
    return ok, ndvi, mndwi, mvi


# Pass 1: Otsu of MVI on bins of 1/1024 over [-64, 64).
counts = np.zeros(128 * 1024, dtype=np.int64)
for y in range(0, H, STRIP):
    h = min(STRIP, H - y)
    ok, ndvi, mndwi, mvi = strip(y, h)
    v = mvi[ok & np.isfinite(mvi)]
    k = np.clip(np.floor(v.astype(np.float64) * 1024) + 65536, 0, counts.size - 1).astype(np.int64)
    counts += np.bincount(k, minlength=counts.size)
nz = np.nonzero(counts)[0]
c = counts[nz[0]:nz[-1] + 1].astype(np.float64)
centers = -64 + (np.arange(nz[0], nz[-1] + 1) + 0.5) / 1024
n0 = np.cumsum(c)[:-1]
s0 = np.cumsum(c * centers)[:-1]
n1 = c.sum() - n0
with np.errstate(divide="ignore", invalid="ignore"):
    between = n0 * n1 * (s0 / n0 - (np.sum(c * centers) - s0) / n1) ** 2
between[~np.isfinite(between)] = -1
otsu = -64 + (nz[0] + int(np.argmax(between)) + 1) / 1024
print(f"otsu(mvi) = {otsu}", file=sys.stderr)

# Tier-1 densities (Mg C/ha) by habitat code 1..8, subtropical, mineral soil (data/tier1_pools.csv).
agb = np.zeros(256, np.float32); bgb = np.zeros(256, np.float32); dead = np.zeros(256, np.float32)
soc = np.zeros(256, np.float32); unc = np.zeros(256, np.float32)
agb[5], bgb[5], dead[5], soc[5] = 33.75, 32.4, 11.4, 386.0
agb[7], bgb[7], soc[7] = 84.6, 21.996, 88.0
soc[4], soc[2] = 255.0, 108.0
unc[5], unc[7], unc[4], unc[2] = 80.0, 60.0, 106.0, 14.0
total = agb + bgb + dead + soc

drv = gdal.GetDriverByName("GTiff")
opts = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2", "BIGTIFF=IF_SAFER"]
names = ["stock_agb", "stock_bgb", "stock_dead", "stock_soc", "stock_total", "uncertainty"]
luts = [agb, bgb, dead, soc, total, unc]
tmp = {}
for nme in names:
    d = drv.Create(f"/vsimem/{nme}.tif" if False else os.path.join(out, nme + ".tmp.tif"), W, H, 1, gdal.GDT_Float32, opts)
    d.SetGeoTransform(gt); d.SetProjection(refl.GetProjection()); d.GetRasterBand(1).SetNoDataValue(-9999)
    tmp[nme] = d
hab_ds = drv.Create(os.path.join(out, "habitat.tmp.tif"), W, H, 1, gdal.GDT_Byte, opts[:-2] + ["COMPRESS=DEFLATE"])
hab_ds.SetGeoTransform(gt); hab_ds.SetProjection(refl.GetProjection()); hab_ds.GetRasterBand(1).SetNoDataValue(255)

# Pass 2: rules, pools, writes.
for y in range(0, H, STRIP):
    h = min(STRIP, H - y)
    ok, ndvi, mndwi, mvi = strip(y, h)
    elev = dem.GetRasterBand(1).ReadAsArray(0, y, W, h).astype(np.float32)
    dem_ok = elev != -9999
    elev = elev - geoid.GetRasterBand(1).ReadAsArray(0, y, W, h).astype(np.float32)
    sub, inter, supra = dem_ok & (elev < MLLW), dem_ok & (elev >= MLLW) & (elev <= HAT), dem_ok & (elev > HAT)
    fin = np.isfinite
    hab = np.full((h, W), 8, np.uint8)
    done = np.zeros((h, W), bool)
    for code, cond in ((6, fin(mndwi) & (mndwi > 0.3) & supra),
                       (5, fin(mvi) & fin(ndvi) & (mvi > otsu) & (ndvi > 0.5) & inter),
                       (4, fin(ndvi) & (ndvi > 0.3) & inter),
                       (2, fin(mndwi) & fin(ndvi) & (mndwi > 0.2) & (ndvi > 0.05) & inter),
                       (3, inter),
                       (1, sub | (fin(ndvi) & (ndvi < 0))),
                       (7, fin(ndvi) & (ndvi > 0.6) & supra)):
        sel = cond & ~done
        hab[sel] = code
        done |= sel
    valid = ok & dem_ok
    hab[~valid] = 255
    hab_ds.GetRasterBand(1).WriteArray(hab, 0, y)
    for nme, lut in zip(names, luts):
        a = lut[hab]
        a[~valid] = -9999
        tmp[nme].GetRasterBand(1).WriteArray(a, 0, y)

for nme in names + ["habitat"]:
    d = tmp.pop(nme) if nme in tmp else hab_ds
    d.FlushCache()
    d = None
hab_ds = None
for nme in names + ["habitat"]:
    src = os.path.join(out, nme + ".tmp.tif")
    gdal.Translate(os.path.join(out, nme + ".tif"), src, format="COG",
                   creationOptions=["COMPRESS=DEFLATE", "PREDICTOR=YES" if nme != "habitat" else "PREDICTOR=NO",
                                    "RESAMPLING=" + ("NEAREST" if nme == "habitat" else "AVERAGE"), "NUM_THREADS=1"])
    os.remove(src)
