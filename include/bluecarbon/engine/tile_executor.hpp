#pragma once
/// Runs per-tile work over a TilePlan with OpenMP. Tiles are computed in parallel in any order; their results
/// are merged one at a time in the order of the given tile list, so anything accumulated in `merge` is
/// deterministic. At most `threads()` tiles are in flight: memory is tile size x threads, never raster size.
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/core/tile_plan.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace bluecarbon {

/// Number of worker threads for "all cores" (the machine's processor count).
[[nodiscard]] int default_thread_count() noexcept;

class TileExecutor {
public:
    /// `threads` workers; 0 means default_thread_count(). Throws ConfigError for a negative count.
    explicit TileExecutor(int threads = 0);
    [[nodiscard]] int threads() const noexcept { return m_threads; }

    /// Core loop, type-erased: for each position p of [0, count), `work(p, slot)` runs on some thread, then
    /// `merge(p, slot)` runs for positions in increasing order, one at a time. `slot` (< threads()) is the
    /// calling worker's index, for per-thread scratch. The first exception thrown by `work` or `merge` stops
    /// the run and is rethrown here after all workers have stopped.
    void run_ordered(std::size_t count, const std::function<void(std::size_t, int)>& work,
                     const std::function<void(std::size_t, int)>& merge, Progress* progress = nullptr) const;

    /// Runs `fn(p, slot)` for each p of [0, count) in parallel, with no ordering (callers write to slot p).
    void parallel_for(std::size_t count, const std::function<void(std::size_t, int)>& fn) const;

    /// Typed tile loop: `per_tile(tile_index, window) -> Result` in parallel; `merge(tile_index, Result&&)` in the
    /// order of `tiles`.
    template <typename Result, typename PerTile, typename Merge>
    void run(const TilePlan& plan, std::span<const std::size_t> tiles, PerTile&& per_tile, Merge&& merge,
             Progress* progress = nullptr) const {
        std::vector<std::optional<Result>> slots(static_cast<std::size_t>(m_threads));
        run_ordered(
            tiles.size(),
            [&](std::size_t p, int slot) {
                slots[static_cast<std::size_t>(slot)].emplace(per_tile(tiles[p], plan.window(tiles[p])));
            },
            [&](std::size_t p, int slot) {
                auto& r = slots[static_cast<std::size_t>(slot)];
                merge(tiles[p], std::move(*r));
                r.reset();
            },
            progress);
    }

private:
    int m_threads;
};

}  // namespace bluecarbon
