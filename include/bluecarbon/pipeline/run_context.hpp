#pragma once
/// What every pipeline entry point takes besides its request: how many threads, how large the tiles, where
/// progress goes and whether to stop. Conventions of the pipeline layer (one header per command in
/// include/bluecarbon/pipeline/):
///   XResult run_x(const XRequest&, const RunContext&)   (run_stock / run_habitat take the ProjectConfig)
///   std::string to_json(const XResult&)                  (what `bluecarbon x --json` prints)
/// An entry point checks its request before any output exists (RequestError names the request field), writes
/// its outputs through one OutputTransaction (all or none) and changes no process-wide state (see GdalSession).
#include <bluecarbon/error.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::pipeline {

/// Receives a run's progress: each phase ("statistics", "statistics, exact values", "stock", "survey trees", ...,
/// "writing") begins with its count of work items, advances (`done` counts up, mostly one item at a time;
/// "writing", the rasters' overviews and COG copies, counts thousandths of that work and may move on by several)
/// and ends, or is abandoned when an error or a cancel leaves it unfinished. Calls come one at a time (the
/// pipeline serialises them), though not always from the thread that started the run.
class ProgressObserver {
public:
    virtual ~ProgressObserver() = default;
    virtual void begin(std::string_view phase, std::int64_t total) = 0;
    virtual void advance(std::int64_t done, std::int64_t total) = 0;
    virtual void end() = 0;
    /// Ends a phase that an error or a cancel left unfinished (the run then throws). By default, end().
    virtual void abandon() { end(); }
};

/// One of `count` processes sharing a run (--shard index/count, or an MPI rank): it computes its contiguous range
/// of the tile plan (TilePlan::shard) into DIR/shard-<index>-of-<count>/, and `merge` writes the outputs.
struct ShardSpec {
    std::size_t index{0};
    std::size_t count{1};
};

/// The ranks of one phase of an MPI run (the shards' run, then their merge), for the exchanges a phase makes
/// across them: the scene statistics (each rank reads its own tiles, rank 0 combines the ranks' histograms, one
/// exchange per read), or the merge's agreement that every rank has staged its share of the outputs before any is
/// published.
/// Every rank calls combine() at most once per phase, from the thread that started it, plus once after each
/// another_round() (the statistics' further passes); run_mpi makes up the call of a rank that failed or never
/// needed it.
class RankGroup {
public:
    using Bytes = std::vector<std::byte>;
    virtual ~RankGroup() = default;
    /// This rank (0 <= rank() < size()) and the number of ranks.
    [[nodiscard]] virtual std::size_t rank() const noexcept = 0;
    [[nodiscard]] virtual std::size_t size() const noexcept = 0;
    /// Sends `part` to rank 0, which calls `combine` with every rank's part in rank order; every rank returns what
    /// `combine` returned. Throws Error when another rank failed before its call, InputError with the message of
    /// what `combine` threw on rank 0 (rank 0 rethrows it).
    virtual Bytes combine(Bytes part, const std::function<Bytes(const std::vector<Bytes>&)>& combine) = 0;
    /// Declares one more combine() in this phase. Every rank declares it alike, as it follows from what the last
    /// combine() returned to all; a rank that fails before that call then still makes it up.
    virtual void another_round() {}
};

struct RunContext {
    /// Worker threads; 0: the project's [processing] threads where a project applies, else all cores.
    int threads{0};
    /// Tile edge in pixels (rounded to the primary input's block size); unset: the project's [processing]
    /// tile where a project applies, else 512.
    std::optional<std::int64_t> tile;
    ProgressObserver* progress{nullptr};       ///< not owned; null: no progress
    const std::atomic<bool>* cancel{nullptr};  ///< not owned; when it becomes true the run stops with Cancelled
    /// Set: compute only this shard's tiles (checkpointed: each finished tile journalled durably). Unset with
    /// `resume`: the whole plan as shard 0 of 1, checkpointed, then merged into the outputs.
    std::optional<ShardSpec> shard;
    /// Continue the checkpoint journal of an interrupted run of the same inputs and parameters (refused, naming
    /// what changed, otherwise); without a journal the run starts afresh.
    bool resume{false};
    /// Set by run_mpi (not owned): the run's ranks, this one being `shard`. Null outside MPI.
    RankGroup* ranks{nullptr};
};

/// A request field (or RunContext member) out of range. what() is "<field>: <problem>", e.g.
/// "tile size: must be at least 1 (got 0)"; a front end replaces the field with its own option name.
class RequestError : public ConfigError {
public:
    RequestError(std::string field, std::string problem)
        : ConfigError(field + ": " + problem), m_field(std::move(field)), m_problem(std::move(problem)) {}
    [[nodiscard]] const std::string& field() const noexcept { return m_field; }
    [[nodiscard]] const std::string& problem() const noexcept { return m_problem; }

private:
    std::string m_field, m_problem;
};

/// The run was cancelled through RunContext::cancel; nothing was published.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace bluecarbon::pipeline
