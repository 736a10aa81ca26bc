#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/coverage.hpp>
#include <bluecarbon/parcels/parcel_index.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace bluecarbon::parcels {

namespace {

struct ThreadScratch {
    CoverageScratch coverage;
    CoverageBlock cov;
    Block<float> values;
    Block<float> weights;
};

using TilePartials = std::vector<std::pair<std::size_t, ZonalPartial>>;

}  // namespace

ZonalRunResult compute_zonal(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels,
                             const ZonalOptions& options, const ZonalRunSettings& settings) {
    if (!rasters.values) throw std::invalid_argument("compute_zonal: no values raster");
    const RasterSource& values = *rasters.values;
    const Grid& grid = values.grid();
    if (rasters.weights) {
        const Grid& wg = rasters.weights->grid();
        if (wg.width() != grid.width() || wg.height() != grid.height() || !(wg.transform() == grid.transform()))
            throw InputError(fmt::format("{}: the weights raster is not on the grid of {} (open it aligned)",
                                         rasters.weights->path().string(), values.path().string()));
    }
    const bool use_weights = rasters.weights && options.wants_weights();

    std::vector<PixelPolygon> polygons;
    polygons.reserve(parcels.size());
    for (const auto& g : parcels) polygons.emplace_back(g, grid.transform());

    ZonalRunResult result;
    result.parcels.resize(parcels.size());
    for (std::size_t i = 0; i < polygons.size(); ++i)
        if (polygons[i].window().intersection(grid.full_window()).empty()) result.off_grid.push_back(i);

    const ParcelIndex index(polygons);
    const auto plan = TilePlan::aligned_to_blocks(grid, settings.tile_size, settings.tile_size, values.block_width(),
                                                  values.block_height());
    std::vector<std::size_t> tiles;
    for (std::size_t t = 0; t < plan.size(); ++t)
        if (!index.query(plan.window(t)).empty()) tiles.push_back(t);
    result.tiles = tiles.size();

    const TileExecutor executor(settings.threads);
    std::vector<ThreadScratch> scratch(static_cast<std::size_t>(executor.threads()));
    std::vector<std::optional<TilePartials>> slots(static_cast<std::size_t>(executor.threads()));
    executor.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            auto& s = scratch[static_cast<std::size_t>(slot)];
            const Window tile = plan.window(tiles[p]);
            TilePartials out;
            const auto hits = index.query(tile);
            // Read only the part of the tile the parcels' windows cover.
            Window need{};
            for (std::size_t i : hits) {
                const Window w = polygons[i].window().intersection(tile);
                if (w.empty()) continue;
                if (need.empty()) {
                    need = w;
                } else {
                    const auto c0 = std::min(need.col_off, w.col_off), r0 = std::min(need.row_off, w.row_off);
                    const auto c1 = std::max(need.col_end(), w.col_end()), r1 = std::max(need.row_end(), w.row_end());
                    need = {c0, r0, c1 - c0, r1 - r0};
                }
            }
            if (!need.empty()) {
                values.read(rasters.band, need, s.values);
                if (use_weights) rasters.weights->read(rasters.weights_band, need, s.weights);
                for (std::size_t i : hits) {
                    coverage_fractions(polygons[i], need, s.cov, s.coverage);
                    if (s.cov.window.empty()) continue;
                    ZonalPartial part;
                    accumulate(s.cov, s.values, use_weights ? &s.weights : nullptr, grid, options, part);
                    out.emplace_back(i, std::move(part));
                }
            }
            slots[static_cast<std::size_t>(slot)].emplace(std::move(out));
        },
        [&](std::size_t, int slot) {
            auto& r = slots[static_cast<std::size_t>(slot)];
            for (auto& [i, part] : *r) result.parcels[i].merge(std::move(part));
            r.reset();
        },
        settings.progress);
    return result;
}

}  // namespace bluecarbon::parcels
