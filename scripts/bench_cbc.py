"""Synthetic InVEST Coastal Blue Carbon case for scripts/bench_cbc.sh, and the plain GDAL I/O floor.

  bench_cbc.py generate DIR SIZE   writes DIR/lulc_2000.tif, lulc_2010.tif, lulc_2020.tif (uint8 landcover,
                                    SIZE x SIZE, 30 m, UTM 50N), snapshots.csv, biophysical.csv, transitions.csv,
                                    prices.csv and args.json (analysis year 2030, valuation with the price table).
  bench_cbc.py floor DIR OUT N      reads the three snapshots block by block and writes N float32 GeoTIFFs of the
                                    same size (tiled, DEFLATE level 1, predictor 3, as the tool writes its outputs):
                                    the I/O a CBC run cannot avoid, without any model arithmetic.
Deterministic (fixed seed). Runs as /usr/bin/python3 with Debian's python3-gdal and python3-numpy.
"""
import json
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

MANGROVE, MARSH, SEAGRASS, POND, DEVELOPED, WATER = 1, 2, 3, 4, 5, 6
NAMES = {MANGROVE: "mangrove", MARSH: "salt marsh", SEAGRASS: "seagrass", POND: "pond", DEVELOPED: "developed",
         WATER: "open water"}
BLOCK = 512


def patches(rng, size, cell, values, weights):
    """A landscape of square patches of `cell` pixels, classes drawn with the given weights."""
    n = (size + cell - 1) // cell
    coarse = rng.choice(values, size=(n, n), p=weights).astype(np.uint8)
    return np.kron(coarse, np.ones((cell, cell), dtype=np.uint8))[:size, :size]


def write_lulc(path, array):
    size = array.shape[0]
    ds = gdal.GetDriverByName("GTiff").Create(path, size, size, 1, gdal.GDT_Byte,
                                               ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform((400000.0, 30.0, 0.0, 2500000.0, 0.0, -30.0))
    ds.SetProjection("EPSG:32650")
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(255)
    band.WriteArray(array)
    ds = None


def generate(out, size):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20300101)
    y2000 = patches(rng, size, 16, [MANGROVE, MARSH, SEAGRASS, POND, DEVELOPED, WATER],
                    [0.3, 0.15, 0.1, 0.2, 0.1, 0.15])
    y2000[:8, :8] = 255  # a nodata corner
    # 2010: a quarter of the mangrove becomes ponds, some marsh is developed.
    change = patches(rng, size, 8, [0, 1], [0.75, 0.25])
    y2010 = y2000.copy()
    y2010[(y2000 == MANGROVE) & (change == 1)] = POND
    y2010[(y2000 == MARSH) & (change == 1)] = DEVELOPED
    # 2020: half of the ponds are restored to mangrove.
    restore = patches(rng, size, 8, [0, 1], [0.5, 0.5])
    y2020 = y2010.copy()
    y2020[(y2010 == POND) & (restore == 1)] = MANGROVE
    for year, array in ((2000, y2000), (2010, y2010), (2020, y2020)):
        write_lulc(os.path.join(out, f"lulc_{year}.tif"), array)
    with open(os.path.join(out, "snapshots.csv"), "w") as f:
        f.write("snapshot_year,raster_path\n2020,lulc_2020.tif\n2000,lulc_2000.tif\n2010,lulc_2010.tif\n")
    # Mg CO2e/ha; half-lives in years; disturbance fractions low/med/high.
    rows = [
        (MANGROVE, 280, 1100, 20, 15, 0.5, 0.5, 0.8, 8.0, 7.5, 0.3, 0.5, 0.66, 6.0, 0.5),
        (MARSH, 30, 950, 5, 15, 0.5, 0.5, 0.8, 2.0, 7.5, 0.3, 0.5, 0.66, 5.5, 0.3),
        (SEAGRASS, 5, 500, 0, 1, 0.5, 0.5, 0.8, 0.5, 1, 0.3, 0.5, 0.66, 1.6, 0),
        (POND, 0, 300, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
        (DEVELOPED, 0, 100, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
        (WATER, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    ]
    with open(os.path.join(out, "biophysical.csv"), "w") as f:
        f.write("lucode,lulc-class,biomass-initial,soil-initial,litter-initial,biomass-half-life,"
                "biomass-low-impact-disturb,biomass-med-impact-disturb,biomass-high-impact-disturb,"
                "biomass-yearly-accumulation,soil-half-life,soil-low-impact-disturb,soil-med-impact-disturb,"
                "soil-high-impact-disturb,soil-yearly-accumulation,litter-yearly-accumulation\n")
        for r in rows:
            f.write(f"{r[0]},{NAMES[r[0]]}," + ",".join(str(v) for v in r[1:]) + "\n")
    habitats = {MANGROVE, MARSH, SEAGRASS}
    classes = [MANGROVE, MARSH, SEAGRASS, POND, DEVELOPED, WATER]
    with open(os.path.join(out, "transitions.csv"), "w") as f:
        f.write("lulc-class," + ",".join(NAMES[c] for c in classes) + "\n")
        for a in classes:
            cells = []
            for b in classes:
                if b in habitats:
                    cells.append("accum")
                elif a in habitats:
                    cells.append("high-impact-disturb" if b == DEVELOPED else "med-impact-disturb")
                else:
                    cells.append("NCC")
            f.write(NAMES[a] + "," + ",".join(cells) + "\n")
        f.write(",,,,,,\nlegend,,,,,,\n")
    with open(os.path.join(out, "prices.csv"), "w") as f:
        f.write("year,price\n")
        for year in range(2000, 2031):
            f.write(f"{year},{10 * 1.03 ** (year - 2000):.4f}\n")
    args = {"workspace_dir": "workspace", "results_suffix": "", "landcover_snapshot_csv": "snapshots.csv",
            "biophysical_table_path": "biophysical.csv", "landcover_transitions_table": "transitions.csv",
            "analysis_year": 2030, "do_economic_analysis": True, "use_price_table": True,
            "price_table_path": "prices.csv", "discount_rate": 2}
    with open(os.path.join(out, "args.json"), "w") as f:
        json.dump({"model_name": "natcap.invest.coastal_blue_carbon.coastal_blue_carbon", "args": args}, f, indent=2)


def floor(src, out, n):
    os.makedirs(out, exist_ok=True)
    inputs = [gdal.Open(os.path.join(src, f"lulc_{y}.tif")) for y in (2000, 2010, 2020)]
    size_x, size_y = inputs[0].RasterXSize, inputs[0].RasterYSize
    driver = gdal.GetDriverByName("GTiff")
    opts = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=3"]
    outputs = []
    for i in range(n):
        ds = driver.Create(os.path.join(out, f"floor_{i}.tif"), size_x, size_y, 1, gdal.GDT_Float32, opts)
        ds.SetGeoTransform(inputs[0].GetGeoTransform())
        ds.SetProjection(inputs[0].GetProjection())
        ds.GetRasterBand(1).SetNoDataValue(float(np.finfo(np.float32).min))
        outputs.append(ds)
    for yoff in range(0, size_y, BLOCK):
        for xoff in range(0, size_x, BLOCK):
            w, h = min(BLOCK, size_x - xoff), min(BLOCK, size_y - yoff)
            arrays = [ds.GetRasterBand(1).ReadAsArray(xoff, yoff, w, h) for ds in inputs]
            value = arrays[0].astype(np.float32)
            for ds in outputs:
                ds.GetRasterBand(1).WriteArray(value, xoff, yoff)
    outputs = None


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "floor":
        floor(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
