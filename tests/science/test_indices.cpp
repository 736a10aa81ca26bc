#include <bluecarbon/error.hpp>
#include <bluecarbon/science/indices.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::science;
using Catch::Matchers::WithinAbs;

namespace {

// A handful of pixels with reflectance chosen so every index can be worked out by hand.
//   pixel 0 (mangrove-like): B 0.05, G 0.08, R 0.04, N 0.30, S1 0.12
//   pixel 1 (water):          B 0.06, G 0.07, R 0.05, N 0.02, S1 0.01
//   pixel 2 (all zero):       every band 0 -> every normalised difference is 0/0
//   pixel 3 (G == S1):        B 0.05, G 0.10, R 0.10, N 0.30, S1 0.10 -> MVI denominator S1 − G = 0
//   pixel 4 (EVI den = 0):    B 0.25, G 0.10, R 0.00, N 0.875, S1 0.20 -> N + 6R − 7.5B + 1 = 0.875 − 1.875 + 1 = 0
//                             (all exact binary fractions, so the float sum is exactly 0)
//   pixel 5 (red nodata):     B 0.05, G 0.08, R invalid, N 0.30, S1 0.12
struct Scene {
    std::vector<float> blue{0.05F, 0.06F, 0.0F, 0.05F, 0.25F, 0.05F};
    std::vector<float> green{0.08F, 0.07F, 0.0F, 0.10F, 0.10F, 0.08F};
    std::vector<float> red{0.04F, 0.05F, 0.0F, 0.10F, 0.0F, 0.0F};
    std::vector<float> nir{0.30F, 0.02F, 0.0F, 0.30F, 0.875F, 0.30F};
    std::vector<float> swir1{0.12F, 0.01F, 0.0F, 0.10F, 0.20F, 0.12F};
    std::vector<std::uint8_t> all_valid = std::vector<std::uint8_t>(6, 1);
    std::vector<std::uint8_t> red_valid{1, 1, 1, 1, 1, 0};

