// Bounded-memory exact statistics: the coarse buckets, and Otsu and percentiles equal to SceneHistogram's.
#include <bluecarbon/science/bounded_statistics.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

using namespace bluecarbon::science;

namespace {

const std::vector<double> k_bounded_percentiles{0.0, 1.0, 25.0, 50.0, 99.5, 100.0};

std::vector<std::uint8_t> all_valid(std::size_t n) {
    return std::vector<std::uint8_t>(n, 1);
}

// Runs the passes over `values` as a pipeline would, `tile` values at a time: the coarse histogram first, then a
// SceneHistogram of only the values in the buckets asked for, until every statistic is known.
struct BoundedRun {
    std::optional<double> otsu;
    std::vector<std::optional<double>> percentiles;
    int passes{0};
    std::size_t most_exact_entries{0};  // the largest exact histogram one pass held
};

BoundedRun run_bounded(const std::vector<float>& values, std::size_t tile = 4096) {
    CoarseHistogram coarse;
    for (std::size_t at = 0; at < values.size(); at += tile) {
        const std::size_t n = std::min(tile, values.size() - at);
        coarse.add({values.data() + at, n}, all_valid(n));
    }
    BoundedStatistics stats(coarse);
    stats.want_otsu();
    for (const double p : k_bounded_percentiles) stats.want_percentile(p);
    BoundedRun run;
    while (!stats.buckets_to_read().empty()) {
        REQUIRE(stats.buckets_to_read().size() <= BoundedStatistics::max_buckets_per_pass);
        REQUIRE(run.passes < 64);  // every pass reads a bucket not read before, so this ends
        const auto& wanted = stats.buckets_to_read();
        std::vector<float> picked;
        for (const float v : values)
            if (std::binary_search(wanted.begin(), wanted.end(), CoarseHistogram::bucket_of(v))) picked.push_back(v);
        SceneHistogram exact;
        exact.add(picked, all_valid(picked.size()));
        run.most_exact_entries = std::max(run.most_exact_entries, exact.entries().size());
        stats.add_exact(exact);
        ++run.passes;
    }
    CHECK(stats.exact_passes() == run.passes);
    run.otsu = stats.otsu();
    for (const double p : k_bounded_percentiles) run.percentiles.push_back(stats.percentile(p));
    return run;
}

// The same statistics from every distinct value at once.
void check_against_scene_histogram(const std::vector<float>& values, const BoundedRun& run) {
    SceneHistogram whole;
    whole.add(values, all_valid(values.size()));
    CHECK(run.otsu == whole.otsu());
    for (std::size_t i = 0; i < k_bounded_percentiles.size(); ++i) {
        INFO("percentile " << k_bounded_percentiles[i]);
        CHECK(run.percentiles[i] == whole.percentile(k_bounded_percentiles[i]));
    }
}

}  // namespace

TEST_CASE("coarse buckets hold consecutive floats evenly spaced in value order", "[histogram][bounded]") {
    // 1.0f is 0x3F800000: with the sign bit set for positives its key is 0xBF800000, bucket 0xBF80, offset 0; the
    // next offset is the next float, 1 + 2^-23.
    CHECK(CoarseHistogram::bucket_of(1.0F) == 0xBF80);
    CHECK(CoarseHistogram::value_at(0xBF80, 0) == 1.0);
    CHECK(CoarseHistogram::value_at(0xBF80, 1) == 1.0 + std::ldexp(1.0, -23));
    // −1.0f is 0xBF800000: negatives' bits are flipped, key 0x407FFFFF, so −1 is the last offset of bucket 0x407F
    // and the offset before it is the float just below, −(1 + 2^-23).
    CHECK(CoarseHistogram::bucket_of(-1.0F) == 0x407F);
    CHECK(CoarseHistogram::value_at(0x407F, 0xFFFF) == -1.0);
    CHECK(CoarseHistogram::value_at(0x407F, 0xFFFE) == -(1.0 + std::ldexp(1.0, -23)));
    // −0 and +0 are one value.
    CHECK(CoarseHistogram::bucket_of(-0.0F) == CoarseHistogram::bucket_of(0.0F));
    // Buckets in increasing index hold increasing values.
    CHECK(CoarseHistogram::value_at(0x407F, 0xFFFF) < CoarseHistogram::value_at(0x4080, 0));
    CHECK(CoarseHistogram::value_at(0x7FFF, 0xFFFE) < CoarseHistogram::value_at(0x8000, 0));

    CoarseHistogram h;
    const std::vector<float> v{1.0F, 1.5F, 1.0F, -2.0F, std::numeric_limits<float>::quiet_NaN(), 7.0F};
    h.add(v, std::vector<std::uint8_t>{1, 1, 1, 1, 1, 0});  // NaN and the invalid 7 are left out
    CHECK(h.total() == 4);
    // 1.5f = 0x3FC00000: bucket 0xBFC0, offset 0; 1.0f twice at offset 0 of bucket 0xBF80.
    CHECK(h.buckets()[0xBF80] == CoarseHistogram::Bucket{2, 0, 0, 0});
    CHECK(h.buckets()[0xBFC0] == CoarseHistogram::Bucket{1, 0, 0, 0});
    CHECK(h.buckets()[CoarseHistogram::bucket_of(-2.0F)].count == 1);
}

