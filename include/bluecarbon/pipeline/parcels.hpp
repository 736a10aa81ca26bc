#pragma once
/// `bluecarbon parcels project.toml`: the project's credit parcels ([parcels]) with ellipsoidal areas, stocks
/// per pool from the stock step's rasters, tidal share and eligibility -> <output>/parcels.gpkg (layer
/// `parcels`, with a QGIS style) and parcels.geojson (WGS 84). Runs the stock step first when its outputs are
/// missing or older than their inputs.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/parcels/parcels_job.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct ParcelsOptions {
    bool make_valid{false};  ///< repair invalid parcels (GEOS MakeValid) and flag them invalid_geometry
};

struct ParcelsResult {
    parcels::ParcelsResult parcels;       ///< the records and the files written
    std::optional<StockResult> stock;     ///< set when the stock step ran first
    std::string stock_reason;             ///< why it ran ("stock_total.tif is missing", "dem.tif is newer ...")
    std::filesystem::path polygons;       ///< [parcels] path
    int threads{1};
    std::int64_t tile{512};
    double wall_seconds{0};
    double peak_rss_mb{0};
};

/// Why the stock outputs of `cfg` must be (re)computed: the first output missing, or an input (the project
/// file, a raster, the Tier-1 table, the biomass model) newer than the oldest output; nullopt when up to date.
[[nodiscard]] std::optional<std::string> stock_outputs_stale(const config::ProjectConfig& cfg);

/// Throws ConfigError when the project has no [parcels], InputError for bad parcels (with the list) unless
/// options.make_valid repairs them; nothing is published on any failure.
[[nodiscard]] ParcelsResult run_parcels(const config::ProjectConfig& cfg, const RunContext& ctx = {},
                                        const ParcelsOptions& options = {});

[[nodiscard]] std::string to_json(const ParcelsResult& r);
/// Counts, eligibility by reason, totals and the files written.
[[nodiscard]] std::string summary_text(const ParcelsResult& r);

}  // namespace bluecarbon::pipeline
