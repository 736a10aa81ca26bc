#!/usr/bin/python3
"""Times `bluecarbon indices` NDVI against gdal_calc.py computing the same NDVI (the plain expression), and with
`--compress none` against rasterio + numpy on 2 threads; writes the figures as JSON.

Called by scripts/bench.sh after it has built the tool and written the synthetic scenes; uses only Debian's
python3-gdal, python3-numpy and python3-rasterio. Each command runs under GNU time (/usr/bin/time -f "%e %M"): wall seconds and
peak resident set size (KiB). Figures are medians over --runs runs.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

from osgeo import gdal
import numpy as np

gdal.UseExceptions()

# The same output options on both sides, those `bluecarbon indices` writes its products with: float32, DEFLATE
# level 1 with the floating-point predictor, 512-pixel tiles, compression on all cores.
DEFLATE_LEVEL = "1"
CREATION_OPTIONS = ["COMPRESS=DEFLATE", f"ZLEVEL={DEFLATE_LEVEL}", "PREDICTOR=3", "TILED=YES", "BLOCKXSIZE=512",
                    "BLOCKYSIZE=512", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]


def timed(cmd, env=None):
    """Runs cmd under GNU time; returns (wall seconds, peak RSS MB, CPU seconds user + system)."""
    proc = subprocess.run(["/usr/bin/time", "-f", "BENCH_TIME %e %M %U %S"] + cmd, capture_output=True, text=True,
                          env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"bench: command failed ({proc.returncode}): {' '.join(cmd)}")
    line = [l for l in proc.stderr.splitlines() if l.startswith("BENCH_TIME ")][-1]
    _, seconds, kib, user, system = line.split()
    return float(seconds), int(kib) / 1024.0, float(user) + float(system)


def timed_chain(cmds):
    """Runs commands one after the other; wall and CPU seconds add up, peak RSS is the largest."""
    wall, rss, cpu = 0.0, 0.0, 0.0
    for c in cmds:
        w, m, u = timed(c)
        wall, rss, cpu = wall + w, max(rss, m), cpu + u
    return wall, rss, cpu


def bluecarbon_cmd(exe, scene, out, threads, tile):
    cmd = [exe, "indices", "--input", os.path.join(scene, "reflectance.tif"), "--bands", "green=1,red=2,nir=3,swir1=4",
           "--index", "ndvi", "--out", out, "--quiet", "--json"]
    if threads:
        cmd += ["--threads", str(threads)]
    if tile:
        cmd += ["--tile", str(tile)]
    return cmd


def gdal_calc_cmd(scene, out_file, scale):
    """gdal_calc.py with the plain NDVI expression (B = nir, A = red). The scale cancels in the ratio (offset 0), so
    DN go in as they are; DN 0 is the input's nodata and gdal_calc writes the output nodata wherever an input is
    nodata."""
    del scale
    src = os.path.join(scene, "reflectance.tif")
    calc = "(B.astype(float32)-A)/(B.astype(float32)+A)"
    cmd = ["gdal_calc.py", "-A", src, "--A_band=2", "-B", src, "--B_band=3", f"--outfile={out_file}",
           "--type=Float32", "--NoDataValue=-9999", f"--calc={calc}", "--overwrite", "--quiet"]
    for co in CREATION_OPTIONS:
        cmd += ["--co", co]
    return cmd


def rasterio_cmd(scene, out_file, threads):
    """This script's own rasterio + numpy NDVI (see rasterio_ndvi), run as a separate process to be timed."""
    return [sys.executable, os.path.abspath(__file__), "--rasterio-ndvi", os.path.join(scene, "reflectance.tif"),
            out_file, "--threads", str(threads)]


def rasterio_ndvi(src_path, dst_path, threads):
    """NDVI with rasterio + numpy as rasterio's own concurrency example does it: 512 x 512 windows computed on
    `threads` threads (numpy releases the GIL), reads and writes each under a lock (a rasterio dataset is not
    thread-safe), written to an uncompressed tiled float32 GeoTIFF."""
    import concurrent.futures
    import threading
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(src_path) as src:
        profile = src.profile.copy()
        profile.update(driver="GTiff", count=1, dtype="float32", nodata=-9999.0, tiled=True, blockxsize=512,
                       blockysize=512, BIGTIFF="IF_SAFER")
        profile.pop("compress", None)
        profile.pop("predictor", None)
        windows = [Window(c, r, min(512, src.width - c), min(512, src.height - r))
                   for r in range(0, src.height, 512) for c in range(0, src.width, 512)]
        read_lock, write_lock = threading.Lock(), threading.Lock()
        with rasterio.open(dst_path, "w", **profile) as dst:
            def work(w):
                with read_lock:
                    red, nir = src.read((2, 3), window=w)
                nir = nir.astype(np.float32)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ndvi = (nir - red) / (nir + red)
                ndvi[(red == 0) | (nir == 0) | ~np.isfinite(ndvi)] = -9999.0
                with write_lock:
                    dst.write(ndvi, 1, window=w)
            with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(work, windows))


