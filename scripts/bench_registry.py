#!/usr/bin/python3
"""Synthetic credited project for scripts/bench_registry.sh: N square parcels of 100 m in a grid, each touching its
neighbours (so every issuance's R*Tree query finds up to 8 candidates and GEOS computes their exact, zero, overlap),
with parcels.gpkg and credits.csv as the parcels and credits steps write them, and a project.toml with [certify].

    bench_registry.py DIR N
"""
import math
import os
import sys

from osgeo import ogr, osr

ogr.UseExceptions()


def main():
    out_dir, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out_dir, "out"), exist_ok=True)
    with open(os.path.join(out_dir, "refl.tif"), "w") as f:
        f.write("stand-in input (hashed only)\n")
    with open(os.path.join(out_dir, "project.toml"), "w") as f:
        f.write('[project]\nclimate_zone = "subtropical"\noutput = "out"\n'
                '[inputs.reflectance]\npath = "refl.tif"\nbands = { red = 2, nir = 3 }\n'
                '[habitat]\nmap = "refl.tif"\n[habitat.classes]\n1 = "water"\n2 = "mangrove"\n'
                '[certify]\nproject_id = "BENCH"\nkey = "keys/signing.key"\nassessment_date = 2025-06-30\n')
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32651)
    path = os.path.join(out_dir, "out", "parcels.gpkg")
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("parcels", srs, ogr.wkbMultiPolygon)
    layer.CreateField(ogr.FieldDefn("parcel_id", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("owner", ogr.OFTString))
    # The parcels step's columns in its order (parcels_job.cpp parcel_columns), the per-pool 90 % half-widths too:
    # certify puts each pool's interval into the certificate from them.
    reals = ["area_m2", "area_planar_m2", "ha_mangrove", "stock_agb_mg_c", "stock_bgb_mg_c", "stock_dead_mg_c",
             "stock_soc_mg_c", "stock_total_mg_c", "stock_total_mg_co2e", "stock_total_ci90_mg_c",
             "stock_agb_ci90_mg_c", "stock_bgb_ci90_mg_c", "stock_dead_ci90_mg_c", "stock_soc_ci90_mg_c", "tidal_share"]
    for name in reals:
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTReal))
    layer.CreateField(ogr.FieldDefn("eligible", ogr.OFTInteger))
    layer.CreateField(ogr.FieldDefn("reasons", ogr.OFTString))
    side = math.ceil(math.sqrt(n))
    rows = ["parcel_id,profile,profile_version,vintage_start,vintage_end,baseline_t_co2e,project_t_co2e,"
            "leakage_t_co2e,ner_t_co2e,uncertainty_pct,adjusted_ner_t_co2e,buffer_t_co2e,credits_t_co2e,"
            "carried_t_co2e,value,excluded_reason"]
    layer.StartTransaction()
    for i in range(n):
        x0, y0 = 390000 + 100 * (i % side), 3260000 + 100 * (i // side)
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in [(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 100), (x0, y0 + 100), (x0, y0)]:
            ring.AddPoint_2D(x, y)
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(ring)
        multi = ogr.Geometry(ogr.wkbMultiPolygon)
        multi.AddGeometry(poly)
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(multi)
        pid = "P%05d" % i
        feature["parcel_id"] = pid
        feature["owner"] = "owner %d" % (i % 97)
        stock = 50.0 + i % 13
        values = [10000.0, 10000.0, 1.0, stock * 0.3, stock * 0.1, 1.0, stock * 0.6 - 1.0, stock, stock * 44 / 12,
                  stock * 0.2, stock * 0.12, stock * 0.05, 0.3, stock * 0.15, 1.0]
        for name, v in zip(reals, values, strict=True):
            feature[name] = v
        feature["eligible"] = 1
        feature["reasons"] = ""
        layer.CreateFeature(feature)
        credits = 1 + i % 50
        ner = credits + 0.25
        rows.append(f"{pid},VM0033,2.1,2024,2025,0,{-ner},0,{ner},10,{ner},0.25,{credits},0,{credits * 106},")
    layer.CommitTransaction()
    ds = None
    with open(os.path.join(out_dir, "out", "credits.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
