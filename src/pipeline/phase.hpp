#pragma once
// Private to the pipeline: one phase of a run as the RunContext's observer sees it, and the context's thread and
// tile choices resolved and checked.
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

namespace bluecarbon::pipeline {

/// Begins a phase on construction and ends it on finish() (or destruction). tick() may be called from any
/// thread: calls reach the observer one at a time. Both throw Cancelled once the context's flag is set.
class Phase {
public:
    Phase(const RunContext& ctx, std::string_view name, std::int64_t total);
    ~Phase();
    Phase(const Phase&) = delete;
    Phase& operator=(const Phase&) = delete;

    void tick();
    /// Moves the count on to `done` (no change when it is not beyond the count so far). Does not check
    /// cancellation, so it may be called where an exception must not pass (a GDAL progress callback).
    void advance_to(std::int64_t done);
    /// Whether the context's cancel flag is set (check_cancel() throws Cancelled then).
    [[nodiscard]] bool cancel_requested() const noexcept;
    void check_cancel() const;
    void finish();

private:
    const RunContext& m_ctx;
    std::int64_t m_total, m_done{0};
    bool m_open{false};
    std::mutex m_mutex;
};

/// ctx.threads, else `fallback` (0: all cores). Throws RequestError for a negative count.
[[nodiscard]] int resolve_threads(const RunContext& ctx, int fallback = 0);
/// ctx.tile, else `fallback`. Throws RequestError ("tile size: must be at least 1 (got 0)").
[[nodiscard]] std::int64_t resolve_tile(const RunContext& ctx, std::int64_t fallback = 512);

/// The executor as the science code's ParallelFor (count, body), ticking `phase` once per item.
[[nodiscard]] std::function<void(std::size_t, const std::function<void(std::size_t)>&)>
parallel_with(const TileExecutor& ex, Phase& phase);

/// Runs `job` (a domain module's whole job, which reports no progress of its own) as one-item phase `name`:
/// cancellation is checked before it starts.
template <class Job>
auto run_as_phase(const RunContext& ctx, const char* name, Job&& job) {
    Phase phase(ctx, name, 1);
    phase.check_cancel();
    auto result = job();
    phase.tick();
    phase.finish();
    return result;
}

}  // namespace bluecarbon::pipeline
