#pragma once
/// `bluecarbon indices`: spectral indices of one reflectance raster, one float32 Cloud-Optimised GeoTIFF per
/// index (<out>/<index>.tif, nodata -9999), all published together.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/indices.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct IndicesRequest {
    std::filesystem::path input;
    std::vector<science::Index> indices;
    /// Where each band is: a 1-based index or the band's description. Empty: bands found by their descriptions
    /// ("green", "red", ...); otherwise every band an index needs must be named.
    std::map<science::SpectralBand, std::string> bands;
    std::filesystem::path out;
    std::optional<double> scale, offset;  ///< reflectance = DN x scale + offset (default: the file's own)
    std::string compression{"deflate"};   ///< deflate, zstd, lzw or none
    int compression_level{0};             ///< 0: DEFLATE 1 (index values compress little better at 6), ZSTD 1
};

struct IndexOutput {
    science::Index index{};
    std::filesystem::path file;
    science::IndexStats stats;
};

struct IndicesResult {
    Grid grid;
    std::int64_t tile_width{0}, tile_height{0};
    std::size_t tiles{0};
    int threads{1};
    std::vector<IndexOutput> outputs;
    double wall_seconds{0};
    double peak_rss_mb{0};
    std::int64_t reflectance_above_limit{0};  ///< band values above 1.5 after scaling (raw DN read unscaled?)
    std::vector<std::string> warnings;        ///< one line each, also in the JSON
    std::string json;  ///< what --json prints
};

/// Throws RequestError ("bands: index ndvi needs band 'nir'"), InputError for an unreadable input or one without
/// a CRS; nothing is published on any failure.
[[nodiscard]] IndicesResult run_indices(const IndicesRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const IndicesResult& r) { return r.json; }

}  // namespace bluecarbon::pipeline
