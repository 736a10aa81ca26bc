// run_zonal: the request checked, then the parcels module's zonal job with the context's threads and tile.
#include <bluecarbon/pipeline/zonal.hpp>

#include "pipeline/parcels/zonal_shard.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bluecarbon::pipeline {

ZonalResult run_zonal(const ZonalRequest& req, const RunContext& ctx) {
    RunClock clock;
    ZonalResult r;
    const int threads = resolve_threads(ctx);
    r.tile = resolve_tile(ctx);
    r.threads = threads > 0 ? threads : default_thread_count();
    if (!(req.min_coverage >= 0.0 && req.min_coverage <= 1.0))
        throw RequestError("min coverage", fmt::format("must be between 0 and 1 (got {})", req.min_coverage));
    if (req.stats.empty()) throw RequestError("stats", "no statistic given");
    if (req.id_field.empty()) throw RequestError("id field", "must not be empty");
    ensure_gdal_ready();  // the CLI's GdalSession: 16 MB of cache (whole blocks are read)

    parcels::ZonalRequest job;
    job.raster = req.raster;
    job.polygons = req.polygons;
    job.layer = req.layer;
    job.id_field = req.id_field;
    job.stats = req.stats;
    job.weights = req.weights;
    job.min_coverage = req.min_coverage;
    job.make_valid = req.make_valid;
    job.out = req.out;
    job.threads = r.threads;
    job.tile_size = r.tile;
    if (ctx.shard || ctx.resume) return run_zonal_sharded(job, ctx);
    r.summary = run_as_phase(ctx, "zonal", [&] { return parcels::run_zonal_job(job); });
    (void)clock.mark();
    r.wall_seconds = clock.total().wall;
    r.peak_rss_mb = peak_rss_mb();
    return r;
}

std::string to_json(const ZonalResult& r) {
    nlohmann::ordered_json j;
    j["command"] = "zonal";
    j["bluecarbon_version"] = k_version;
    j["out"] = r.summary.out.string();
    j["rows"] = r.summary.parcels;
    j["columns"] = r.summary.columns;
    j["off_grid"] = r.summary.off_grid;
    j["repaired"] = r.summary.repaired;
    j["tiles"] = r.summary.tiles;
    j["threads"] = r.threads;
    j["tile"] = r.tile;
    j["warnings"] = r.summary.warnings;
    j["wall_seconds"] = r.wall_seconds;
    j["peak_rss_mb"] = r.peak_rss_mb;
    if (!r.shard.empty()) j["shard"] = r.shard;
    j["outputs"] = nlohmann::ordered_json::array();  // a shard writes its folder, not the table
    if (r.shard.empty()) j["outputs"].push_back(r.summary.out.string());
    return j.dump(2);
}

std::string summary_text(const ZonalResult& r) {
    const auto& s = r.summary;
    if (!r.shard.empty()) return fmt::format("zonal: {}\n", r.shard);
    std::string t = fmt::format("zonal: {} rows x {} columns ({}) -> {}\n", s.parcels, s.columns.size(),
                                fmt::join(s.columns, ", "), s.out.string());
    t += fmt::format("  {} tiles, {} threads, {:.2f} s, peak memory {:.0f} MB", s.tiles, r.threads, r.wall_seconds,
                     r.peak_rss_mb);
    if (s.off_grid > 0) t += fmt::format("; {} off the raster (empty rows)", s.off_grid);
    if (s.repaired > 0) t += fmt::format("; {} repaired", s.repaired);
    return t + "\n";
}

}  // namespace bluecarbon::pipeline
