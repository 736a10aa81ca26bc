// Shard runs and merges of the tile-by-tile commands (indices, zonal, invest cbc): see tile_shards.hpp.
#include "pipeline/shard/tile_shards.hpp"

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace bluecarbon::pipeline::shard {

namespace fs = std::filesystem;

void check_spec(const ShardSpec& spec) {
    if (spec.count == 0 || spec.index >= spec.count)
        throw RequestError("shard", fmt::format("{}/{}: the index must be below the count (0 <= i < n)", spec.index,
                                                spec.count));
}

ShardSpec spec_of(const RunContext& ctx) {
    const ShardSpec spec = ctx.shard.value_or(ShardSpec{0, 1});
    check_spec(spec);
    return spec;
}

void remove_shard_folder(const fs::path& dir) {
    const fs::path aside = dir.parent_path() / fmt::format(".{}.removing", dir.filename().string());
    std::error_code ec;
    fs::remove_all(aside, ec);
    fs::rename(dir, aside, ec);
    fs::remove_all(aside, ec);
}

std::string exact_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    return buf;
}

double from_exact_text(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

fs::path open_shard_folder(const fs::path& out, const Manifest& m, bool resume, bool& resuming) {
    const fs::path folder = out / shard_folder_name(m.index, m.count);
    resuming = false;
    if (resume && fs::exists(folder / "manifest.json")) {
        const Manifest old = read_manifest(folder);
        auto diff = differences(old, m, true);
        if (old.index != m.index || old.count != m.count)
            diff.push_back(fmt::format("shard {}/{} vs {}/{}", old.index, old.count, m.index, m.count));
        if (!diff.empty())
            throw ConfigError(fmt::format("--resume: {} holds a checkpoint of another run: {}", folder.string(),
                                          fmt::join(diff, "; ")));
        resuming = true;
    } else {
        remove_shard_folder(folder);
        ensure_writable_dir(folder);
        write_manifest(folder, m);
    }
    return folder;
}

ShardRun run_shard_tiles(const fs::path& folder, bool resuming, const TilePlan& plan,
                         std::span<const std::size_t> tiles, std::span<RasterSink* const> sinks,
                         const TileExecutor& exec, const RunContext& ctx, const char* phase_name,
                         const ComputeTile& compute) {
    ShardRun run;
    run.folder = folder;
    ShardStore store(run.folder, resuming);
    for (auto* s : sinks) s->capture_tiles();
    std::vector<std::size_t> todo;
    for (std::size_t t : tiles)
        if (store.done().count(t) == 0) todo.push_back(t);
    run.computed = todo.size();
    run.resumed = tiles.size() - todo.size();
    std::vector<std::optional<std::vector<std::vector<std::byte>>>> slots(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, phase_name, static_cast<std::int64_t>(todo.size()));
    exec.run_ordered(
        todo.size(),
        [&](std::size_t p, int slot) {
            phase.check_cancel();
            std::vector<std::byte> partial = compute(todo[p]);
            std::vector<std::vector<std::byte>> blobs;
            for (auto* s : sinks) blobs.push_back(s->take_tile(plan.window(todo[p])));
            blobs.push_back(std::move(partial));
            slots[static_cast<std::size_t>(slot)].emplace(std::move(blobs));
        },
        [&](std::size_t p, int slot) {
            auto& r = slots[static_cast<std::size_t>(slot)];
            store.append(todo[p], *r);
            r.reset();
            phase.tick();
        });
    phase.finish();
    return run;
}

MergeRecords::MergeRecords(const fs::path& dir, const std::vector<Manifest>& shards,
                           const std::function<std::vector<std::size_t>(const Manifest&)>& expected) {
    for (const auto& s : shards) {
        const fs::path sd = dir / shard_folder_name(s.index, s.count);
        m_readers.push_back(std::make_unique<ShardReader>(sd));
        const auto& tiles = m_readers.back()->tiles();
        const std::vector<std::size_t> want = expected(s);
        // Journal order is plan order, but for a resumed run's later tiles: feed the records in plan order.
        std::vector<std::size_t> order(tiles.size());
        for (std::size_t k = 0; k < tiles.size(); ++k) order[k] = k;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return tiles[a] < tiles[b]; });
        bool ok = tiles.size() == want.size();
        for (std::size_t k = 0; ok && k < want.size(); ++k) ok = tiles[order[k]] == want[k];
        if (!ok)
            throw InputError(fmt::format("merge: {} is unfinished ({} of {} tiles done): run it again with --shard "
                                         "{}/{} --resume",
                                         sd.string(), tiles.size(), want.size(), s.index, s.count));
        for (std::size_t k : order) m_records.emplace_back(m_readers.size() - 1, k);
    }
}

TileRecord MergeRecords::read(std::size_t p) const {
    const auto [ri, k] = m_records[p];
    return m_readers[ri]->read(k);
}

void replay(const MergeRecords& records, const TilePlan& plan, std::span<RasterSink* const> sinks,
            const TileExecutor& exec, const RunContext& ctx,
            const std::function<void(std::size_t, std::span<const std::byte>)>& partial) {
    std::vector<std::optional<TileRecord>> slots(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, "merge", static_cast<std::int64_t>(records.size()));
    exec.run_ordered(
        records.size(),
        [&](std::size_t p, int slot) {
            phase.check_cancel();
            TileRecord rec = records.read(p);
            if (rec.blobs.size() != sinks.size() + 1)
                throw InputError(fmt::format("merge: tile {} has {} blobs, {} expected", rec.tile, rec.blobs.size(),
                                             sinks.size() + 1));
            const Window w = plan.window(rec.tile);
            for (std::size_t i = 0; i < sinks.size(); ++i) {
                sinks[i]->write_tile(w, rec.blobs[i]);
                std::vector<std::byte>().swap(rec.blobs[i]);  // only the partial is kept for the ordered step
            }
            slots[static_cast<std::size_t>(slot)].emplace(std::move(rec));
        },
        [&](std::size_t, int slot) {
            auto& r = slots[static_cast<std::size_t>(slot)];
            partial(r->tile, r->blobs.back());
            r.reset();
            phase.tick();
        });
    phase.finish();
}

}  // namespace bluecarbon::pipeline::shard
