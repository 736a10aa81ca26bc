// `merge`: finds DIR's shard folders, checks that their manifests agree and cover the plan exactly once, and
// hands them to the command's merge.
#include <bluecarbon/pipeline/merge.hpp>

#include "pipeline/shard/manifest.hpp"
#include "pipeline/shard/merges.hpp"
#include "pipeline/shard/shard_store.hpp"
#include "pipeline/stock/stock_shard.hpp"

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <map>
#include <regex>
#include <tuple>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

MergeResult run_merge(const MergeRequest& req, const RunContext& ctx) {
    const fs::path dir = fs::absolute(req.dir);
    if (!fs::is_directory(dir)) throw InputError(fmt::format("{}: no such folder", dir.string()));
    const std::regex name_re(R"(shard-(\d+)-of-(\d+))");
    std::vector<std::pair<std::string, shard::Manifest>> found;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        std::smatch mt;
        if (!e.is_directory() || !std::regex_match(name, mt, name_re)) continue;
        shard::Manifest m = shard::read_manifest(e.path());
        if (name != shard::shard_folder_name(m.index, m.count))
            throw InputError(fmt::format("{}: its manifest is that of shard {} of {}", e.path().string(), m.index,
                                         m.count));
        found.emplace_back(name, std::move(m));
    }
    if (found.empty()) throw InputError(fmt::format("{}: no shard-<i>-of-<n> folders to merge", dir.string()));
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::pair(a.second.count, a.second.index) < std::pair(b.second.count, b.second.index);
    });
    const auto& first = found.front();
    for (const auto& [name, m] : found) {
        if (m.count != first.second.count)
            throw InputError(fmt::format("{}: shards of different splits: {} and {} (remove the stale folders)",
                                         dir.string(), first.first, name));
        if (const auto d = shard::differences(first.second, m, true); !d.empty())
            throw InputError(fmt::format("{}: {} and {} are shards of different runs: {}", dir.string(), first.first,
                                         name, fmt::join(d, "; ")));
    }
    const std::size_t n = first.second.count;
    std::vector<shard::Manifest> shards;
    std::size_t next_tile = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= found.size() || found[i].second.index != i)
            throw InputError(fmt::format("{}: shard {} of {} is missing ({})", dir.string(), i, n,
                                         shard::shard_folder_name(i, n)));
        const auto& m = found[i].second;
        if (m.first_tile != next_tile && m.end_tile != m.first_tile)
            throw InputError(fmt::format("{}: {} covers tiles {}-{}, expected from tile {}", dir.string(),
                                         found[i].first, m.first_tile, m.end_tile, next_tile));
        if (m.end_tile != m.first_tile) next_tile = m.end_tile;
        shards.push_back(m);
    }
    if (next_tile != first.second.tiles)
        throw InputError(fmt::format("{}: the shards cover {} of the plan's {} tiles", dir.string(), next_tile,
                                     first.second.tiles));
    MergeResult r;
    r.command = first.second.command;
    r.shards = n;
    r.dir = dir;
    r.complete = ctx.ranks == nullptr || ctx.ranks->rank() == 0;
    if (r.command == "stock" || r.command == "habitat") {
        r.run = stock::merge_stock_shards(dir, shards, ctx);  // under MPI, each rank its share
        r.json = r.run.run_json;
    } else if (!r.complete) {
        // zonal, indices and invest cbc merge on rank 0 alone
    } else if (r.command == "zonal") {
        std::tie(r.json, r.text) = shard::merge_zonal(dir, shards, ctx);
    } else if (r.command == "indices") {
        std::tie(r.json, r.text) = shard::merge_indices(dir, shards, ctx);
    } else if (r.command == "invest cbc") {
        std::tie(r.json, r.text) = shard::merge_invest_cbc(dir, shards, ctx);
    } else {
        throw InputError(fmt::format("{}: cannot merge shards of `{}`", dir.string(), r.command));
    }
    return r;
}

}  // namespace bluecarbon::pipeline
