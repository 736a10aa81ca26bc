#include "pipeline/credits/trajectories.hpp"

#include "pipeline/phase.hpp"

#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/parcels/coverage.hpp>
#include <bluecarbon/parcels/parcel_index.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace bluecarbon::pipeline::credits {

namespace {

struct TileScratch {
    Block<float> codes;
    std::vector<std::uint8_t> habitat;
    std::vector<std::uint64_t> keys;
    parcels::CoverageBlock cov;
    parcels::CoverageScratch cov_scratch;
};

using TileResult = std::vector<std::pair<std::size_t, std::map<std::uint64_t, ExactSum>>>;

} // namespace

TrajectoryRun trajectory_areas(const Grid& grid, std::span<const MapInput> maps, const science::ClassMapping& classes,
                               std::span<const MultiPolygon> parcels, const TileExecutor& executor, std::int64_t tile,
                               const RunContext& ctx) {
    if (maps.size() > k_max_maps)
        throw ConfigError(fmt::format("at most {} habitat maps", k_max_maps));
    std::vector<parcels::PixelPolygon> polygons;
    for (const auto& g : parcels)
        polygons.emplace_back(g, grid.transform());
    const parcels::ParcelIndex index(polygons);
    const auto& first = *maps.front().source;
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, tile, tile, first.block_width(), first.block_height());
    std::vector<std::size_t> tiles; // only those touching a parcel
    for (std::size_t t = 0; t < plan.size(); ++t) {
        if (!index.query(plan.window(t)).empty())
            tiles.push_back(t);
    }

    TrajectoryRun run;
    run.area_m2.resize(parcels.size());
    run.tiles = tiles.size();
    Phase phase(ctx, "credits", static_cast<std::int64_t>(tiles.size()));
    executor.run<TileResult>(
        plan, tiles,
        [&](std::size_t, const Window& w) {
            phase.check_cancel();
            thread_local TileScratch s;
            const auto n = static_cast<std::size_t>(w.size());
            s.keys.assign(n, 0);
            s.habitat.resize(n);
            for (std::size_t k = 0; k < maps.size(); ++k) {
                maps[k].source->read(0, w, s.codes);
                std::vector<std::int64_t> unmapped;
                classes.apply(s.codes.px, s.codes.valid, s.habitat, unmapped, maps[k].label);
                if (!unmapped.empty()) {
                    std::string list;
                    for (auto c : unmapped)
                        list += (list.empty() ? "" : ", ") + std::to_string(c);
                    throw InputError(fmt::format("{}: class code(s) {} not in [habitat.classes]", maps[k].label, list));
                }
                for (std::size_t i = 0; i < n; ++i) {
                    const std::uint8_t h = s.habitat[i] == science::k_habitat_nodata ? 0 : s.habitat[i];
                    s.keys[i] |= static_cast<std::uint64_t>(h & 0xFU) << (4 * k);
                }
            }
            TileResult out;
            for (std::size_t p : index.query(w)) {
                parcels::coverage_fractions(polygons[p], w, s.cov, s.cov_scratch);
                const Window& cw = s.cov.window;
                if (cw.empty())
                    continue;
                std::map<std::uint64_t, ExactSum> areas;
                for (std::int64_t r = cw.row_off; r < cw.row_end(); ++r) {
                    const double cell = grid.cell_area_m2(r);
                    for (std::int64_t c = cw.col_off; c < cw.col_end(); ++c) {
                        const double f = s.cov.at(c, r);
                        if (!(f > 0))
                            continue;
                        const auto i = static_cast<std::size_t>((r - w.row_off) * w.cols + (c - w.col_off));
                        areas[s.keys[i]].add(f * cell);
                    }
                }
                if (!areas.empty())
                    out.emplace_back(p, std::move(areas));
            }
            return out;
        },
        [&](std::size_t, TileResult&& r) {
            for (auto& [p, areas] : r) {
                for (auto& [key, sum] : areas)
                    run.area_m2[p][key].merge(sum);
            }
            phase.tick();
        });
    phase.finish();
    return run;
}

} // namespace bluecarbon::pipeline::credits
