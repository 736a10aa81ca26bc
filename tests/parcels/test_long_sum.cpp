// The long accumulator gives the same correctly rounded sums as ExactSum, whatever the magnitudes and signs.
#include "parcels/long_sum.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using bluecarbon::ExactSum;
using bluecarbon::parcels::detail::LongSum;

namespace {
double via_long(const std::vector<double>& xs) {
    LongSum l;
    for (double x : xs) l.add(x);
    ExactSum e;
    l.flush_into(e);
    return e.value();
}
double via_exact(const std::vector<double>& xs) {
    ExactSum e;
    for (double x : xs) e.add(x);
    return e.value();
}
}  // namespace

TEST_CASE("LongSum sums exactly like ExactSum", "[parcels][long_sum]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(-1, 1);
    std::uniform_int_distribution<int> ex(-60, 60);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> xs;
        for (int i = 0; i < 500; ++i) xs.push_back(std::ldexp(u(rng), ex(rng)));
        CHECK(via_long(xs) == via_exact(xs));
    }
    // Cancellation to a tiny or zero result, negatives only, subnormals, huge values.
    CHECK(via_long({1e100, 1.0, -1e100}) == 1.0);
    CHECK(via_long({0.1, 0.2, -0.3}) == via_exact({0.1, 0.2, -0.3}));
    CHECK(via_long({-1.0, -2.0, -0.5}) == -3.5);
    const double tiny = std::numeric_limits<double>::denorm_min();
    CHECK(via_long({tiny, tiny, 3 * tiny}) == 5 * tiny);
    CHECK(via_long({1e308, 1e308, -1e308}) == 1e308);
    CHECK(via_long({1.0, std::numeric_limits<double>::infinity()}) == std::numeric_limits<double>::infinity());
    CHECK(via_long({}) == 0.0);
    // Flushing twice adds both totals; the accumulator is reusable after a flush.
    LongSum l;
    ExactSum e;
    l.add(2.5);
    l.flush_into(e);
    l.add(-1.25);
    l.flush_into(e);
    CHECK(e.value() == 1.25);
}
