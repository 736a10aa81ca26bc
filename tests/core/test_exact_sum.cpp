#include <bluecarbon/core/exact_sum.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

using bluecarbon::ExactSum;

TEST_CASE("ExactSum is exact where naive summation is not", "[exact_sum]") {
    ExactSum s;
    for (double x : {1e16, 1.0, -1e16}) s.add(x);
    CHECK(s.value() == 1.0);  // naive left-to-right gives 0

    ExactSum t;
    for (int i = 0; i < 10; ++i) t.add(0.1);
    CHECK(t.value() == 1.0);  // the correctly rounded sum of ten 0.1s (math.fsum agrees); naive gives 0.9999999999999999
}

TEST_CASE("ExactSum rounds ties to even like math.fsum", "[exact_sum]") {
    // 1 + 2^-53 is exactly halfway between 1 and the next double; ties go to even (1.0). Adding a tiny positive
    // amount beyond the tie must round up. Values checked with Python's math.fsum.
    ExactSum tie;
    tie.add(1.0);
    tie.add(std::ldexp(1.0, -53));
    CHECK(tie.value() == 1.0);
    ExactSum above;
    above.add(1.0);
    above.add(std::ldexp(1.0, -53));
    above.add(std::ldexp(1.0, -100));
    CHECK(above.value() == std::nextafter(1.0, 2.0));
}

TEST_CASE("ExactSum of 10^6 values does not depend on order or on how it is split", "[exact_sum]") {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> magnitude(0.0, 6.0);
    std::uniform_int_distribution<int> sign(0, 1);
    std::vector<double> values(1'000'000);
    for (auto& v : values) v = (sign(rng) ? 1.0 : -1.0) * magnitude(rng);

    ExactSum reference;
    for (double v : values) reference.add(v);
    const double expected = reference.value();

    // The naive sum of the same values in another order differs, or the test would prove nothing.
    std::vector<double> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const double naive_a = std::accumulate(values.begin(), values.end(), 0.0);
    const double naive_b = std::accumulate(shuffled.begin(), shuffled.end(), 0.0);
    CHECK(naive_a != naive_b);

    for (int trial = 0; trial < 8; ++trial) {
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        const std::size_t parts = static_cast<std::size_t>(1 + trial * 7);
        std::vector<ExactSum> partial(parts);
        std::uniform_int_distribution<std::size_t> pick(0, parts - 1);
        for (double v : shuffled) partial[pick(rng)].add(v);  // an arbitrary split, like tiles or shards
        std::shuffle(partial.begin(), partial.end(), rng);
        ExactSum merged;
        for (const auto& p : partial) merged.merge(p);
        CHECK(merged.value() == expected);
    }
}

TEST_CASE("ExactSum keeps non-finite inputs apart", "[exact_sum]") {
    ExactSum s;
    s.add(1.0);
    s.add(INFINITY);
    CHECK(std::isinf(s.value()));
    s.add(-INFINITY);
    CHECK(std::isnan(s.value()));
}
