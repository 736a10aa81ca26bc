#pragma once
/// `bluecarbon zonal`: exact, coverage-weighted statistics of one raster band over polygons from any OGR source
/// (the parcels module's tiled computation), written as a CSV or GeoPackage table in input feature order.
#include <bluecarbon/parcels/zonal.hpp>
#include <bluecarbon/parcels/zonal_job.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct ZonalRequest {
    parcels::RasterBandSpec raster;                   ///< FILE[:band]
    std::filesystem::path polygons;
    std::string layer;                                ///< empty: the first layer
    std::string id_field;
    std::vector<parcels::Stat> stats;                 ///< parcels::parse_stats("count,sum")
    std::optional<parcels::RasterBandSpec> weights;   ///< read aligned to the raster's grid
    double min_coverage{0.0};                         ///< 0-1
    bool make_valid{false};
    std::filesystem::path out;                        ///< .csv or .gpkg
};

struct ZonalResult {
    parcels::ZonalSummary summary;
    int threads{1};
    std::int64_t tile{512};
    double wall_seconds{0};
    double peak_rss_mb{0};
    /// A shard run (RunContext::shard): "shard I of N: T tiles computed, R resumed -> FOLDER"; empty otherwise.
    std::string shard;
    std::filesystem::path shard_folder;  ///< a shard run's folder (`bluecarbon merge` its parent)
};

/// With ctx.shard: only that shard's tiles, into <folder of out>/shard-I-of-N/ (`bluecarbon merge` writes `out`);
/// with ctx.resume alone: checkpointed there as shard 0 of 1, then merged.
/// Throws RequestError ("min coverage: must be between 0 and 1 (got 1.5)", "stats: ..."), InputError /
/// ConfigError for unreadable, non-polygon or non-overlapping inputs; nothing is written on any failure.
[[nodiscard]] ZonalResult run_zonal(const ZonalRequest& request, const RunContext& ctx = {});

[[nodiscard]] std::string to_json(const ZonalResult& r);
/// A few lines: rows, columns, tiles, time, warnings.
[[nodiscard]] std::string summary_text(const ZonalResult& r);

}  // namespace bluecarbon::pipeline
