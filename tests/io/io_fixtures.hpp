#pragma once
// Test fixtures for the io module: small GeoTIFFs written straight through GDAL (independently of the code
// under test), and a few helpers to inspect what our sink wrote.
#include <bluecarbon/io/gdal_setup.hpp>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bluecarbon::test {

struct FixtureBand {
    std::vector<double> values;  // row-major, width * height
    std::optional<double> nodata;
    std::optional<double> scale;
    std::optional<double> offset;
    std::string description;
};

inline FixtureBand band_of(std::vector<double> values, std::string description = {}) {
    FixtureBand b;
    b.values = std::move(values);
    b.description = std::move(description);
    return b;
}

struct FixtureRaster {
    int width{0};
    int height{0};
    std::array<double, 6> gt{0, 1, 0, 0, 0, -1};
    int epsg{0};  // 0: no CRS
    GDALDataType type{GDT_Float32};
    std::vector<FixtureBand> bands;
    std::vector<std::string> creation_options{"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"};
};

/// Writes `r` as a GeoTIFF at `path` with the GDAL API directly.
inline void write_fixture(const std::filesystem::path& path, const FixtureRaster& r) {
    ensure_gdal_ready();
    CPLStringList co;
    for (const auto& o : r.creation_options) co.AddString(o.c_str());
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), r.width, r.height, static_cast<int>(r.bands.size()), r.type,
                                        co.List()));
    if (!ds) throw std::runtime_error("fixture: cannot create " + path.string());
    auto gt = r.gt;
    ds->SetGeoTransform(gt.data());
    if (r.epsg != 0) {
        OGRSpatialReference srs;
        srs.importFromEPSG(r.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (std::size_t i = 0; i < r.bands.size(); ++i) {
        const auto& b = r.bands[i];
        GDALRasterBand* band = ds->GetRasterBand(static_cast<int>(i) + 1);
        if (b.nodata) band->SetNoDataValue(*b.nodata);
        if (b.scale) band->SetScale(*b.scale);
        if (b.offset) band->SetOffset(*b.offset);
        if (!b.description.empty()) band->SetDescription(b.description.c_str());
        auto values = b.values;
        if (band->RasterIO(GF_Write, 0, 0, r.width, r.height, values.data(), r.width, r.height, GDT_Float64, 0, 0,
                           nullptr) != CE_None)
            throw std::runtime_error("fixture: cannot write " + path.string());
    }
}

/// Reads band `band` (1-based) of a raster as doubles, whole.
inline std::vector<double> read_all(const std::filesystem::path& path, int band = 1) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw std::runtime_error("cannot open " + path.string());
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<double> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, w, h, out.data(), w, h, GDT_Float64, 0, 0, nullptr) !=
        CE_None)
        throw std::runtime_error("cannot read " + path.string());
    return out;
}

/// Names of the entries of a folder (hidden ones included).
inline std::vector<std::string> folder_entries(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
    return out;
}

/// Projects (lon, lat) in WGS 84 to `epsg` with OSR (fixture-side, independent of the io module).
inline std::array<double, 2> project(double lon, double lat, int epsg) {
    OGRSpatialReference wgs84, dst;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    dst.importFromEPSG(epsg);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs84, &dst));
    double x = lon, y = lat;
    if (!ct || !ct->Transform(1, &x, &y)) throw std::runtime_error("fixture: cannot project");
    return {x, y};
}

/// The inverse of project(), for many points at once (x and y are replaced by longitude and latitude).
inline void unproject(std::vector<double>& x, std::vector<double>& y, int epsg) {
    OGRSpatialReference wgs84, src;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    src.importFromEPSG(epsg);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs84));
    if (!ct || !ct->Transform(x.size(), x.data(), y.data())) throw std::runtime_error("fixture: cannot unproject");
}

}  // namespace bluecarbon::test
