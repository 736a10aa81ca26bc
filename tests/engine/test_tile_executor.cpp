#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace bluecarbon;

namespace {
TilePlan plan_of(std::int64_t w, std::int64_t h, std::int64_t tile) {
    return TilePlan(Grid(CrsInfo{}, GeoTransform{0, 1, 0, 0, 0, -1}, w, h), tile, tile);
}
}  // namespace

TEST_CASE("Tile results are merged in tile order whatever the thread count", "[engine][omp]") {
    const auto threads = GENERATE(1, 2, 4, 7);
    const TilePlan plan = plan_of(97, 53, 8);
    const TileExecutor exec(threads);
    std::vector<std::size_t> merged;
    const auto tiles = plan.all();
    exec.run<std::size_t>(
        plan, tiles,
        [](std::size_t tile, const Window& w) {
            // Uneven work so tiles finish out of order.
            if (tile % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
            return tile + static_cast<std::size_t>(w.size()) * 0;
        },
        [&](std::size_t tile, std::size_t&& value) {
            CHECK(tile == value);
            merged.push_back(tile);
        });
    REQUIRE(merged.size() == plan.size());
    for (std::size_t i = 0; i < merged.size(); ++i) CHECK(merged[i] == i);
}

TEST_CASE("At most `threads` tiles are in flight", "[engine][omp]") {
    const TilePlan plan = plan_of(64, 64, 4);
    const TileExecutor exec(3);
    std::atomic<int> in_flight{0};
    int max_seen = 0;
    exec.run<int>(
        plan, plan.all(),
        [&](std::size_t tile, const Window&) {
            ++in_flight;
            if (tile == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // stall the merge front
            return 0;
        },
        [&](std::size_t, int&&) {
            max_seen = std::max(max_seen, in_flight.load());
            --in_flight;
        });
    CHECK(max_seen <= 3);
}

TEST_CASE("Per-tile sums are bit-identical for any tile size and thread count", "[engine][omp]") {
    auto run = [](std::int64_t tile, int threads) {
        const TilePlan plan = plan_of(301, 203, tile);
        ExactSum total;
        TileExecutor(threads).run<ExactSum>(
            plan, plan.all(),
            [](std::size_t, const Window& w) {
                ExactSum s;
                for (auto r = w.row_off; r < w.row_end(); ++r)
                    for (auto c = w.col_off; c < w.col_end(); ++c)
                        s.add(std::sin(static_cast<double>(r * 1000 + c)) * 1e3);
                return s;
            },
            [&](std::size_t, ExactSum&& s) { total.merge(s); });
        return total.value();
    };
    const double reference = run(1000, 1);
    CHECK(run(7, 2) == reference);
    CHECK(run(64, 4) == reference);
    CHECK(run(1, 3) == reference);
}

TEST_CASE("The first error stops the run and is rethrown", "[engine][omp]") {
    const TilePlan plan = plan_of(50, 50, 5);
    std::atomic<int> merges{0};
    CHECK_THROWS_WITH(TileExecutor(2).run<int>(
                          plan, plan.all(),
                          [](std::size_t tile, const Window&) -> int {
                              if (tile == 17) throw InputError("tile 17 is corrupt");
                              return 0;
                          },
                          [&](std::size_t, int&&) { ++merges; }),
                      "tile 17 is corrupt");
    CHECK(merges.load() <= 17);
    CHECK_THROWS_AS(TileExecutor(-1), ConfigError);
}