    [[nodiscard]] BandSpans spans() const {
        BandSpans s;
        s.set(SpectralBand::blue, blue, all_valid);
        s.set(SpectralBand::green, green, all_valid);
        s.set(SpectralBand::red, red, red_valid);
        s.set(SpectralBand::nir, nir, all_valid);
        s.set(SpectralBand::swir1, swir1, all_valid);
        return s;
    }
};

struct Result {
    std::vector<float> v;
    std::vector<std::uint8_t> ok;
};

Result run(Index index, const Scene& scene) {
    Result r{std::vector<float>(6, -1.0F), std::vector<std::uint8_t>(6, 7)};
    compute_index(index, scene.spans(), r.v, r.ok);
    return r;
}

// Expected value of a valid pixel (NaN marks an invalid one).
void check(const Result& r, const std::vector<double>& expected) {
    REQUIRE(r.v.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("pixel " << i);
        if (std::isnan(expected[i])) {
            CHECK(r.ok[i] == 0);
            CHECK(r.v[i] == 0.0F);  // invalid pixels carry 0, never NaN/inf
        } else {
            CHECK(r.ok[i] == 1);
            CHECK_THAT(static_cast<double>(r.v[i]), WithinAbs(expected[i], 1e-6));  // float arithmetic
        }
    }
}

constexpr double X = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("NDVI = (N − R)/(N + R) by hand", "[indices]") {
    // p0: (0.30 − 0.04)/(0.30 + 0.04) = 0.26/0.34 = 0.7647059
    // p1: (0.02 − 0.05)/(0.02 + 0.05) = −0.03/0.07 = −0.4285714
    // p2: 0/0 -> invalid
    // p3: (0.30 − 0.10)/0.40 = 0.5
    // p4: 0.875/0.875 = 1
    // p5: red invalid -> invalid
    check(run(Index::ndvi, Scene{}), {0.26 / 0.34, -0.03 / 0.07, X, 0.5, 1.0, X});
}

TEST_CASE("EVI = 2.5 (N − R)/(N + 6R − 7.5B + 1) by hand", "[indices]") {
    // p0: 2.5·0.26/(0.30 + 0.24 − 0.375 + 1) = 0.65/1.165 = 0.5579399
    // p1: 2.5·(−0.03)/(0.02 + 0.30 − 0.45 + 1) = −0.075/0.87 = −0.0862069
    // p2: 2.5·0/(0 + 0 − 0 + 1) = 0 (valid: the +1 keeps the denominator away from zero)
    // p3: 2.5·0.20/(0.30 + 0.60 − 0.375 + 1) = 0.5/1.525 = 0.3278689
    // p4: denominator 0.875 + 0 − 1.875 + 1 = 0 -> invalid
    // p5: red invalid -> invalid
    check(run(Index::evi, Scene{}), {0.65 / 1.165, -0.075 / 0.87, 0.0, 0.5 / 1.525, X, X});
}

TEST_CASE("SAVI = 1.5 (N − R)/(N + R + 0.5) by hand", "[indices]") {
    // p0: 1.5·0.26/0.84 = 0.39/0.84 = 0.4642857
    // p1: 1.5·(−0.03)/0.57 = −0.045/0.57 = −0.0789474
    // p2: 0/0.5 = 0
    // p3: 1.5·0.20/0.90 = 0.3333333
    // p4: 1.5·0.875/1.375 = 0.9545455
    // p5: invalid
    check(run(Index::savi, Scene{}), {0.39 / 0.84, -0.045 / 0.57, 0.0, 0.3 / 0.9, 1.3125 / 1.375, X});
}

TEST_CASE("NDWI, MNDWI and NDMI by hand", "[indices]") {
    // NDWI (G − N)/(G + N): p0 −0.22/0.38; p1 0.05/0.09; p2 0/0 invalid; p3 −0.2/0.4; p4 −0.775/0.975;
    //   p5 reads no red: −0.22/0.38
    check(run(Index::ndwi, Scene{}), {-0.22 / 0.38, 0.05 / 0.09, X, -0.5, -0.775 / 0.975, -0.22 / 0.38});
    // MNDWI (G − S1)/(G + S1): p0 −0.04/0.20 = −0.2; p1 0.06/0.08 = 0.75; p2 invalid; p3 0/0.2 = 0;
    //   p4 −0.1/0.3; p5 −0.2
    check(run(Index::mndwi, Scene{}), {-0.2, 0.75, X, 0.0, -0.1 / 0.3, -0.2});
    // NDMI (N − S1)/(N + S1): p0 0.18/0.42; p1 0.01/0.03; p2 invalid; p3 0.2/0.4; p4 0.675/1.075; p5 0.18/0.42
    check(run(Index::ndmi, Scene{}), {0.18 / 0.42, 0.01 / 0.03, X, 0.5, 0.675 / 1.075, 0.18 / 0.42});
}

TEST_CASE("MVI = (N − G)/(S1 − G) by hand", "[indices]") {
    // p0: 0.22/0.04 = 5.5 (inside the mangrove range 4.5–16.5)
    // p1: −0.05/−0.06 = 0.8333333
    // p2: 0/0 invalid
    // p3: S1 − G = 0 -> invalid
    // p4: 0.775/0.10 = 7.75
    // p5: red is not read -> 5.5
    const auto r = run(Index::mvi, Scene{});
    REQUIRE(r.ok[0] == 1);
    CHECK_THAT(static_cast<double>(r.v[0]), WithinAbs(5.5, 1e-5));  // 0.22/0.04 amplifies float rounding
    CHECK_THAT(static_cast<double>(r.v[1]), WithinAbs(0.05 / 0.06, 1e-5));
    CHECK(r.ok[2] == 0);
    CHECK(r.ok[3] == 0);
    CHECK(r.v[3] == 0.0F);
    CHECK_THAT(static_cast<double>(r.v[4]), WithinAbs(7.75, 1e-5));
    CHECK_THAT(static_cast<double>(r.v[5]), WithinAbs(5.5, 1e-5));
}

TEST_CASE("Non-finite inputs never give non-finite outputs", "[indices]") {
    // A band marked valid but holding inf/NaN (or values so large the quotient overflows) is rejected.
    const float inf = std::numeric_limits<float>::infinity();
    const float big = std::numeric_limits<float>::max();
    std::vector<float> nir{inf, std::numeric_limits<float>::quiet_NaN(), big, 0.3F};
    std::vector<float> red{0.1F, 0.1F, -big, 0.1F};
    std::vector<std::uint8_t> ok(4, 1);
    BandSpans s;
    s.set(SpectralBand::nir, nir, ok);
    s.set(SpectralBand::red, red, ok);
    std::vector<float> out(4);
    std::vector<std::uint8_t> valid(4);
    compute_index(Index::ndvi, s, out, valid);
    // p0: inf/inf = NaN; p1: NaN; p2: (big + big) overflows to inf, den = 0 -> invalid; p3: 0.2/0.4 = 0.5
    CHECK(valid == std::vector<std::uint8_t>{0, 0, 0, 1});
    for (float v : out)
        CHECK(std::isfinite(v));
    CHECK_THAT(static_cast<double>(out[3]), WithinAbs(0.5, 1e-6));
}

TEST_CASE("A long run goes through the same arithmetic as a single pixel", "[indices]") {
    // The vectorised loop body and its scalar remainder must agree: compute 1003 pixels at once and one by one.
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(0.0F, 0.6F);
    const std::size_t n = 1003;
    std::vector<float> g(n), nir(n), s1(n);
    std::vector<std::uint8_t> ok(n);
    for (std::size_t i = 0; i < n; ++i) {
        g[i] = u(rng);
        nir[i] = u(rng);
        s1[i] = i % 17 == 0 ? g[i] : u(rng);  // some zero MVI denominators
        ok[i] = i % 13 == 0 ? 0 : 1;
    }
    BandSpans all;
    all.set(SpectralBand::green, g, ok);
    all.set(SpectralBand::nir, nir, ok);
    all.set(SpectralBand::swir1, s1, ok);
    std::vector<float> out(n);
    std::vector<std::uint8_t> valid(n);
    compute_index(Index::mvi, all, out, valid);
    for (std::size_t i = 0; i < n; ++i) {
        BandSpans one;
        one.set(SpectralBand::green, std::span(g).subspan(i, 1), std::span(ok).subspan(i, 1));
        one.set(SpectralBand::nir, std::span(nir).subspan(i, 1), std::span(ok).subspan(i, 1));
        one.set(SpectralBand::swir1, std::span(s1).subspan(i, 1), std::span(ok).subspan(i, 1));
        float v = -1;
        std::uint8_t vv = 9;
        compute_index(Index::mvi, one, std::span(&v, 1), std::span(&vv, 1));
        REQUIRE(vv == valid[i]);
        REQUIRE(v == out[i]);
        if (i % 17 == 0 || i % 13 == 0)
            REQUIRE(valid[i] == 0);
    }
}

TEST_CASE("Index names parse case-insensitively and unknown names list the valid ones", "[indices]") {
    CHECK(parse_index("ndvi") == Index::ndvi);
    CHECK(parse_index(" MVI ") == Index::mvi);
    CHECK(parse_index("MNDWI") == Index::mndwi);
    for (Index i : all_indices())
        CHECK(parse_index(index_name(i)) == i);
    CHECK(parse_index_list("ndvi, NDVI,mvi,evi") == std::vector<Index>{Index::ndvi, Index::mvi, Index::evi});
    try {
        (void)parse_index_list("ndvi,ndxi");
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("--index") != std::string::npos);
        CHECK(msg.find("ndxi") != std::string::npos);
        CHECK(msg.find("ndvi, evi, savi, ndwi, mndwi, ndmi, mvi") != std::string::npos);
    }
    CHECK_THROWS_AS(parse_index_list(" , "), ConfigError);
    CHECK(parse_band("SWIR1") == SpectralBand::swir1);
    CHECK_FALSE(parse_band("swir2").has_value());
}

