#pragma once
/// Running a command split across processes: `--shard I/N` parsed, and MPI (when the build has it): rank r of N
/// runs shard r/N with the cores it was given, the ranks agree on success, then merge together.
#include <bluecarbon/pipeline/run_context.hpp>

#include <functional>
#include <string_view>

namespace bluecarbon::pipeline {

/// "I/N" with 0 <= I < N. Throws RequestError ("shard: 3/3: the index must be below the count (0 <= I < N)").
[[nodiscard]] ShardSpec parse_shard(std::string_view text);

/// Whether this build has MPI (Open MPI found when it was configured).
[[nodiscard]] bool mpi_available() noexcept;

/// Under MPI: `run` as shard rank/size (ctx.threads, when 0, set to the cores bound to this rank), then, once
/// every rank succeeded, `merge` on every rank (ctx.shard unset, ctx.ranks set): run_merge shares the stock and
/// habitat merges across the ranks (each finishes its share of the rasters, rank 0 also the tables) and does the
/// others on rank 0. Returns whether this is rank 0, whose merge result is the run's. A rank whose part failed
/// rethrows its error; the others throw Error naming the failure elsewhere. Throws InputError without MPI,
/// RequestError ("shard: not with --mpi ...") when ctx.shard is already set.
bool run_mpi(RunContext& ctx, const std::function<void()>& run, const std::function<void()>& merge);

}  // namespace bluecarbon::pipeline
