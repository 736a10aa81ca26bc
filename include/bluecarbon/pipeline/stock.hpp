#pragma once
/// `bluecarbon stock`: the habitat map, then the carbon pools (Tier-1 or a calibrated biomass model) and their
/// uncertainty, over the project's analysis grid: habitat.tif (+ .aux.xml), stock_agb/bgb/dead/soc/total.tif,
/// uncertainty.tif (90 % half-width of the total), uncertainty_agb/bgb/dead/soc.tif (of each pool),
/// stock_summary.csv and stock_run.json in the project's output folder, published together; with
/// [inputs.dem] and [tidal] also tidal.tif (uint8: 1 between MLLW and HAT, 0 outside; the parcels tidal frame).
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/survey/calibration.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

/// GDAL block cache these steps are tuned for (a GdalSession's cache_bytes), for `threads` workers (0: all cores):
/// 16 MB per worker, at most 256 MB. Inputs are read in whole blocks straight into the tiles and outputs are
/// written block by block around the cache, so it only has to hold a few blocks per worker; the rasters' finish
/// (overviews, COG) streams through it, and more cache buys no speed there but costs resident memory and page
/// faults. Measured on a 3000 x 3000 synthetic stock run (CPU seconds, medians of 3): 1 worker 4.52 with a fixed
/// 48 MB against 4.16 with 16 MB (peak RSS 163 -> 117 MB), 2 workers 5.25 against 4.86 with 32 MB.
inline constexpr std::int64_t k_stock_gdal_cache_bytes_per_worker = 16LL * 1024 * 1024;
inline constexpr std::int64_t k_stock_gdal_cache_bytes_max = 256LL * 1024 * 1024;
[[nodiscard]] std::int64_t stock_gdal_cache_bytes(int threads) noexcept;
/// For a caller without a worker count (a merge finishing a run's rasters): the cache of two workers.
inline constexpr std::int64_t k_stock_gdal_cache_bytes = 2 * k_stock_gdal_cache_bytes_per_worker;

/// Wall-clock and CPU (user + system, all threads) seconds of the run's phases: on a busy machine the CPU time
/// shows the cost of a phase better than its wall time.
struct StockTimings {
    struct Phase {
        double wall{0}, cpu{0};
    };
    Phase inputs, statistics, tiles, finish, total;
};

/// The Tier-1 table a stock run used, and the project's climate zone and soil it was read for.
struct Tier1Info {
    std::string file_name;
    std::string version;
    std::size_t overrides{0};
    std::string climate_zone;
    std::string soil;
};

/// What a habitat or stock run did; run_json is <command>_run.json as written (what `--json` prints).
struct StockResult {
    std::string command;  ///< "stock" or "habitat"
    Grid grid;
    std::size_t tiles{0};
    int threads{1};
    std::map<std::string, double> thresholds;  ///< the rules' scene statistics, by key ("otsu(mvi)")
    std::optional<Tier1Info> tier1;            ///< stock only
    std::optional<science::survey::BiomassModelFit> model;
    std::filesystem::path model_path;
    std::vector<science::HabitatSummary> habitats;  ///< pools left at 0 for a habitat run
    std::int64_t model_fallback_pixels{0};
    std::vector<std::string> notices;  ///< silent choices reported: default geoid grid, rules matching no pixel
    std::vector<std::string> warnings;  ///< one line each (implausible inputs), also in run_json
    StockTimings timings;
    double peak_rss_mb{0};
    std::filesystem::path output_dir;
    std::vector<std::filesystem::path> outputs;
    std::string run_json;
};

/// Runs the stock step of `cfg` (threads and tile from `ctx`, else the project's [processing]; compression from
/// [processing]). Every input is opened and checked before any output exists; ConfigError / InputError /
/// CrsError name the key, file or band at fault, and nothing is published on any failure.
[[nodiscard]] StockResult run_stock(const config::ProjectConfig& cfg, const RunContext& ctx = {});

/// The --json text of a run.
[[nodiscard]] inline const std::string& to_json(const StockResult& r) { return r.run_json; }
/// The human summary: grid, tiles, time, thresholds, the Tier-1 table or biomass model, a table by habitat.
[[nodiscard]] std::string summary_text(const StockResult& r);

}  // namespace bluecarbon::pipeline
