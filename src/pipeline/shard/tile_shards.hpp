#pragma once
// Private to the pipeline: the shard run and merge of a command whose tiles each give blocks of its output rasters
// and a partial result (indices, zonal, invest cbc; stock keeps its own, with scene statistics). A shard run
// computes its tiles of the plan into DIR/shard-i-of-n/ (journalled, resumable); the merge replays every shard's
// records in plan order: blocks into sinks made as one process makes them, partial results merged in tile order.
#include "pipeline/phase.hpp"
#include "pipeline/shard/manifest.hpp"
#include "pipeline/shard/shard_store.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bluecarbon::pipeline::shard {

/// Throws RequestError ("shard: 3/3: the index must be below the count (0 <= i < n)").
void check_spec(const ShardSpec& spec);

/// The shard to run: ctx.shard, else (a checkpointed run, ctx.resume) shard 0 of 1.
[[nodiscard]] ShardSpec spec_of(const RunContext& ctx);

/// What one shard run did.
struct ShardRun {
    std::filesystem::path folder;
    std::size_t computed{0}, resumed{0};
};

/// Prepares the folder of shard `m` in the output folder `out` and returns it: with `resume` and a checkpoint of
/// the same run there, kept (`resuming` set); a checkpoint of another run is refused (ConfigError naming what
/// changed); else the folder starts afresh with `m`'s manifest. Make the shard's sinks in it after this call.
[[nodiscard]] std::filesystem::path open_shard_folder(const std::filesystem::path& out, const Manifest& m,
                                                      bool resume, bool& resuming);

/// Runs the shard's tiles into `folder`'s store: `tiles` (the plan tiles of its range that have work, ascending)
/// but those the journal already holds when `resuming`. `compute(tile)` (any thread) writes the tile's blocks into
/// `sinks` (captured: see RasterSink::capture_tiles) and returns its partial result; the record (each sink's
/// block, then the partial) is appended in plan order.
using ComputeTile = std::function<std::vector<std::byte>(std::size_t tile)>;
[[nodiscard]] ShardRun run_shard_tiles(const std::filesystem::path& folder, bool resuming, const TilePlan& plan,
                                       std::span<const std::size_t> tiles, std::span<RasterSink* const> sinks,
                                       const TileExecutor& exec, const RunContext& ctx, const char* phase,
                                       const ComputeTile& compute);

/// The finished shards of a merge: every record in plan order. Throws InputError naming a shard whose journal
/// lacks a tile of `expected(shard)` (its range's tiles with work) or holds another.
class MergeRecords {
public:
    MergeRecords(const std::filesystem::path& dir, const std::vector<Manifest>& shards,
                 const std::function<std::vector<std::size_t>(const Manifest&)>& expected);
    [[nodiscard]] std::size_t size() const noexcept { return m_records.size(); }
    [[nodiscard]] TileRecord read(std::size_t p) const;

private:
    std::vector<std::unique_ptr<ShardReader>> m_readers;
    std::vector<std::pair<std::size_t, std::size_t>> m_records;  // (reader, k)
};

/// Replays the records: each record's blocks written into `sinks` (in parallel), then `partial(tile, bytes)` in
/// plan order. Throws InputError for a record with the wrong number of blocks.
void replay(const MergeRecords& records, const TilePlan& plan, std::span<RasterSink* const> sinks,
            const TileExecutor& exec, const RunContext& ctx,
            const std::function<void(std::size_t, std::span<const std::byte>)>& partial);

/// Removes a shard folder, whole or not at all after a crash (renamed aside, then deleted).
void remove_shard_folder(const std::filesystem::path& dir);

/// The manifest parameters' text for doubles: exact (C99 hex) and back.
[[nodiscard]] std::string exact_text(double v);
[[nodiscard]] double from_exact_text(const std::string& s);

}  // namespace bluecarbon::pipeline::shard