def cog_cmd(src, dst):
    """The same COG the bluecarbon sink writes, from gdal_calc's GeoTIFF (gdal_calc cannot write COG itself)."""
    return ["gdal_translate", "-q", "-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", f"LEVEL={DEFLATE_LEVEL}", "-co",
            "PREDICTOR=FLOATING_POINT", "-co",
            "BLOCKSIZE=512", "-co", "OVERVIEW_RESAMPLING=AVERAGE", "-co", "NUM_THREADS=ALL_CPUS", "-co",
            "BIGTIFF=IF_SAFER", src, dst]


def band_scale(scene):
    ds = gdal.Open(os.path.join(scene, "reflectance.tif"))
    scale = ds.GetRasterBand(3).GetScale()
    return scale if scale else 1.0


def max_abs_diff(a_path, b_path):
    """Largest |a − b| over pixels valid in both, and the count of pixels valid in only one of them."""
    a_ds, b_ds = gdal.Open(a_path), gdal.Open(b_path)
    w, h = a_ds.RasterXSize, a_ds.RasterYSize
    worst, mismatched = 0.0, 0
    for y in range(0, h, 512):
        rows = min(512, h - y)
        a = a_ds.GetRasterBand(1).ReadAsArray(0, y, w, rows)
        b = b_ds.GetRasterBand(1).ReadAsArray(0, y, w, rows)
        va, vb = a != -9999, b != -9999
        mismatched += int(np.count_nonzero(va != vb))
        both = va & vb
        if both.any():
            worst = max(worst, float(np.max(np.abs(a[both].astype(np.float64) - b[both].astype(np.float64)))))
    return worst, mismatched


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--rasterio-ndvi":
        rasterio_ndvi(sys.argv[2], sys.argv[3], int(sys.argv[5]) if len(sys.argv) > 5 else 2)
        return
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--exe", required=True)
    p.add_argument("--scene", required=True, help="synthetic scene folder (the large one)")
    p.add_argument("--small-scene", required=True, help="synthetic scene folder for the memory-scaling figure")
    p.add_argument("--work", required=True, help="scratch folder for outputs")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--tile", type=int, default=0)
    p.add_argument("--generate-seconds", type=float, default=None)
    p.add_argument("--results", required=True)
    p.add_argument("--no-rasterio", action="store_true", help="skip the uncompressed rasterio + numpy comparison")
    a = p.parse_args()

    ds = gdal.Open(os.path.join(a.scene, "reflectance.tif"))
    width, height = ds.RasterXSize, ds.RasterYSize
    ds = None
    mpix = width * height / 1e6
    small = gdal.Open(os.path.join(a.small_scene, "reflectance.tif"))
    small_mpix = small.RasterXSize * small.RasterYSize / 1e6
    small_size = small.RasterXSize
    small = None
    scale = band_scale(a.scene)
    os.makedirs(a.work, exist_ok=True)

    def clear(*paths):
        for p in paths:
            if os.path.isdir(p):
                shutil.rmtree(p, ignore_errors=True)
            elif os.path.isfile(p):
                os.remove(p)

    def run_series(name, make_cmds, outs):
        seconds, rss, cpu = [], [], []
        for i in range(a.runs):
            clear(*outs)
            s, m, c = timed_chain(make_cmds())
            seconds.append(s)
            rss.append(m)
            cpu.append(c)
            print(f"  {name} run {i + 1}/{a.runs}: {s:.2f} s wall, {c:.2f} s CPU, peak RSS {m:.0f} MB", flush=True)
        med = statistics.median(seconds)
        return {"seconds": seconds, "median_seconds": med, "mpixel_per_s": mpix / med if med > 0 else None,
                "cpu_seconds": cpu, "median_cpu_seconds": statistics.median(cpu), "peak_rss_mb": max(rss)}

    print(f"bench: NDVI on {width} x {height} ({mpix:.0f} Mpixel), median of {a.runs}", flush=True)
    bc_out = os.path.join(a.work, "bluecarbon_ndvi")
    bc = run_series("bluecarbon indices (COG)     ",
                    lambda: [bluecarbon_cmd(a.exe, a.scene, bc_out, a.threads, a.tile)], [bc_out])
    gc_out = os.path.join(a.work, "gdal_calc_ndvi.tif")
    gc = run_series("gdal_calc.py (tiled GeoTIFF)", lambda: [gdal_calc_cmd(a.scene, gc_out, scale)], [gc_out])
    # The same final product on the GDAL side: gdal_calc, then the COG driver with the sink's options.
    gcc_out = os.path.join(a.work, "gdal_calc_ndvi_cog.tif")
    gcc = run_series("gdal_calc.py + COG          ",
                     lambda: [gdal_calc_cmd(a.scene, gc_out, scale), cog_cmd(gc_out, gcc_out)], [gc_out, gcc_out])
    diff, mismatched = max_abs_diff(os.path.join(bc_out, "ndvi.tif"), gc_out)

    # Uncompressed output on 2 threads: bluecarbon --compress none against rasterio + numpy.
    rio = bc_raw = None
    if not a.no_rasterio:
        bc_raw_out = os.path.join(a.work, "bluecarbon_ndvi_raw")
        bc_raw = run_series("bluecarbon --compress none  ",
                            lambda: [bluecarbon_cmd(a.exe, a.scene, bc_raw_out, 2, a.tile) + ["--compress", "none"]],
                            [bc_raw_out])
        rio_out = os.path.join(a.work, "rasterio_ndvi.tif")
        rio = run_series("rasterio + numpy (2 threads)", lambda: [rasterio_cmd(a.scene, rio_out, 2)], [rio_out])
        rio["max_abs_difference"], rio["validity_mismatches"] = max_abs_diff(
            os.path.join(bc_raw_out, "ndvi.tif"), rio_out)

    # Peak memory against scene size: the same command on the small scene.
    small_out = os.path.join(a.work, "bluecarbon_ndvi_small")
    small_rss = []
    for _ in range(a.runs):
        shutil.rmtree(small_out, ignore_errors=True)
        _, m, _ = timed(bluecarbon_cmd(a.exe, a.small_scene, small_out, a.threads, a.tile))
        small_rss.append(m)
    rss_small = max(small_rss)

    speedup = gc["median_seconds"] / bc["median_seconds"]
    speedup_cog = gcc["median_seconds"] / bc["median_seconds"]
    cpu_ratio = gc["median_cpu_seconds"] / bc["median_cpu_seconds"]
    rss_ratio = bc["peak_rss_mb"] / rss_small
    results = {
        "scene": {"width": width, "height": height, "mpixel": mpix, "small_size": small_size,
                  "small_mpixel": small_mpix, "reflectance_scale": scale},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "gdal": gdal.__version__},
        "runs": a.runs,
        "threads": a.threads or os.cpu_count(),
        "generate_seconds": a.generate_seconds,
        "bluecarbon_indices_ndvi": bc,
        "gdal_calc_ndvi": gc,
        "gdal_calc_then_cog_ndvi": gcc,
        "speedup_vs_gdal_calc": speedup,
        "speedup_vs_gdal_calc_then_cog": speedup_cog,
        "cpu_time_ratio_gdal_calc_over_bluecarbon": cpu_ratio,
        "bluecarbon_indices_ndvi_uncompressed_2_threads": bc_raw,
        "rasterio_numpy_ndvi_uncompressed_2_threads": rio,
        "speedup_uncompressed_vs_rasterio": (rio["median_seconds"] / bc_raw["median_seconds"]) if rio else None,
        "ndvi_max_abs_difference": diff,
        "ndvi_validity_mismatches": mismatched,
        "peak_rss_mb_small": rss_small,
        "peak_rss_mb_large": bc["peak_rss_mb"],
        "peak_rss_ratio_large_over_small": rss_ratio,
        "targets": {
            "speedup_at_least_3": speedup >= 3.0,
            "uncompressed_speedup_at_least_1_5": (rio["median_seconds"] / bc_raw["median_seconds"] >= 1.5) if rio
            else None,
            "peak_rss_at_most_300_mb": bc["peak_rss_mb"] <= 300.0,
            "rss_ratio_at_most_1_3": rss_ratio <= 1.3,
        },
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
    with open(a.results, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(json.dumps(results, indent=2))
    print(f"bench: bluecarbon {bc['mpixel_per_s']:.1f} Mpixel/s, peak RSS {bc['peak_rss_mb']:.0f} MB; "
          f"gdal_calc {gc['mpixel_per_s']:.1f} Mpixel/s, peak RSS {gc['peak_rss_mb']:.0f} MB; "
          f"speed-up x{speedup:.2f} (x{speedup_cog:.2f} against gdal_calc + COG); "
          f"RSS {rss_small:.0f} MB at {small_size}^2 vs {bc['peak_rss_mb']:.0f} MB at {width}^2 (x{rss_ratio:.2f})")
    if rio:
        print(f"bench: uncompressed, 2 threads: bluecarbon {bc_raw['median_seconds']:.2f} s, rasterio + numpy "
              f"{rio['median_seconds']:.2f} s: x{rio['median_seconds'] / bc_raw['median_seconds']:.2f}")


if __name__ == "__main__":
    main()
