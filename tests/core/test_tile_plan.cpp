#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace bluecarbon;

namespace {
Grid grid(std::int64_t w, std::int64_t h) { return Grid(CrsInfo{}, GeoTransform{0, 10, 0, 1000, 0, -10}, w, h); }
}  // namespace

TEST_CASE("Tile windows partition the grid exactly, row-major", "[tile]") {
    const auto [w, h, tw, th] = GENERATE(table<int, int, int, int>(
        {{10, 7, 3, 2}, {10, 7, 10, 7}, {10, 7, 1, 1}, {10, 7, 64, 64}, {513, 300, 128, 100}}));
    const TilePlan plan(grid(w, h), tw, th);
    std::vector<int> hits(static_cast<std::size_t>(w * h), 0);
    Window previous{-1, -1, 0, 0};
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const Window win = plan.window(i);
        REQUIRE(!win.empty());
        // Row-major: each tile starts right of the previous one or on a later tile row.
        CHECK((win.row_off > previous.row_off || win.col_off > previous.col_off));
        previous = win;
        for (auto r = win.row_off; r < win.row_end(); ++r)
            for (auto c = win.col_off; c < win.col_end(); ++c) ++hits[static_cast<std::size_t>(r * w + c)];
    }
    for (int n : hits) CHECK(n == 1);
    CHECK_THROWS_AS(plan.window(plan.size()), std::out_of_range);
}

TEST_CASE("Shards cover every tile exactly once", "[tile]") {
    const TilePlan plan(grid(100, 90), 7, 11);
    for (std::size_t n : {1u, 2u, 3u, 7u, 200u}) {
        std::vector<int> seen(plan.size(), 0);
        for (std::size_t i = 0; i < n; ++i)
            for (auto t : plan.shard(i, n)) ++seen[t];
        for (int s : seen) CHECK(s == 1);
    }
    CHECK_THROWS_AS(plan.shard(2, 2), ConfigError);
    CHECK_THROWS_AS(plan.shard(0, 0), ConfigError);
}

TEST_CASE("Tiles align to the input's blocks", "[tile]") {
    CHECK(TilePlan::aligned_to_blocks(grid(10000, 10000), 300, 300, 256, 256).tile_width() == 256);
    CHECK(TilePlan::aligned_to_blocks(grid(10000, 10000), 500, 128, 256, 256).tile_width() == 512);
    CHECK(TilePlan::aligned_to_blocks(grid(10000, 10000), 500, 128, 256, 256).tile_height() == 256);
    // Striped files (blocks as wide as the grid) keep the requested width.
    CHECK(TilePlan::aligned_to_blocks(grid(1000, 1000), 300, 300, 1000, 8).tile_width() == 300);
    CHECK(TilePlan::aligned_to_blocks(grid(1000, 1000), 300, 300, 1000, 8).tile_height() == 304);
    CHECK_THROWS_AS(TilePlan(grid(10, 10), 0, 5), ConfigError);
    CHECK_THROWS_AS(TilePlan(grid(10, 10), -3, 5), ConfigError);
}
