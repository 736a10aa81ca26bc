#include "pipeline/stock/statistics_passes.hpp"

#include "pipeline/phase.hpp"
#include "pipeline/stock/tile_variables.hpp"

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <memory>
#include <set>
#include <stdexcept>

namespace bluecarbon::pipeline::stock {

namespace {

using science::BoundedStatistics;
using science::CoarseHistogram;
using science::SceneHistogram;

// Reads `names` over `tiles` as phase `phase_name`: `use(worker, i, block)` gets variable i's pixels of a tile on
// the worker's own slot, so each worker keeps its own accumulators and no two threads share one.
template <class Use>
void read_variables(StockInputs& inputs, const TileExecutor& exec, const RunContext& ctx, const char* phase_name,
                    const std::vector<std::string>& names, const std::vector<std::size_t>& tiles, Use&& use) {
    const auto& plan = *inputs.plan;
    std::vector<std::unique_ptr<TileVariables>> vars(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, phase_name, static_cast<std::int64_t>(tiles.size()));
    exec.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            const auto s = static_cast<std::size_t>(slot);
            if (!vars[s]) vars[s] = std::make_unique<TileVariables>(inputs);
            auto& tv = *vars[s];
            tv.start(plan.window(tiles[p]));
            for (std::size_t i = 0; i < names.size(); ++i) use(s, i, tv.get(names[i]));
        },
        [&](std::size_t, int) { phase.tick(); });
    phase.finish();
}

}  // namespace

std::vector<std::string> statistic_variables(const science::HabitatRules& rules) {
    std::set<std::string> vars;
    for (const auto& s : rules.statistics()) vars.insert(s.variable);
    return {vars.begin(), vars.end()};
}

std::vector<CoarseHistogram> read_coarse(StockInputs& inputs, const TileExecutor& exec, const RunContext& ctx,
                                         const std::vector<std::string>& names, const std::vector<std::size_t>& tiles) {
    const auto workers = static_cast<std::size_t>(exec.threads());
    std::vector<std::vector<CoarseHistogram>> part(workers);
    read_variables(inputs, exec, ctx, "statistics", names, tiles, [&](std::size_t w, std::size_t i, const auto& b) {
        if (part[w].empty())
            part[w].resize(names.size());  // 1.5 MB each: only for the workers that run
        part[w][i].add(b.px, b.valid);
    });
    std::vector<CoarseHistogram> scene(names.size());
    for (const auto& p : part)
        for (std::size_t i = 0; i < p.size(); ++i) scene[i].merge(p[i]);
    return scene;
}

std::vector<SceneHistogram> read_exact(StockInputs& inputs, const TileExecutor& exec, const RunContext& ctx,
                                       const std::vector<std::string>& names, const std::vector<std::size_t>& tiles,
                                       const std::vector<BoundedStatistics>& stats) {
    // Only the variables with buckets left are read again.
    std::vector<std::size_t> reread;
    std::vector<std::string> reread_names;
    std::vector<std::bitset<CoarseHistogram::bucket_count>> wanted;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (stats[i].buckets_to_read().empty()) continue;
        reread.push_back(i);
        reread_names.push_back(names[i]);
        wanted.emplace_back();
        for (const std::uint16_t b : stats[i].buckets_to_read()) wanted.back().set(b);
    }
    const auto workers = static_cast<std::size_t>(exec.threads());
    std::vector<std::vector<SceneHistogram>> part(workers, std::vector<SceneHistogram>(reread.size()));
    std::vector<std::vector<float>> picked(workers);
    read_variables(inputs, exec, ctx, "statistics, exact values", reread_names, tiles,
                   [&](std::size_t w, std::size_t j, const auto& b) {
                       auto& keep = picked[w];
                       keep.clear();
                       for (std::size_t k = 0; k < b.px.size(); ++k)
                           if (b.valid[k] && std::isfinite(b.px[k]) && wanted[j][CoarseHistogram::bucket_of(b.px[k])])
                               keep.push_back(b.px[k]);
                       part[w][j].add(keep, std::vector<std::uint8_t>(keep.size(), 1));
                   });
    std::vector<SceneHistogram> scene(names.size());
    for (const auto& p : part)
        for (std::size_t j = 0; j < reread.size(); ++j) scene[reread[j]].merge(p[j]);
    return scene;
}

std::vector<BoundedStatistics> want_statistics(const science::HabitatRules& rules,
                                               const std::vector<std::string>& names,
                                               std::vector<CoarseHistogram> coarse) {
    std::vector<BoundedStatistics> stats;
    for (auto& c : coarse) stats.emplace_back(std::move(c));
    for (const auto& s : rules.statistics()) {
        auto& st = stats[static_cast<std::size_t>(std::find(names.begin(), names.end(), s.variable) - names.begin())];
        if (s.kind == science::SceneStatistic::Kind::otsu) {
            st.want_otsu();
        } else {
            st.want_percentile(s.p);
        }
    }
    return stats;
}

bool buckets_remain(const std::vector<BoundedStatistics>& stats) {
    return std::ranges::any_of(stats, [](const auto& s) { return !s.buckets_to_read().empty(); });
}

void add_exact_pass(std::vector<BoundedStatistics>& stats, const std::vector<std::string>& names,
                    const std::vector<SceneHistogram>& exact) {
    for (std::size_t i = 0; i < stats.size(); ++i) {
        try {
            stats[i].add_exact(exact[i]);
        } catch (const std::invalid_argument&) {
            throw InputError(fmt::format("habitat rules: the values of {} changed between two reads of the inputs "
                                         "(was an input file rewritten during the run?)",
                                         names[i]));
        }
    }
}

std::map<std::string, double> thresholds_of(const science::HabitatRules& rules, const std::vector<std::string>& names,
                                            const std::vector<BoundedStatistics>& stats) {
    std::map<std::string, double> thresholds;
    for (const auto& s : rules.statistics()) {
        const auto& st =
            stats[static_cast<std::size_t>(std::find(names.begin(), names.end(), s.variable) - names.begin())];
        const auto v = s.kind == science::SceneStatistic::Kind::otsu ? st.otsu() : st.percentile(s.p);
        if (!v)
            throw InputError(fmt::format("habitat rules: {} is undefined on this scene ({} valid pixels of {})",
                                         s.key(), st.total(), s.variable));
        thresholds[s.key()] = *v;
    }
    return thresholds;
}

}  // namespace bluecarbon::pipeline::stock