TEST_CASE("Each index declares the bands it reads", "[indices]") {
    using V = std::vector<SpectralBand>;
    auto bands = [](Index i) {
        auto s = required_bands(i);
        V v(s.begin(), s.end());
        std::sort(v.begin(), v.end());
        return v;
    };
    CHECK(bands(Index::ndvi) == V{SpectralBand::red, SpectralBand::nir});
    CHECK(bands(Index::evi) == V{SpectralBand::blue, SpectralBand::red, SpectralBand::nir});
    CHECK(bands(Index::savi) == V{SpectralBand::red, SpectralBand::nir});
    CHECK(bands(Index::ndwi) == V{SpectralBand::green, SpectralBand::nir});
    CHECK(bands(Index::mndwi) == V{SpectralBand::green, SpectralBand::swir1});
    CHECK(bands(Index::ndmi) == V{SpectralBand::nir, SpectralBand::swir1});
    CHECK(bands(Index::mvi) == V{SpectralBand::green, SpectralBand::nir, SpectralBand::swir1});

    // Computing an index whose band is missing is a programming error, reported as such.
    Scene scene;
    BandSpans s = scene.spans();
    s.set(SpectralBand::blue, {}, {});
    std::vector<float> out(6);
    std::vector<std::uint8_t> ok(6);
    CHECK_THROWS_AS(compute_index(Index::evi, s, out, ok), std::invalid_argument);
    CHECK_NOTHROW(compute_index(Index::ndvi, s, out, ok));
}

