// TileExecutor beyond the tile loop: parallel_for, an error thrown while merging, and OpenMP code called from
// inside a worker (libraries such as muparser open their own parallel regions).
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace bluecarbon;

TEST_CASE("parallel_for visits every position once with a slot below the thread count", "[engine][omp]") {
    const auto threads = GENERATE(1, 2, 3, 8);
    const TileExecutor exec(threads);
    constexpr std::size_t n = 1000;
    std::vector<int> visits(n, 0);
    std::vector<int> slots(n, -1);
    exec.parallel_for(n, [&](std::size_t p, int slot) {
        ++visits[p]; // each position is written by exactly one call, so no race
        slots[p] = slot;
        if (p % 97 == 0)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
    });
    for (std::size_t p = 0; p < n; ++p) {
        CHECK(visits[p] == 1);
        CHECK(slots[p] >= 0);
        CHECK(slots[p] < threads);
    }
}

TEST_CASE("parallel_for with several threads uses more than one of them", "[engine][omp]") {
#ifdef _OPENMP
    const TileExecutor exec(2);
    std::atomic<int> mask{0};
    // Each call sleeps: the second worker picks up positions while the first sleeps.
    exec.parallel_for(16, [&](std::size_t, int slot) {
        mask.fetch_or(1 << slot);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    });
    CHECK(mask.load() == 0b11);
#else
    SUCCEED("built without OpenMP: one worker");
#endif
}

TEST_CASE("parallel_for rethrows the first error and does no work after it", "[engine][omp]") {
    const TileExecutor exec(2);
    std::atomic<int> started{0};
    CHECK_THROWS_WITH(exec.parallel_for(10000,
                                        [&](std::size_t p, int) {
                                            ++started;
                                            if (p == 5)
                                                throw InputError("position 5 failed");
                                            std::this_thread::sleep_for(std::chrono::microseconds(50));
                                        }),
                      "position 5 failed");
    // Once the error is set, remaining positions are skipped: far fewer than 10000 calls ran.
    CHECK(started.load() < 10000);
}

TEST_CASE("an exception thrown in merge stops the run and is rethrown", "[engine][omp]") {
    const auto threads = GENERATE(1, 2, 4);
    const TileExecutor exec(threads);
    std::vector<std::size_t> merged;
    std::atomic<int> worked{0};
    CHECK_THROWS_AS(exec.run_ordered(
                        200, [&](std::size_t, int) { ++worked; },
                        [&](std::size_t p, int) {
                            if (p == 10)
                                throw std::runtime_error("merge of 10 failed");
                            merged.push_back(p);
                        }),
                    std::runtime_error);
    // Merges run in order, so exactly positions 0..9 were merged and none after the failing one.
    REQUIRE(merged.size() == 10);
    for (std::size_t i = 0; i < merged.size(); ++i)
        CHECK(merged[i] == i);
    // Workers stop picking up work after the error: at most the 11 merged-or-failed positions plus one in flight
    // per thread ran.
    CHECK(worked.load() <= 11 + threads);
}

TEST_CASE("the merge error's message is the one rethrown", "[engine][omp]") {
    CHECK_THROWS_WITH(TileExecutor(3).run_ordered(
                          50, [](std::size_t, int) {},
                          [](std::size_t p, int) {
                              if (p >= 7)
                                  throw InputError("merge " + std::to_string(p));
                          }),
                      "merge 7");
}

TEST_CASE("OpenMP code inside a worker runs on that worker's thread only", "[engine][omp]") {
#ifdef _OPENMP
    const auto threads = GENERATE(1, 2, 4);
    const TileExecutor exec(threads);
    std::vector<int> team_sizes(64, 0);
    std::vector<int> max_threads(64, 0);
    exec.parallel_for(team_sizes.size(), [&](std::size_t p, int) {
        max_threads[p] = omp_get_max_threads();
        int team = 0;
        // A library's own parallel region without num_threads: it must not start a nested team.
#pragma omp parallel
        {
#pragma omp atomic
            ++team;
        }
        team_sizes[p] = team;
    });
    for (std::size_t p = 0; p < team_sizes.size(); ++p) {
        CHECK(max_threads[p] == 1);
        CHECK(team_sizes[p] == 1);
    }
#else
    SUCCEED("built without OpenMP: nothing nests");
#endif
}

TEST_CASE("A host's OpenMP thread count is the same after a library call", "[engine][omp]") {
#ifdef _OPENMP
    const int host_before = omp_get_max_threads();
    omp_set_num_threads(3);  // the host's own choice, different from the executor's thread counts below
    const auto threads = GENERATE(1, 2, 4);
    const TileExecutor exec(threads);
    exec.run_ordered(
        8, [](std::size_t, int) {}, [](std::size_t, int) {});
    CHECK(omp_get_max_threads() == 3);
    exec.parallel_for(8, [](std::size_t, int) {});
    CHECK(omp_get_max_threads() == 3);
    // A host thread of its own pool calling the library keeps its setting too, and so do the pool's threads in
    // the host's next region.
    std::vector<int> after(2, 0);
#pragma omp parallel num_threads(2)
    {
        exec.parallel_for(4, [](std::size_t, int) {});
        after[static_cast<std::size_t>(omp_get_thread_num())] = omp_get_max_threads();
    }
    CHECK(after == std::vector<int>{3, 3});
    std::vector<int> next(2, 0);
#pragma omp parallel num_threads(2)
    next[static_cast<std::size_t>(omp_get_thread_num())] = omp_get_max_threads();
    CHECK(next == std::vector<int>{3, 3});
    omp_set_num_threads(host_before);
#else
    SUCCEED("built without OpenMP: no thread count to keep");
#endif
}
