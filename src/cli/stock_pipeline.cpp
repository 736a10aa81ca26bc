// The habitat and stock steps over the tile engine: open and check every input (stock/stock_inputs), the scene
// statistics pass when the rules use otsu()/percentile() (stock/scene_statistics), the per-tile classification
// and pools (stock/stock_kernel), then the rasters' finish and the tables (stock/stock_outputs), all published
// by one OutputTransaction.
#include "cli/stock_pipeline.hpp"

#include "cli/stock/scene_statistics.hpp"
#include "cli/stock/stock_inputs.hpp"
#include "cli/stock/stock_kernel.hpp"
#include "cli/stock/stock_outputs.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/science/pools.hpp>

#include <fmt/format.h>

#include <sys/resource.h>

#include <chrono>
#include <memory>
#include <vector>

namespace bluecarbon::cli {

namespace {

// Marks the phases of a run: wall-clock and process CPU time (user + system, all threads) since the last mark.
class PhaseClock {
public:
    PhaseClock() : m_start(now()), m_last(m_start) {}
    stock::StockTimings::Phase mark() {
        const Point p = now();
        const stock::StockTimings::Phase d{p.wall - m_last.wall, p.cpu - m_last.cpu};
        m_last = p;
        return d;
    }
    [[nodiscard]] stock::StockTimings::Phase total() const { return {m_last.wall - m_start.wall, m_last.cpu - m_start.cpu}; }

private:
    struct Point {
        double wall, cpu;
    };
    static Point now() {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        return {wall, s(ru.ru_utime) + s(ru.ru_stime)};
    }
    Point m_start, m_last;
};

// GDAL's block cache for these steps. Inputs are read in whole blocks straight into the tiles and outputs are
// written block by block around the cache, so it only has to hold a few blocks per thread while the tiles run;
// the rasters' finish (overviews, COG) streams through it, and more cache buys no speed there but costs resident
// memory, times the rasters finished at once.
constexpr std::int64_t k_gdal_cache_bytes = 48LL * 1024 * 1024;

}  // namespace

void run_stock_pipeline(const CliContext& ctx, const StockPipelineOptions& o) {
    PhaseClock clock;
    const config::ProjectConfig cfg = config::load_project(o.project);
    ensure_gdal_ready(GdalSetupOptions{k_gdal_cache_bytes});
    const int threads = o.threads_given ? o.common.threads : cfg.processing.threads;
    const std::int64_t tile = o.tile_given ? o.common.tile : cfg.processing.tile;
    const TileExecutor exec(threads);

    // Every check before any output exists.
    stock::StockInputs inputs = stock::open_stock_inputs(cfg, o.with_stock, tile);
    stock::StockRunSummary run;
    run.cfg = &cfg;
    run.inputs = &inputs;
    run.with_stock = o.with_stock;
    run.threads = exec.threads();
    if (inputs.model) run.model_path = *cfg.stock.biomass_model;
    run.timings.inputs = clock.mark();

    run.thresholds = stock::compute_scene_statistics(inputs, exec, ctx, o.common);
    run.timings.statistics = clock.mark();

    ensure_writable_dir(cfg.output_dir);
    OutputTransaction transaction;
    const auto compression =
        choose_compression(o.compression, cfg.processing.compression, cfg.processing.compression_level, 0);
    stock::StockRasters rasters(cfg, inputs, run.thresholds, o.with_stock, compression, transaction);

    const Grid& grid = inputs.grid;
    std::vector<double> row_area(static_cast<std::size_t>(grid.height()));
    for (std::int64_t r = 0; r < grid.height(); ++r) row_area[static_cast<std::size_t>(r)] = grid.cell_area_m2(r);
    const stock::StockKernel kernel(inputs, cfg.habitat, rasters.sinks(), row_area);
    science::SceneStockSums scene_sums(grid.height());
    std::vector<std::int64_t> unmapped;
    {
        const auto& plan = *inputs.plan;
        const auto tiles = plan.all();
        std::vector<std::unique_ptr<stock::StockWorker>> workers(static_cast<std::size_t>(exec.threads()));
        const auto progress = make_progress(ctx, o.common, o.with_stock ? "stock" : "habitat",
                                            static_cast<std::int64_t>(tiles.size()));
        exec.run_ordered(
            tiles.size(),
            [&](std::size_t p, int slot) {
                auto& w = workers[static_cast<std::size_t>(slot)];
                if (!w) w = std::make_unique<stock::StockWorker>(inputs);
                kernel.run(plan.window(tiles[p]), *w);
            },
            [&](std::size_t, int slot) {
                const auto& r = workers[static_cast<std::size_t>(slot)]->result;
                science::merge_unmapped_codes(unmapped, r.unmapped);
                if (unmapped.empty()) scene_sums.merge(r.sums);
            },
            progress.get());
        progress->finish();
    }
    if (!unmapped.empty()) {
        throw InputError(fmt::format("{}: class codes {} occur in {} but are not in [habitat.classes]; map every "
                                     "code to a habitat",
                                     cfg.habitat.classes_origin.str(), fmt::join(unmapped, ", "),
                                     cfg.habitat.map->path.filename().string()));
    }
    run.timings.tiles = clock.mark();

    run.habitats = inputs.pools ? scene_sums.summarize(*inputs.pools, row_area) : scene_sums.areas(row_area);
    run.model_fallback_pixels = scene_sums.model_fallback_pixels();

    rasters.finish(exec.threads());
    run.timings.finish = clock.mark();
    run.timings.total = clock.total();
    const std::string run_json = stock::write_stock_tables(run, transaction);
    transaction.commit();
    print_stock_summary(ctx, o.common, run, run_json);
}

}  // namespace bluecarbon::cli
