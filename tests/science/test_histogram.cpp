// Scene histogram binning, Otsu's threshold and percentiles.
#include <bluecarbon/science/histogram.hpp>

#include <catch2/catch.hpp>

#include <random>
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

    // The same data in a SceneHistogram: values 0.25 + k (bins of 1/1024): threshold = lower edge of the bin
    // of the first value above the split, 3.25 (a bin edge: 3.25 * 1024 is an integer).
    SceneHistogram h;
    for (std::size_t k = 0; k < counts.size(); ++k)
        for (std::uint64_t i = 0; i < counts[k]; ++i) h.add(0.25 + static_cast<double>(k));
    // The empty bins between 2.25 and 4.25 all tie with the split after 2.25: the first one wins.
    CHECK(h.otsu() == Approx(2.25 + 1.0 / 1024).margin(1e-12));
    CHECK(h.total() == 20);
}

TEST_CASE("percentile is nearest-rank at bin centres", "[histogram]") {
    SceneHistogram h;
    for (int i = 1; i <= 10; ++i) h.add(static_cast<double>(i));  // 1..10
    const double half = 0.5 / 1024;
    CHECK(*h.percentile(0) == Approx(1.0 + half));
    CHECK(*h.percentile(50) == Approx(5.0 + half));   // rank ceil(5) = 5
    CHECK(*h.percentile(51) == Approx(6.0 + half));   // rank ceil(5.1) = 6
    CHECK(*h.percentile(100) == Approx(10.0 + half));
    CHECK_THROWS(h.percentile(101));
    CHECK_FALSE(SceneHistogram().percentile(50).has_value());
    CHECK_FALSE(SceneHistogram().otsu().has_value());
}

TEST_CASE("bins are exact at edges and out-of-range values are clamped and counted", "[histogram]") {
    CHECK(SceneHistogram::bin_of(0.0) == 65536);
    CHECK(SceneHistogram::bin_of(-1e-30) == 65535);  // just below 0 stays below the edge
    CHECK(SceneHistogram::bin_of(1.0 / 1024) == 65537);
    CHECK(SceneHistogram::bin_of(std::nextafter(1.0 / 1024, 0.0)) == 65536);
    SceneHistogram h;
    h.add(100.0);
    h.add(-100.0);
    CHECK(h.clamped() == 2);
    CHECK(h.counts().front() == 1);
    CHECK(h.counts().back() == 1);
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
        CHECK(std::equal(merged.counts().begin(), merged.counts().end(), whole.counts().begin()));
        CHECK(merged.otsu() == whole.otsu());
    }
    // The two modes are separated: the threshold lies between them.
    CHECK(*whole.otsu() > 0.3);
    CHECK(*whole.otsu() < 0.6);
}
