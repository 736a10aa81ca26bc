// Scene histogram binning, Otsu's threshold and percentiles.
#include <bluecarbon/science/histogram.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

using namespace bluecarbon::science;

TEST_CASE("Otsu on a bimodal histogram matches the hand-computed split", "[histogram][otsu]") {
    // Bins with values 0..5 and counts 4, 6, 2, 0, 3, 5 (N = 20, Σ = 0*4+1*6+2*2+4*3+5*5 = 47).
    // Between-class variance n0 n1 (μ0 − μ1)² per split k (class 0 = bins 0..k):
    //   k=0: n0=4,  s0=0  -> μ0=0,      μ1=47/16=2.9375   -> 4*16*8.62890625   = 552.25
    //   k=1: n0=10, s0=6  -> μ0=0.6,    μ1=41/10=4.1      -> 10*10*12.25       = 1225
    //   k=2: n0=12, s0=10 -> μ0=0.8333, μ1=37/8=4.625     -> 12*8*14.3784722   = 1380.33
    //   k=3: same as k=2 (empty bin) -> not greater, the first maximum stays
    //   k=4: n0=15, s0=22 -> μ0=1.4667, μ1=25/5=5         -> 15*5*12.4844444   = 936.33
    // Maximum at k = 2: the threshold lies between values 2 and 4.
    const std::vector<std::uint64_t> counts{4, 6, 2, 0, 3, 5};
    const std::vector<double> centers{0, 1, 2, 3, 4, 5};
    CHECK(otsu_split(counts, centers) == std::optional<std::size_t>(2));

    // The same data in a SceneHistogram (values 0..5 with those counts): the threshold is the largest value of the
    // lower class, 2, so `v > otsu(v)` selects exactly the values 4 and 5.
    SceneHistogram h;
    for (std::size_t k = 0; k < counts.size(); ++k)
        for (std::uint64_t i = 0; i < counts[k]; ++i) h.add(static_cast<double>(k));
    CHECK(h.otsu() == std::optional<double>(2.0));
    CHECK(h.total() == 20);
}

TEST_CASE("percentile is nearest-rank on the exact values", "[histogram]") {
    SceneHistogram h;
    for (int i = 1; i <= 10; ++i) h.add(static_cast<double>(i));  // 1..10
    CHECK(*h.percentile(0) == 1.0);
    CHECK(*h.percentile(50) == 5.0);   // rank ceil(0.50 * 10) = 5
    CHECK(*h.percentile(51) == 6.0);   // rank ceil(0.51 * 10) = ceil(5.1) = 6
    CHECK(*h.percentile(100) == 10.0);
    CHECK_THROWS(h.percentile(101));
    CHECK_FALSE(SceneHistogram().percentile(50).has_value());
    CHECK_FALSE(SceneHistogram().otsu().has_value());
}

TEST_CASE("statistics are exact for any value range (no clamping)", "[histogram]") {
    // Terrain 100..110 m: the median of 11 values is rank ceil(0.5 * 11) = 6, the 6th smallest = 105 m (the old
    // binned histogram clamped everything at 64 and answered ~64).
    SceneHistogram terrain;
    for (int i = 100; i <= 110; ++i) terrain.add(static_cast<double>(i));
    CHECK(*terrain.percentile(50) == 105.0);
    CHECK(*terrain.percentile(0) == 100.0);
    // Scaled DN, two modes 1000 (×3) and 3000 (×2): the only split puts 1000 below, so t = 1000.
    SceneHistogram dn;
    const std::vector<float> v{1000.0F, 3000.0F, 1000.0F, 3000.0F, 1000.0F, -500.0F};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1, 1, 0};  // the last value is invalid and ignored
    dn.add(v, ok);
    CHECK(dn.total() == 5);
    CHECK(dn.otsu() == std::optional<double>(1000.0));
    // Values below −64 are themselves, not clamped: percentile 0 of {−200, −100} is −200.
    SceneHistogram low;
    low.add(-200.0);
    low.add(-100.0);
    CHECK(*low.percentile(0) == -200.0);
    // Values closer than 1/1024 stay distinct: 0.5 and its float successor are two values, with a split.
    SceneHistogram fine;
    fine.add(0.5);
    fine.add(static_cast<double>(std::nextafter(0.5F, 1.0F)));
    CHECK(fine.entries().size() == 2);
    CHECK(fine.otsu() == std::optional<double>(0.5));
}

