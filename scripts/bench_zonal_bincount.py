#!/usr/bin/python3
"""Zonal count, sum and mean by pixel centres, the weaker method `bluecarbon zonal` is benchmarked against
(scripts/bench_zonal.sh): GDAL rasterizes each polygon's row number into strips of a label raster (a cell belongs
to a polygon when its centre is inside), numpy's bincount sums the raster's valid values per label. Partial
cells are all or nothing, so its figures differ from the exact ones by the cells along the boundaries.

  bench_zonal_bincount.py --raster FILE --polygons FILE --id FIELD --out OUT.csv [--strip ROWS]
"""
import argparse
import csv

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raster", required=True)
    ap.add_argument("--polygons", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--strip", type=int, default=512, help="rows rasterized at a time (bounds memory)")
    a = ap.parse_args()

    ds = gdal.Open(a.raster)
    band = ds.GetRasterBand(1)
    nodata = band.GetNoDataValue()
    gt = ds.GetGeoTransform()
    width, height = ds.RasterXSize, ds.RasterYSize

    # The polygons with their row number (1-based) as the value to burn.
    src = ogr.Open(a.polygons)
    layer = src.GetLayer(0)
    mem = ogr.GetDriverByName("Memory").CreateDataSource("labels")
    labels = mem.CreateLayer("labels", srs=layer.GetSpatialRef(), geom_type=ogr.wkbMultiPolygon)
    labels.CreateField(ogr.FieldDefn("label", ogr.OFTInteger))
    ids = []
    for i, f in enumerate(layer):
        ids.append(f.GetField(a.id))
        g = ogr.Feature(labels.GetLayerDefn())
        g.SetField("label", i + 1)
        g.SetGeometry(f.GetGeometryRef())
        labels.CreateFeature(g)
    n = len(ids)

    sums = np.zeros(n + 1)
    counts = np.zeros(n + 1, dtype=np.int64)
    for y0 in range(0, height, a.strip):
        h = min(a.strip, height - y0)
        strip = gdal.GetDriverByName("MEM").Create("", width, h, 1, gdal.GDT_Int32)
        strip.SetGeoTransform((gt[0], gt[1], gt[2], gt[3] + y0 * gt[5], gt[4], gt[5]))
        strip.SetProjection(ds.GetProjection())
        gdal.RasterizeLayer(strip, [1], labels, options=["ATTRIBUTE=label"])
        lab = strip.GetRasterBand(1).ReadAsArray()
        val = band.ReadAsArray(0, y0, width, h).astype(np.float64)
        ok = (lab > 0) & np.isfinite(val)
        if nodata is not None:
            ok &= val != nodata
        sums += np.bincount(lab[ok], weights=val[ok], minlength=n + 1)
        counts += np.bincount(lab[ok], minlength=n + 1)

    with open(a.out, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow([a.id, "count", "sum", "mean"])
        for i in range(n):
            c = counts[i + 1]
            w.writerow([ids[i], c, repr(sums[i + 1]), repr(sums[i + 1] / c) if c else ""])


if __name__ == "__main__":
    main()