TEST_CASE("Index statistics: count, min, max and an order-independent mean", "[indices]") {
    IndexStats st;
    CHECK_FALSE(st.mean().has_value());
    const std::vector<float> v{0.5F, -0.25F, 2.0F, 100.0F};
    const std::vector<std::uint8_t> ok{1, 1, 1, 0};
    st.add(v, ok);
    // valid: 0.5, −0.25, 2.0 -> n = 3, min −0.25, max 2, mean 2.25/3 = 0.75 (exact in binary)
    CHECK(st.valid_pixels() == 3);
    CHECK(*st.min() == -0.25);
    CHECK(*st.max() == 2.0);
    CHECK(*st.mean() == 0.75);

    // The same values in any order and any split into blocks give the same bits.
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0F, 20.0F);
    std::vector<float> values(20000);
    for (auto& x : values)
        x = u(rng);
    values[5] = 1e-42F;  // a subnormal
    values[6] = -3e38F;  // cancels values[7] exactly: a naive sum would lose every small value next to them
    values[7] = 3e38F;
    const std::vector<std::uint8_t> valid(values.size(), 1);
    IndexStats whole;
    whole.add(values, valid);
    long double reference = 0;  // the sum without the cancelling ±3e38 pair
    for (std::size_t i = 0; i < values.size(); ++i)
        if (i != 6 && i != 7)
            reference += static_cast<long double>(values[i]);
    CHECK_THAT(*whole.mean(), WithinAbs(static_cast<double>(reference / values.size()), 1e-9));
    for (int trial = 0; trial < 5; ++trial) {
        std::shuffle(values.begin(), values.end(), rng);
        IndexStats merged;
        std::size_t pos = 0;
        while (pos < values.size()) {
            const std::size_t len = std::min<std::size_t>(values.size() - pos, 1 + rng() % 3000);
            IndexStats part;
            part.add(std::span(values).subspan(pos, len), std::span(valid).subspan(pos, len));
            merged.merge(part);
            pos += len;
        }
        CHECK(merged.valid_pixels() == whole.valid_pixels());
        CHECK(*merged.mean() == *whole.mean());
        CHECK(*merged.min() == *whole.min());
        CHECK(*merged.max() == *whole.max());
    }
}