TEST_CASE("histograms merged from any split equal the whole-scene histogram", "[histogram]") {
    std::mt19937 rng(7);
    std::normal_distribution<float> a(0.2F, 0.05F), b(0.7F, 0.1F);
    std::vector<float> v(20000);
    std::vector<std::uint8_t> ok(v.size(), 1);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = i % 3 ? a(rng) : b(rng);
    ok[17] = 0;
    SceneHistogram whole;
    whole.add(v, ok);
    for (std::size_t chunk : {1u, 7u, 1000u, 6999u}) {
        SceneHistogram merged;
        for (std::size_t s = 0; s < v.size(); s += chunk) {
            const auto n = std::min(chunk, v.size() - s);
            SceneHistogram part;
            part.add(std::span<const float>(v).subspan(s, n), std::span<const std::uint8_t>(ok).subspan(s, n));
            merged.merge(part);
        }
        CHECK(merged.total() == whole.total());
        CHECK(std::ranges::equal(merged.entries(), whole.entries()));
        CHECK(merged.otsu() == whole.otsu());
    }
    // The two modes are separated: the threshold lies between them.
    CHECK(*whole.otsu() > 0.3);
    CHECK(*whole.otsu() < 0.6);
}

TEST_CASE("a histogram rebuilt from its entries merges like the original", "[histogram]") {
    // Halves of 1 2 2 3 | 3 3 5, one sent as entries (what an MPI rank sends): merged in either order the whole
    // is 1x1 2x2 3x3 5x1, total 7; the 50th percentile is the ceil(3.5) = 4th smallest value, 3.
    SceneHistogram first, second;
    for (double x : {1.0, 2.0, 2.0, 3.0}) first.add(x);
    for (double x : {3.0, 3.0, 5.0}) second.add(x);
    const auto e = second.entries();
    const SceneHistogram sent = SceneHistogram::from_entries({e.begin(), e.end()});
    CHECK(sent.total() == 3);
    SceneHistogram ab = first, ba = sent;
    ab.merge(sent);
    ba.merge(first);
    const std::vector<SceneHistogram::Entry> want{{1.0, 1}, {2.0, 2}, {3.0, 3}, {5.0, 1}};
    CHECK(std::ranges::equal(ab.entries(), want));
    CHECK(std::ranges::equal(ba.entries(), want));
    CHECK(ab.total() == 7);
    CHECK(ab.percentile(50) == std::optional<double>(3.0));
    // Entries not as entries() gives them are refused.
    CHECK_THROWS_AS(SceneHistogram::from_entries({{2.0, 1}, {1.0, 1}}), std::invalid_argument);
    CHECK_THROWS_AS(SceneHistogram::from_entries({{1.0, 1}, {1.0, 1}}), std::invalid_argument);
    CHECK_THROWS_AS(SceneHistogram::from_entries({{1.0, 0}}), std::invalid_argument);
    CHECK_THROWS_AS(SceneHistogram::from_entries({{-0.0, 1}}), std::invalid_argument);
}

TEST_CASE("a histogram fed tile after tile holds every distinct value with its count, as a sorted map does",
          "[histogram]") {
    // Values of every sign and scale (negatives, −0 and +0, subnormals, doubles that are not floats, repeats),
    // more of them (1.2 million) than the first fold waits for (2^20), so values are folded while tiles still come.
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<int> pick(0, 5);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    std::map<double, std::uint64_t> reference;
    SceneHistogram h;
    std::vector<float> tile;
    for (int t = 0; t < 6; ++t) {
        tile.clear();
        for (int i = 0; i < 200000; ++i) {
            double v = 0;
            switch (pick(rng)) {
                case 0: v = std::round(unit(rng) * 50.0); break;           // repeats
                case 1: v = unit(rng) * 1e30; break;                        // large, both signs
                case 2: v = unit(rng) * 1e-40; break;                       // subnormal as float
                case 3: v = (i % 2) ? -0.0 : 0.0; break;                    // signed zeros
                case 4: v = unit(rng); break;
                default: v = 1.0 + static_cast<double>(i % 7) * 1e-12;  // doubles that are not floats
            }
            if (pick(rng) == 5) {
                h.add(v);  // the double as it is
                ++reference[v == 0.0 ? 0.0 : v];
            } else {
                tile.push_back(static_cast<float>(v));
                const double f = tile.back();
                ++reference[f == 0.0 ? 0.0 : f];
            }
        }
        h.add(tile, std::vector<std::uint8_t>(tile.size(), 1));
    }
    std::vector<SceneHistogram::Entry> expected;
    std::uint64_t total = 0;
    for (const auto& [value, count] : reference) {
        expected.push_back({value, count});
        total += count;
    }
    const auto e = h.entries();
    CHECK(e.size() == expected.size());
    CHECK(std::ranges::equal(e, expected));
    CHECK(std::ranges::none_of(e, [](const auto& x) { return x.value == 0.0 && std::signbit(x.value); }));
    CHECK(h.total() == total);
}
