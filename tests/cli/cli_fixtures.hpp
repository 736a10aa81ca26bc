#pragma once
// Helpers for the in-process CLI tests: run `bluecarbon ...` through run_cli, write input rasters straight
// through GDAL (independently of the code under test), and decode outputs for comparison.
#include <bluecarbon/cli/run_cli.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "support/file_text.hpp"

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bluecarbon::test {

struct CliResult {
    int code{-1};
    std::string out;
    std::string err;
};

inline CliResult run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    CliResult r;
    r.code = run_cli(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

/// The whole content of a file ("" when it cannot be read).
/// A raster opened read-only; throws (failing the test) when it cannot be opened.
inline GDALDatasetUniquePtr open_raster(const std::filesystem::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw std::runtime_error("cannot open " + p.string());
    return ds;
}

/// Lines of `text` that mention "error".
inline std::vector<std::string> error_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find("error") != std::string::npos)
            lines.push_back(line);
    return lines;
}

/// Every regular file under `dir` (hidden temporaries included); empty when `dir` does not exist.
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec))
        return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (!e.is_directory())
            out.push_back(e.path());
    return out;
}

/// How many entries (files and folders) `dir` holds at its top level; 0 when it does not exist.
inline std::size_t entry_count(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec))
        return 0;
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()));
}

/// A uint16 reflectance raster (green, red, nir, swir1 [, blue]) for the indices command.
struct ReflectanceFixture {
    int width{64};
    int height{48};
    int block{64};       ///< tile size of the GeoTIFF (0: striped)
    int epsg{32651};     ///< 0: no CRS
    double scale{1e-4};  ///< written as each band's scale (0: none)
    std::optional<double> nodata{0.0};
    bool blue{false};
    bool compress{true};
    /// DN of band `b` (0 green, 1 red, 2 nir, 3 swir1, 4 blue) at (col, row).
    std::function<std::uint16_t(int b, int col, int row)> dn;
};

/// A smooth, varied default pattern with some nodata (0) and zero-denominator pixels.
inline std::uint16_t default_dn(int b, int col, int row) {
    // Unsigned products: they wrap by definition (int products overflow, which UBSan rightly reports).
    const std::uint32_t h = static_cast<std::uint32_t>(col) * 73856093u ^ static_cast<std::uint32_t>(row) * 19349663u ^
                            static_cast<std::uint32_t>(b) * 83492791u;
    if ((h % 101) == 0)
        return 0;  // scattered nodata
    if (col % 37 == 5 && b == 1)
        return 0;  // a nodata column in red
    if ((col + row) % 53 == 0)
        return 1500;  // equal bands: zero denominators for MVI/MNDWI/NDWI/...
    const int base[] = {700, 500, 2600, 1200, 400};
    return static_cast<std::uint16_t>(base[b] + (h % 900) + 10 * ((col * (b + 1) + row) % 50));
}

inline void write_reflectance(const std::filesystem::path& path, const ReflectanceFixture& f) {
    ensure_gdal_ready();
    CPLStringList co;
    if (f.block > 0) {
        co.SetNameValue("TILED", "YES");
        co.SetNameValue("BLOCKXSIZE", std::to_string(f.block).c_str());
        co.SetNameValue("BLOCKYSIZE", std::to_string(f.block).c_str());
    }
    if (f.compress)
        co.SetNameValue("COMPRESS", "DEFLATE");
    const int nb = f.blue ? 5 : 4;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), f.width, f.height, nb, GDT_UInt16, co.List()));
    if (!ds)
        throw std::runtime_error("fixture: cannot create " + path.string());
    double gt[6] = {390000.0, 10.0, 0.0, 3266000.0, 0.0, -10.0};
    ds->SetGeoTransform(gt);
    if (f.epsg != 0) {
        OGRSpatialReference srs;
        srs.importFromEPSG(f.epsg);
        ds->SetSpatialRef(&srs);
    }
    const char* names[] = {"green", "red", "nir", "swir1", "blue"};
    const auto dn = f.dn ? f.dn : default_dn;
    std::vector<std::uint16_t> px(static_cast<std::size_t>(f.width) * static_cast<std::size_t>(f.height));
    for (int b = 0; b < nb; ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        band->SetDescription(names[b]);
        if (f.nodata)
            band->SetNoDataValue(*f.nodata);
        if (f.scale != 0.0)
            band->SetScale(f.scale);
        for (int r = 0; r < f.height; ++r)
            for (int c = 0; c < f.width; ++c)
                px[static_cast<std::size_t>(r * f.width + c)] = dn(b, c, r);
        if (band->RasterIO(GF_Write, 0, 0, f.width, f.height, px.data(), f.width, f.height, GDT_UInt16, 0, 0,
                           nullptr) != CE_None)
            throw std::runtime_error("fixture: cannot write " + path.string());
    }
}

/// All pixels of band `band` decoded as float32, row-major.
inline std::vector<float> read_float32(const std::filesystem::path& path, int band = 1) {
    ensure_gdal_ready();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds)
        throw std::runtime_error("cannot open " + path.string());
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<float> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, w, h, out.data(), w, h, GDT_Float32, 0, 0, nullptr) != CE_None)
        throw std::runtime_error("cannot read " + path.string());
    return out;
}

/// FNV-1a 64 over bytes: a fingerprint of decoded pixels (not of file bytes, which compression may vary).
inline std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ULL) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/// Fingerprint of every band of a raster, decoded in its own data type.
inline std::uint64_t decoded_hash(const std::filesystem::path& path) {
    ensure_gdal_ready();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds)
        throw std::runtime_error("cannot open " + path.string());
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::uint64_t hash = fnv1a(&w, sizeof w);
    hash = fnv1a(&h, sizeof h, hash);
    for (int b = 1; b <= ds->GetRasterCount(); ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b);
        const GDALDataType t = band->GetRasterDataType();
        const int bytes = GDALGetDataTypeSizeBytes(t);
        std::vector<unsigned char> row(static_cast<std::size_t>(w) * static_cast<std::size_t>(bytes));
        for (int r = 0; r < h; ++r) {
            if (band->RasterIO(GF_Read, 0, r, w, 1, row.data(), w, 1, t, 0, 0, nullptr) != CE_None)
                throw std::runtime_error("cannot read " + path.string());
            hash = fnv1a(row.data(), row.size(), hash);
        }
    }
    return hash;
}

}  // namespace bluecarbon::test
