// The habitat and stock steps over the tile engine: open and check every input (stock_inputs), the scene
// statistics pass when the rules use otsu()/percentile() (scene_statistics), the per-tile classification and
// pools (stock_kernel), then the rasters' finish and the tables (stock_rasters, stock_tables), all published by
// one OutputTransaction.
#include <bluecarbon/pipeline/habitat.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"
#include "pipeline/stock/scene_statistics.hpp"
#include "pipeline/stock/stock_inputs.hpp"
#include "pipeline/stock/stock_kernel.hpp"
#include "pipeline/stock/stock_rasters.hpp"
#include "pipeline/stock/stock_shard.hpp"
#include "pipeline/stock/stock_tables.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/stale_temporaries.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/reflectance_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace bluecarbon::pipeline {

namespace {

// The second pass: every tile classified (and its pools computed) and written; the per-habitat sums merged in
// tile order. Throws InputError when the class map holds codes the mapping lacks.
science::SceneStockSums run_tiles(const config::ProjectConfig& cfg, const stock::StockInputs& inputs,
                                  const stock::StockKernel& kernel, const TileExecutor& exec, const RunContext& ctx,
                                  bool with_stock, science::ReflectanceCheck& reflectance) {
    science::SceneStockSums scene_sums(inputs.grid.height());
    std::vector<std::int64_t> unmapped;
    const auto& plan = *inputs.plan;
    const auto tiles = plan.all();
    std::vector<std::unique_ptr<stock::StockWorker>> workers(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, with_stock ? "stock" : "habitat", static_cast<std::int64_t>(tiles.size()));
    exec.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            phase.check_cancel();
            auto& w = workers[static_cast<std::size_t>(slot)];
            if (!w) w = std::make_unique<stock::StockWorker>(inputs);
            kernel.run(plan.window(tiles[p]), *w);
        },
        [&](std::size_t, int slot) {
            const auto& r = workers[static_cast<std::size_t>(slot)]->result;
            science::merge_unmapped_codes(unmapped, r.unmapped);
            if (unmapped.empty()) scene_sums.merge(r.sums);
            phase.tick();
        });
    phase.finish();
    for (const auto& w : workers)
        if (w) reflectance.merge(w->vars.reflectance());  // a count and a maximum: any order gives the same
    if (!unmapped.empty()) {
        throw InputError(fmt::format("{}: class codes {} occur in {} but are not in [habitat.classes]; map every "
                                     "code to a habitat",
                                     cfg.habitat.classes_origin.str(), fmt::join(unmapped, ", "),
                                     cfg.habitat.map->path.filename().string()));
    }
    return scene_sums;
}

StockResult run_raster_step(const config::ProjectConfig& cfg, const RunContext& ctx, bool with_stock,
                            bool masks = false) {
    if (masks && (ctx.shard || ctx.resume))
        throw RequestError("write_masks", "is not available with a shard or resume (run without them to check)");
    if (ctx.shard || ctx.resume) return stock::run_checkpointed(cfg, ctx, with_stock);
    RunClock clock;
    const int threads = resolve_threads(ctx, cfg.processing.threads);
    const std::int64_t tile = resolve_tile(ctx, cfg.processing.tile);
    const auto compression = choose_compression(cfg.processing.compression, cfg.processing.compression_level, 0);
    ensure_gdal_ready();
    const TileExecutor exec(threads);

    // Every check before any output exists.
    stock::StockInputs inputs = stock::open_stock_inputs(cfg, with_stock, tile, masks);
    stock::StockRunSummary run;
    run.cfg = &cfg;
    run.inputs = &inputs;
    run.with_stock = with_stock;
    run.threads = exec.threads();
    if (inputs.model) run.model_path = *cfg.stock.biomass_model;
    run.timings.inputs = clock.mark();

    run.thresholds = stock::compute_scene_statistics(inputs, exec, ctx);
    run.timings.statistics = clock.mark();

    ensure_writable_dir(cfg.output_dir);
    remove_stale_temporaries(cfg.output_dir);  // left by runs that were killed
    OutputTransaction transaction;
    stock::StockRasters rasters(cfg, inputs, run.thresholds, with_stock, compression, transaction);
    const std::vector<double> row_area = stock::row_areas(inputs.grid);
    const stock::StockKernel kernel(inputs, cfg.habitat, rasters.sinks(), row_area);
    science::ReflectanceCheck reflectance;
    const science::SceneStockSums scene_sums = run_tiles(cfg, inputs, kernel, exec, ctx, with_stock, reflectance);
    if (auto w = reflectance.warning("set scale in the [inputs] table of the bands (reflectance = DN x scale + "
                                     "offset), e.g. scale = 0.0001 for DN in 0..10000"))
        run.warnings.push_back(*w);
    run.timings.tiles = clock.mark();

    run.habitats = inputs.pools ? scene_sums.summarize(*inputs.pools, row_area) : scene_sums.areas(row_area);
    run.model_fallback_pixels = scene_sums.model_fallback_pixels();
    run.notices = stock::run_notices(cfg, inputs, run.habitats);

    rasters.finish(ctx, exec.threads());  // Cancelled when a cancel arrives meanwhile: nothing published
    run.timings.finish = clock.mark();
    run.timings.total = clock.total();
    std::vector<std::filesystem::path> outputs;
    std::string run_json = stock::write_stock_tables(run, transaction, outputs);
    transaction.commit();
    return stock::make_result(run, std::move(run_json), std::move(outputs));
}

}  // namespace

namespace stock {

std::vector<double> row_areas(const Grid& grid) {
    std::vector<double> a(static_cast<std::size_t>(grid.height()));
    for (std::int64_t r = 0; r < grid.height(); ++r) a[static_cast<std::size_t>(r)] = grid.cell_area_m2(r);
    return a;
}

StockResult make_result(const StockRunSummary& run, std::string run_json, std::vector<std::filesystem::path> outputs) {
    const auto& cfg = *run.cfg;
    const auto& inputs = *run.inputs;
    StockResult result;
    result.run_json = std::move(run_json);
    result.outputs = std::move(outputs);
    result.command = run.with_stock ? "stock" : "habitat";
    result.grid = inputs.grid;
    result.tiles = inputs.plan->size();
    result.threads = run.threads;
    result.thresholds = run.thresholds;
    if (inputs.table)
        result.tier1 = Tier1Info{inputs.table->file_name(), inputs.table->version(), inputs.table->overrides().size(),
                                 std::string(science::climate_zone_name(cfg.climate_zone)),
                                 std::string(science::soil_type_name(cfg.stock.soil))};
    result.model = inputs.model;
    result.model_path = run.model_path;
    result.habitats = run.habitats;
    result.model_fallback_pixels = run.model_fallback_pixels;
    result.notices = run.notices;
    result.warnings = run.warnings;
    result.timings = run.timings;
    result.peak_rss_mb = peak_rss_mb();
    result.output_dir = cfg.output_dir;
    return result;
}

}  // namespace stock

StockResult run_stock(const config::ProjectConfig& cfg, const RunContext& ctx) {
    return run_raster_step(cfg, ctx, true);
}

HabitatResult run_habitat(const config::ProjectConfig& cfg, const RunContext& ctx) {
    return run_raster_step(cfg, ctx, false);
}

HabitatResult run_habitat(const config::ProjectConfig& cfg, const RunContext& ctx, const HabitatOptions& options) {
    return run_raster_step(cfg, ctx, false, options.write_masks);
}

}  // namespace bluecarbon::pipeline
