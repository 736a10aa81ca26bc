#pragma once
/// The `zonal` command's work as a library call: polygons from any OGR source, statistics over any raster, a CSV
/// or GeoPackage table in input feature order. (Kept here until the pipeline layer takes it over; the pipeline's
/// run_zonal can call it as it is.)
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/parcels/zonal.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::parcels {

/// "FILE[:band]": the file, and the band (1-based index or band name; empty for the first band). A path that
/// exists as given is never split, so names with ':' still work.
struct RasterBandSpec {
    std::filesystem::path file;
    std::string band;
};
[[nodiscard]] RasterBandSpec parse_raster_band(const std::string& text);

struct ZonalRequest {
    RasterBandSpec raster;
    std::filesystem::path polygons;
    std::string layer;                        ///< empty: the first layer
    std::string id_field;
    std::vector<Stat> stats;
    std::optional<RasterBandSpec> weights;    ///< aligned to the raster's grid like any other input
    double min_coverage{0.0};
    bool make_valid{false};                   ///< repair invalid polygons (GEOS MakeValid) instead of stopping
    std::filesystem::path out;                ///< .csv or .gpkg
    int threads{0};
    std::int64_t tile_size{512};
    Progress* progress{nullptr};
};

struct ZonalSummary {
    std::filesystem::path out;
    std::size_t parcels{0};
    std::size_t off_grid{0};                  ///< parcels that do not touch the raster (empty rows)
    std::size_t repaired{0};
    std::size_t tiles{0};
    std::vector<std::string> columns;
    std::vector<std::string> warnings;        ///< one line each, for the caller to print
};

/// Runs the whole job and writes `out` (temp + rename; nothing is written on error). Throws InputError/ConfigError
/// (exit 2) for bad input: unknown output extension, --min-coverage outside 0–1, weighted statistics without
/// weights, unreadable or non-polygon inputs, invalid polygons (with the list) unless make_valid, and rasters and
/// polygons that do not overlap at all.
[[nodiscard]] ZonalSummary run_zonal_job(const ZonalRequest& request);

/// run_zonal_job in halves, for shard runs (`zonal --shard`) and their merge, which compute or replay the tiles
/// (ZonalTiles) in between: the inputs opened, read and checked; then the table written from the result.
struct ZonalJobInputs {
    ZonalOptions options;
    std::unique_ptr<RasterSource> values, weights;
    PolygonTable table;
    std::size_t repaired{0};
    [[nodiscard]] ZonalRasters rasters() const { return {values.get(), 0, weights.get(), 0}; }
};
[[nodiscard]] ZonalJobInputs open_zonal_job(const ZonalRequest& request);
[[nodiscard]] ZonalSummary write_zonal_table(const ZonalRequest& request, const ZonalJobInputs& inputs,
                                             const ZonalRunResult& result);

/// Column names of the statistics part of a zonal table for `stats` and the frac classes seen (frac expands to
/// frac_<class> per class, ascending).
[[nodiscard]] std::vector<std::string> zonal_columns(const std::vector<Stat>& stats,
                                                     const std::vector<double>& frac_classes);

}  // namespace bluecarbon::parcels
