#include "pipeline/stock/scene_statistics.hpp"

#include "pipeline/phase.hpp"
#include "pipeline/stock/tile_variables.hpp"

#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/science/histogram.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace bluecarbon::pipeline::stock {

namespace {

using science::SceneHistogram;

// The variables the statistics are of, sorted and distinct (the same list on every rank).
std::vector<std::string> statistic_variables(const science::HabitatRules& rules) {
    std::set<std::string> vars;
    for (const auto& s : rules.statistics()) vars.insert(s.variable);
    return {vars.begin(), vars.end()};
}

// The histograms of `names` over `tiles` (plan indices). Each worker feeds its own histograms all the tiles it
// does; they are merged once at the end. Counts are exact, so which worker did which tile cannot show.
std::vector<SceneHistogram> build_histograms(StockInputs& inputs, const TileExecutor& exec, const RunContext& ctx,
                                             const std::vector<std::string>& names,
                                             const std::vector<std::size_t>& tiles) {
    const auto& plan = *inputs.plan;
    const auto workers = static_cast<std::size_t>(exec.threads());
    std::vector<std::unique_ptr<TileVariables>> vars(workers);
    std::vector<std::vector<SceneHistogram>> worker_hist(workers, std::vector<SceneHistogram>(names.size()));
    Phase phase(ctx, "statistics", static_cast<std::int64_t>(tiles.size()));
    exec.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            const auto s = static_cast<std::size_t>(slot);
            if (!vars[s]) vars[s] = std::make_unique<TileVariables>(inputs);
            auto& tv = *vars[s];
            tv.start(plan.window(tiles[p]));
            for (std::size_t i = 0; i < names.size(); ++i) {
                const auto& b = tv.get(names[i]);
                worker_hist[s][i].add(b.px, b.valid);
            }
        },
        [&](std::size_t, int) { phase.tick(); });
    std::vector<SceneHistogram> scene(names.size());
    for (const auto& hist : worker_hist)
        for (std::size_t i = 0; i < names.size(); ++i) scene[i].merge(hist[i]);
    phase.finish();
    return scene;
}

// The rules' statistics drawn from the scene histograms of `names`.
std::map<std::string, double> thresholds_of(const science::HabitatRules& rules, const std::vector<std::string>& names,
                                            const std::vector<SceneHistogram>& scene) {
    std::map<std::string, double> thresholds;
    for (const auto& s : rules.statistics()) {
        const auto i = static_cast<std::size_t>(std::find(names.begin(), names.end(), s.variable) - names.begin());
        const auto v = s.kind == science::SceneStatistic::Kind::otsu ? scene[i].otsu() : scene[i].percentile(s.p);
        if (!v)
            throw InputError(fmt::format("habitat rules: {} is undefined on this scene ({} valid pixels of {})",
                                         s.key(), scene[i].total(), s.variable));
        thresholds[s.key()] = *v;
    }
    return thresholds;
}

// What a rank sends to rank 0: its tiles' histograms, or thresholds it already knows.
constexpr std::uint8_t k_histograms = 0, k_known = 1;

void put_thresholds(ByteWriter& w, const std::map<std::string, double>& t) {
    w.put<std::uint64_t>(t.size());
    for (const auto& [k, v] : t) {
        w.put<std::uint64_t>(k.size());
        for (char c : k) w.put(c);
        w.put(v);
    }
}

std::map<std::string, double> get_thresholds(ByteReader& r) {
    std::map<std::string, double> t;
    const std::size_t n = r.get_count(2 * sizeof(std::uint64_t));
    for (std::size_t i = 0; i < n; ++i) {
        std::string k(r.get_count(1), '\0');
        for (char& c : k) c = r.get<char>();
        t[k] = r.get<double>();
    }
    return t;
}

std::vector<std::byte> encode_histograms(const std::vector<SceneHistogram>& hist) {
    ByteWriter w;
    w.put(k_histograms);
    for (const auto& h : hist) {
        const auto e = h.entries();
        w.put<std::uint64_t>(e.size());
        const auto* b = reinterpret_cast<const std::byte*>(e.data());
        static_assert(sizeof(SceneHistogram::Entry) == sizeof(double) + sizeof(std::uint64_t));
        w.out.insert(w.out.end(), b, b + e.size_bytes());  // (value, count) pairs as they lie in memory
    }
    return std::move(w.out);
}

SceneHistogram get_histogram(ByteReader& r) {
    std::vector<SceneHistogram::Entry> e(r.get_count(sizeof(SceneHistogram::Entry)));
    for (auto& x : e) {
        x.value = r.get<double>();
        x.count = r.get<std::uint64_t>();
    }
    try {
        return SceneHistogram::from_entries(std::move(e));
    } catch (const std::invalid_argument&) {
        throw InputError("--mpi: a rank sent a corrupt histogram");
    }
}

}  // namespace

std::map<std::string, double> compute_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                       const RunContext& ctx) {
    if (!inputs.rules || inputs.rules->statistics().empty()) return {};
    const auto names = statistic_variables(*inputs.rules);
    std::map<std::string, double> thresholds;
    {
        const auto scene = build_histograms(inputs, exec, ctx, names, inputs.plan->all());
        thresholds = thresholds_of(*inputs.rules, names, scene);
    }
    // The histograms (tens of MB on a large scene) are gone: the tile phase must not stack its memory on what glibc
    // kept of them, nor inherit the mmap threshold their frees raised.
    release_phase_memory();
    inputs.rules->set_statistics(thresholds);
    return thresholds;
}

std::map<std::string, double> shared_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                      const RunContext& ctx,
                                                      const std::optional<std::map<std::string, double>>& known) {
    if (!inputs.rules || inputs.rules->statistics().empty()) return {};
    if (!ctx.ranks || !ctx.shard) throw std::logic_error("shared_scene_statistics: not in an MPI run");
    const auto names = statistic_variables(*inputs.rules);
    std::vector<std::byte> part;
    if (known) {
        ByteWriter w;
        w.put(k_known);
        put_thresholds(w, *known);
        part = std::move(w.out);
    } else {
        part = encode_histograms(
            build_histograms(inputs, exec, ctx, names, inputs.plan->shard(ctx.shard->index, ctx.shard->count)));
    }
    const auto& rules = *inputs.rules;
    const auto bytes = ctx.ranks->combine(std::move(part), [&](const std::vector<std::vector<std::byte>>& parts) {
        for (const auto& p : parts) {  // a rank's checkpoint (or sibling) already holds them: they stand for all
            ByteReader r(p);
            if (r.get<std::uint8_t>() != k_known) continue;
            ByteWriter w;
            put_thresholds(w, get_thresholds(r));
            return std::move(w.out);
        }
        // Exact histograms: merged in rank (= tile) order they are the whole scene's, whatever the rank count.
        std::vector<SceneHistogram> scene(names.size());
        for (const auto& p : parts) {
            ByteReader r(p);
            (void)r.get<std::uint8_t>();
            for (auto& h : scene) h.merge(get_histogram(r));
            if (!r.at_end()) throw InputError("--mpi: a rank sent a corrupt histogram");
        }
        ByteWriter w;
        put_thresholds(w, thresholds_of(rules, names, scene));
        return std::move(w.out);
    });
    ByteReader r(bytes);
    auto thresholds = get_thresholds(r);
    release_phase_memory();  // as compute_scene_statistics does
    inputs.rules->set_statistics(thresholds);
    return thresholds;
}

}  // namespace bluecarbon::pipeline::stock