TEST_CASE("coarse histograms merged in any order equal the whole scene's", "[histogram][bounded]") {
    std::mt19937 rng(5);
    std::normal_distribution<float> height(150.0F, 40.0F);
    std::vector<float> values(50000);
    for (auto& x : values) x = height(rng);
    CoarseHistogram whole, first, second;
    whole.add(values, all_valid(values.size()));
    first.add({values.data(), 20000}, all_valid(20000));
    second.add({values.data() + 20000, 30000}, all_valid(30000));
    CoarseHistogram ab = first, ba = second;
    ab.merge(second);
    ba.merge(first);
    CHECK(std::ranges::equal(ab.buckets(), whole.buckets()));
    CHECK(std::ranges::equal(ba.buckets(), whole.buckets()));
    CHECK(ab.total() == 50000);
    // Rebuilt bucket by bucket, as from another process.
    CoarseHistogram sent;
    for (std::size_t i = 0; i < CoarseHistogram::bucket_count; ++i)
        if (whole.buckets()[i].count > 0) sent.add_bucket(static_cast<std::uint16_t>(i), whole.buckets()[i]);
    CHECK(std::ranges::equal(sent.buckets(), whole.buckets()));
    CHECK(sent.total() == whole.total());
}

TEST_CASE("a coarse bucket no finite values could fill is refused", "[histogram][bounded]") {
    CoarseHistogram h;
    using B = CoarseHistogram::Bucket;
    CHECK_THROWS_AS(h.add_bucket(0xFF80, B{1, 0, 0, 0}), std::invalid_argument);  // +inf
    CHECK_THROWS_AS(h.add_bucket(0x007F, B{1, 5, 5, 5}), std::invalid_argument);  // −inf and NaNs
    CHECK_THROWS_AS(h.add_bucket(0xBF80, B{0, 0, 0, 0}), std::invalid_argument);  // empty
    CHECK_THROWS_AS(h.add_bucket(0xBF80, B{2, 3, 4, 1}), std::invalid_argument);  // min above max
    CHECK_THROWS_AS(h.add_bucket(0xBF80, B{2, 50, 1, 4}), std::invalid_argument);  // offsets sum above 2 × 4
    CHECK_THROWS_AS(h.add_bucket(0xBF80, B{1, 2, 1, 3}), std::invalid_argument);  // one value, two offsets
    CHECK_THROWS_AS(h.add_bucket(0x7FFF, B{1, 0xFFFF, 0xFFFF, 0xFFFF}), std::invalid_argument);  // −0
    CHECK(h.total() == 0);
}

