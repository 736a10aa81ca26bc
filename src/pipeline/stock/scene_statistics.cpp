#include "pipeline/stock/scene_statistics.hpp"

#include "pipeline/phase.hpp"
#include "pipeline/stock/tile_variables.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/science/histogram.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace bluecarbon::pipeline::stock {

std::map<std::string, double> compute_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                       const RunContext& ctx) {
    std::map<std::string, double> thresholds;
    if (!inputs.rules || inputs.rules->statistics().empty()) return thresholds;
    std::set<std::string> stat_vars;
    for (const auto& s : inputs.rules->statistics()) stat_vars.insert(s.variable);
    const std::vector<std::string> names(stat_vars.begin(), stat_vars.end());
    const auto& plan = *inputs.plan;
    const auto tiles = plan.all();

    std::vector<science::SceneHistogram> scene(names.size());
    // Per worker: its tile variables and the histograms of the tile it just did (merged in tile order).
    std::vector<std::unique_ptr<TileVariables>> vars(static_cast<std::size_t>(exec.threads()));
    std::vector<std::vector<science::SceneHistogram>> tile_hist(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, "statistics", static_cast<std::int64_t>(tiles.size()));
    exec.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            const auto s = static_cast<std::size_t>(slot);
            if (!vars[s]) vars[s] = std::make_unique<TileVariables>(inputs);
            auto& tv = *vars[s];
            tv.start(plan.window(tiles[p]));
            auto& hist = tile_hist[s];
            hist.resize(names.size());  // allocated on a worker's first tile, then cleared and reused
            for (auto& h : hist) h.clear();
            for (std::size_t i = 0; i < names.size(); ++i) {
                const auto& b = tv.get(names[i]);
                hist[i].add(b.px, b.valid);
            }
        },
        [&](std::size_t, int slot) {
            auto& hist = tile_hist[static_cast<std::size_t>(slot)];
            for (std::size_t i = 0; i < names.size(); ++i) scene[i].merge(hist[i]);
            phase.tick();
        });
    phase.finish();
    for (const auto& s : inputs.rules->statistics()) {
        const auto i = static_cast<std::size_t>(std::find(names.begin(), names.end(), s.variable) - names.begin());
        const auto v = s.kind == science::SceneStatistic::Kind::otsu ? scene[i].otsu() : scene[i].percentile(s.p);
        if (!v)
            throw InputError(fmt::format("habitat rules: {} is undefined on this scene ({} valid pixels of {})",
                                         s.key(), scene[i].total(), s.variable));
        thresholds[s.key()] = *v;
    }
    inputs.rules->set_statistics(thresholds);
    return thresholds;
}

}  // namespace bluecarbon::pipeline::stock
