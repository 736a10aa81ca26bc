#pragma once
/// Writing the sample project and synthetic benchmark scenes to a folder (through io's RasterSink and
/// OutputTransaction: every file appears at the end, or none does).
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/progress.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace bluecarbon::sample {

struct WriteOptions {
    int threads{0};               ///< 0: all cores
    std::int64_t tile{512};       ///< tile edge [pixels]; rounded to a multiple of the output block size
    Progress* progress{nullptr};  ///< advanced once per tile (total: scene_tile_count())
    std::int64_t parcels{5000};   ///< synthetic scenes: parcels written to parcels.gpkg (synthetic_parcels.hpp)
};

struct WriteSummary {
    std::int64_t width{0};
    std::int64_t height{0};
    std::vector<std::filesystem::path> files;      ///< everything written, in the folder
    std::array<std::int64_t, 9> habitat_pixels{};  ///< pixel count per class code (index 0: nodata)
};

/// The grid of a `size` x `size` scene: EPSG:32651, 10 m pixels, upper-left corner at the sample's origin.
[[nodiscard]] Grid scene_grid(std::int64_t size);
/// Block size of the scene rasters (the synthetic reflectance is tiled in blocks of this size).
inline constexpr std::int64_t k_scene_block = 512;
/// Number of tiles a scene of `size` is written in with `tile`-pixel tiles (for progress totals).
[[nodiscard]] std::int64_t scene_tile_count(std::int64_t size, std::int64_t tile);

/// Writes the small sample project into `dir`: reflectance.tif, habitat.tif, dem.tif, parcels.geojson,
/// trees.csv, plots.csv, cores.csv, project.toml, README.txt. Throws InputError when `dir` is not writable.
WriteSummary write_sample_project(const std::filesystem::path& dir, const WriteOptions& options = {});

/// Writes a synthetic `size` x `size` scene (reflectance.tif, habitat.tif, dem.tif, parcels.gpkg with
/// options.parcels parcels (layer "parcels": id, owner), README.txt) into `dir`,
/// tile by tile: memory is bounded by tile size x threads, whatever `size` is, and the pixels do not depend on
/// the thread count or tile size. Plain tiled GeoTIFFs (DEFLATE, 512-pixel blocks), no overviews.
/// Throws ConfigError for a size < 1.
WriteSummary write_synthetic_scene(const std::filesystem::path& dir, std::int64_t size,
                                   const WriteOptions& options = {});

}  // namespace bluecarbon::sample