TEST_CASE("bounded statistics equal SceneHistogram's on every kind of scene", "[histogram][bounded]") {
    std::mt19937 rng(17);
    std::vector<float> values;
    SECTION("bimodal terrain in metres, far above the old clamp at 64") {
        std::normal_distribution<float> low(40.0F, 8.0F), high(310.0F, 25.0F);
        for (int i = 0; i < 120000; ++i) values.push_back(i % 3 == 0 ? high(rng) : low(rng));
    }
    SECTION("an index in [-1, 1] with about as many distinct values as pixels") {
        std::uniform_real_distribution<float> ndvi(-1.0F, 1.0F);
        for (int i = 0; i < 200000; ++i) values.push_back(ndvi(rng));
    }
    SECTION("scaled DN with a few distinct values") {
        std::uniform_int_distribution<int> dn(0, 5);
        for (int i = 0; i < 5000; ++i) values.push_back(static_cast<float>(1000 * dn(rng)));
    }
    SECTION("every value inside one bucket: consecutive floats from 1") {
        for (int i = 0; i < 30000; ++i)
            values.push_back(std::nextafter(1.0F, 2.0F) + static_cast<float>(i % 700) * 1.2e-7F);
    }
    SECTION("signed zeros, subnormals and both signs") {
        std::uniform_real_distribution<float> unit(-1.0F, 1.0F);
        for (int i = 0; i < 40000; ++i) {
            const float u = unit(rng);
            values.push_back(i % 4 == 0 ? u * 1e-40F : i % 4 == 1 ? (i % 8 == 1 ? -0.0F : 0.0F) : u * 1e6F);
        }
    }
    SECTION("two distinct values") {
        for (int i = 0; i < 1000; ++i) values.push_back(i % 10 == 0 ? 3.0F : 2.0F);
    }
    const auto run = run_bounded(values);
    check_against_scene_histogram(values, run);
    CHECK(run.otsu.has_value());
}

TEST_CASE("bounded statistics read exactly only a small part of a scene with many distinct values",
          "[histogram][bounded]") {
    // Heights with a million distinct floats: SceneHistogram holds them all, the passes only a few buckets.
    std::mt19937 rng(23);
    std::normal_distribution<float> low(12.0F, 3.0F), high(35.0F, 6.0F);
    std::vector<float> values;
    for (int i = 0; i < 1500000; ++i) values.push_back(i % 4 == 0 ? high(rng) : low(rng));
    SceneHistogram whole;
    whole.add(values, all_valid(values.size()));
    REQUIRE(whole.entries().size() > 1000000);
    const auto run = run_bounded(values, 65536);
    check_against_scene_histogram(values, run);
    CHECK(run.passes == 1);  // the bound leaves 6 of the buckets near the split, one pass
    CHECK(run.most_exact_entries * 10 < whole.entries().size());
}

TEST_CASE("bounded statistics of an empty or one-valued scene", "[histogram][bounded]") {
    const auto empty = run_bounded({});
    CHECK(empty.passes == 0);
    CHECK_FALSE(empty.otsu.has_value());
    CHECK_FALSE(empty.percentiles[3].has_value());
    const auto flat = run_bounded(std::vector<float>(500, 7.25F));
    CHECK(flat.passes == 0);  // one value in one bucket: nothing to read exactly
    CHECK_FALSE(flat.otsu.has_value());
    CHECK(flat.percentiles[3] == 7.25);
}

TEST_CASE("bounded statistics refuse exact values that disagree with the first pass", "[histogram][bounded]") {
    // A file changed between the passes: the bucket of the median holds other values than it counted.
    std::vector<float> values;
    for (int i = 0; i < 100; ++i) values.push_back(1.0F + static_cast<float>(i) * 1e-6F);
    CoarseHistogram coarse;
    coarse.add(values, all_valid(values.size()));
    BoundedStatistics stats(coarse);
    stats.want_percentile(50);
    REQUIRE(stats.buckets_to_read().size() == 1);
    CHECK_THROWS(stats.percentile(50));  // not known before the pass
    values.pop_back();
    SceneHistogram exact;
    exact.add(values, all_valid(values.size()));
    CHECK_THROWS_AS(stats.add_exact(exact), std::invalid_argument);
    CHECK_THROWS_AS(stats.want_percentile(101), std::invalid_argument);
    CHECK_THROWS_AS(stats.percentile(40), std::invalid_argument);  // not wanted
}
