#include "pipeline/stock/scene_statistics.hpp"

#include "pipeline/stock/statistics_passes.hpp"

#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include <stdexcept>
#include <vector>

namespace bluecarbon::pipeline::stock {

namespace {

using science::CoarseHistogram;
using science::SceneHistogram;

// What a rank sends to rank 0 in the first round: its tiles' coarse histograms, or thresholds it already knows.
// Rank 0 answers with the thresholds, or with the scene's coarse histograms for every rank to go on from.
constexpr std::uint8_t k_coarse = 0, k_known = 1;

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

// The non-empty buckets only: a scene's values fill a few thousand of the 2^16.
void put_coarse(ByteWriter& w, const std::vector<CoarseHistogram>& hist) {
    for (const auto& h : hist) {
        const auto buckets = h.buckets();
        w.put<std::uint64_t>(std::ranges::count_if(buckets, [](const auto& b) { return b.count > 0; }));
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            if (buckets[i].count == 0) continue;
            w.put(static_cast<std::uint16_t>(i));
            w.put(buckets[i].count);
            w.put(buckets[i].low_sum);
            w.put(buckets[i].min_low);
            w.put(buckets[i].max_low);
        }
    }
}

constexpr std::size_t k_bucket_bytes = 3 * sizeof(std::uint16_t) + 2 * sizeof(std::uint64_t);

std::vector<CoarseHistogram> get_coarse(ByteReader& r, std::size_t variables) {
    std::vector<CoarseHistogram> hist(variables);
    for (auto& h : hist) {
        const std::size_t n = r.get_count(k_bucket_bytes);
        for (std::size_t i = 0; i < n; ++i) {
            const auto index = r.get<std::uint16_t>();
            CoarseHistogram::Bucket b;
            b.count = r.get<std::uint64_t>();
            b.low_sum = r.get<std::uint64_t>();
            b.min_low = r.get<std::uint16_t>();
            b.max_low = r.get<std::uint16_t>();
            try {
                h.add_bucket(index, b);
            } catch (const std::invalid_argument&) {
                throw InputError("--mpi: a rank sent a corrupt histogram");
            }
        }
    }
    return hist;
}

void put_exact(ByteWriter& w, const std::vector<SceneHistogram>& hist) {
    for (const auto& h : hist) {
        const auto e = h.entries();
        w.put<std::uint64_t>(e.size());
        for (const auto& x : e) {
            w.put(x.value);
            w.put(x.count);
        }
    }
}

SceneHistogram get_exact(ByteReader& r) {
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

std::vector<SceneHistogram> get_exacts(ByteReader& r, std::size_t variables) {
    std::vector<SceneHistogram> h;
    for (std::size_t i = 0; i < variables; ++i) h.push_back(get_exact(r));
    return h;
}

// The parts' histograms merged in rank order (exact: the whole scene's for any rank count), as bytes for all.
template <class Get, class Put>
std::vector<std::byte> merge_parts(const std::vector<std::vector<std::byte>>& parts, std::size_t header_bytes,
                                   Get&& get, Put&& put) {
    decltype(get(std::declval<ByteReader&>())) scene;
    bool first = true;
    for (const auto& p : parts) {
        ByteReader r(p);
        for (std::size_t i = 0; i < header_bytes; ++i) (void)r.get<std::uint8_t>();
        auto part = get(r);
        if (!r.at_end()) throw InputError("--mpi: a rank sent a corrupt histogram");
        if (first) {
            scene = std::move(part);
            first = false;
        } else {
            for (std::size_t i = 0; i < scene.size(); ++i) scene[i].merge(part[i]);
        }
    }
    ByteWriter w;
    put(w, scene);
    return std::move(w.out);
}

// The first exchange: each rank's part (written by `put_part`) to rank 0, whose answer every rank gets: k_known and
// the thresholds when a rank knew them (its checkpoint or a sibling's holds them: they stand for all), else
// k_coarse and the scene's coarse histograms.
template <class PutPart>
std::vector<std::byte> share_first_read(RankGroup& ranks, std::size_t variables, PutPart&& put_part) {
    ByteWriter mine;
    put_part(mine);
    return ranks.combine(std::move(mine.out), [&](const std::vector<std::vector<std::byte>>& parts) {
        for (const auto& p : parts) {
            ByteReader r(p);
            if (r.get<std::uint8_t>() != k_known) continue;
            ByteWriter w;
            w.put(k_known);
            put_thresholds(w, get_thresholds(r));
            return std::move(w.out);
        }
        auto merged = merge_parts(parts, 1, [&](ByteReader& r) { return get_coarse(r, variables); }, put_coarse);
        merged.insert(merged.begin(), std::byte{k_coarse});
        return merged;
    });
}

// A further exchange: each rank's exact values of the buckets asked for; back come the scene's.
std::vector<SceneHistogram> share_exact_read(RankGroup& ranks, const std::vector<SceneHistogram>& mine) {
    const std::size_t variables = mine.size();
    ByteWriter w;
    put_exact(w, mine);
    const auto all = ranks.combine(std::move(w.out), [&](const std::vector<std::vector<std::byte>>& parts) {
        return merge_parts(parts, 0, [&](ByteReader& r) { return get_exacts(r, variables); }, put_exact);
    });
    ByteReader r(all);
    return get_exacts(r, variables);
}

}  // namespace

std::map<std::string, double> compute_scene_statistics(StockInputs& inputs, const TileExecutor& exec,
                                                       const RunContext& ctx) {
    if (!inputs.rules || inputs.rules->statistics().empty()) return {};
    const auto names = statistic_variables(*inputs.rules);
    const auto tiles = inputs.plan->all();
    std::map<std::string, double> thresholds;
    {
        auto stats = want_statistics(*inputs.rules, names, read_coarse(inputs, exec, ctx, names, tiles));
        while (buckets_remain(stats)) add_exact_pass(stats, names, read_exact(inputs, exec, ctx, names, tiles, stats));
        thresholds = thresholds_of(*inputs.rules, names, stats);
    }
    // The histograms are gone: the tile phase must not stack its memory on what glibc kept of them, nor inherit
    // the mmap threshold their frees raised.
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
    const auto tiles = inputs.plan->shard(ctx.shard->index, ctx.shard->count);
    std::map<std::string, double> thresholds;
    {
        const auto answer = share_first_read(*ctx.ranks, names.size(), [&](ByteWriter& w) {
            if (known) {
                w.put(k_known);
                put_thresholds(w, *known);
            } else {
                w.put(k_coarse);
                put_coarse(w, read_coarse(inputs, exec, ctx, names, tiles));
            }
        });
        ByteReader r(answer);
        if (r.get<std::uint8_t>() == k_known) {
            thresholds = get_thresholds(r);
        } else {
            // Every rank got the same histograms, so every rank takes the same further reads.
            auto stats = want_statistics(*inputs.rules, names, get_coarse(r, names.size()));
            while (buckets_remain(stats)) {
                ctx.ranks->another_round();
                add_exact_pass(stats, names,
                               share_exact_read(*ctx.ranks, read_exact(inputs, exec, ctx, names, tiles, stats)));
            }
            thresholds = thresholds_of(*inputs.rules, names, stats);
        }
    }
    release_phase_memory();  // as compute_scene_statistics does
    inputs.rules->set_statistics(thresholds);
    return thresholds;
}

}  // namespace bluecarbon::pipeline::stock
