#pragma once
/// `bluecarbon indices`: spectral indices of one reflectance raster, one float32 Cloud-Optimised GeoTIFF per
/// index (<out>/<index>.tif, nodata -9999), all published together.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/indices.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

/// GDAL block cache this command is tuned for (a GdalSession's cache_bytes). Reads take whole blocks straight
/// into the tiles and the sinks write whole blocks, so the cache only holds blocks in transit; anything more
/// fills with input blocks never read again. Measured (NDVI, 2 threads): peak RSS 2000^2 / 10000^2 = 99 / 105 MB
/// with 16 MB, 101 / 123 MB with 32 MB, 101 / 140 MB with 48 MB, at the same speed.
inline constexpr std::int64_t k_indices_gdal_cache_bytes = 16LL * 1024 * 1024;

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
    /// A shard run (RunContext::shard): "shard I of N: T tiles computed, R resumed -> FOLDER"; empty otherwise.
    std::string shard;
    std::filesystem::path shard_folder;  ///< a shard run's folder (`bluecarbon merge` its parent)
};

/// With ctx.shard: only that shard's tiles, into <out>/shard-I-of-N/ (`bluecarbon merge <out>` writes the
/// outputs); with ctx.resume alone: checkpointed there as shard 0 of 1, then merged.
/// Throws RequestError ("bands: index ndvi needs band 'nir'"), InputError for an unreadable input or one without
/// a CRS; nothing is published on any failure.
[[nodiscard]] IndicesResult run_indices(const IndicesRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const IndicesResult& r) { return r.json; }
/// The human summary: grid, tiles, speed, and per index its valid pixels, range, mean and file.
[[nodiscard]] std::string summary_text(const IndicesResult& r);

/// `green=1,red=2,nir=nir_b8` (a front end's band list): band name -> the file's band (1-based index or band
/// description). Throws RequestError("bands", ...) for a malformed item, an unknown name or a band given twice.
[[nodiscard]] std::map<science::SpectralBand, std::string> parse_band_list(const std::string& text);

}  // namespace bluecarbon::pipeline
