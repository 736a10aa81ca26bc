// A tile's stock sums through the shard codec: the same counts and the same exact partials back (a codec that
// kept only value() would lose the 1e-30 below 1.0, and the merge with -1.0 would then give 0, not 1e-30).
#include "pipeline/stock/sums_codec.hpp"

#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

using namespace bluecarbon;
using science::k_habitat_count;
using science::k_pool_count;

namespace {
science::TileStockSums sample_sums() {
    science::TileStockSums t;
    t.reset(7, 2);
    t.counts[0][4] = 3;
    t.counts[1][1] = 5;
    t.model_area_m2[0].add(1.0);
    t.model_area_m2[0].add(1e-30);  // two non-overlapping partials: [1e-30, 1.0]
    t.model_sum[1][2].add(std::numeric_limits<double>::infinity());
    t.model_sum[1][2].add(2.0);  // the infinity is kept apart from the partial 2.0
    t.model_pixels[4] = 9;
    t.model_fallback_pixels = 2;
    return t;
}
}  // namespace

TEST_CASE("stock sums codec: counts and exact partials come back bit for bit", "[pipeline][stock][codec]") {
    const auto t = sample_sums();
    const auto bytes = pipeline::stock::encode_sums(t);
    // Header 2 × 8 = 16; counts 2 rows × 8 habitats × 8 = 128; per habitat 11 sums and one int64: an empty sum
    // is 1 (flag) + 8 (count) = 9 bytes, so 11 × 9 + 8 = 107 × 8 habitats = 856; fallbacks 8. Total 1008, plus
    // 2 × 8 for model_area_m2[0]'s two partials and 8 (infinity) + 8 (one partial) for model_sum[1][2]: 1040.
    CHECK(bytes.size() == 1040);

    const auto d = pipeline::stock::decode_sums(bytes);
    CHECK(d.first_row == 7);
    CHECK(d.rows == 2);
    REQUIRE(d.counts.size() == 2);
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t h = 0; h < k_habitat_count; ++h) CHECK(d.counts[r][h] == t.counts[r][h]);
    CHECK(d.model_pixels == t.model_pixels);
    CHECK(d.model_fallback_pixels == 2);
    for (std::size_t h = 0; h < k_habitat_count; ++h)
        for (std::size_t k = 0; k < k_pool_count; ++k) {
            CHECK(d.model_sum[h][k].partials() == t.model_sum[h][k].partials());
            CHECK(d.model_sigma_sum[h][k].partials() == t.model_sigma_sum[h][k].partials());
        }
    CHECK(d.model_area_m2[0].partials() == std::vector<double>{1e-30, 1.0});

    ExactSum area = d.model_area_m2[0];
    area.add(-1.0);
    CHECK(area.value() == 1e-30);  // 1.0 + 1e-30 - 1.0, exactly
    CHECK(d.model_sum[1][2].value() == std::numeric_limits<double>::infinity());
    ExactSum poisoned = d.model_sum[1][2];
    poisoned.add(-std::numeric_limits<double>::infinity());
    CHECK(std::isnan(poisoned.value()));  // inf + (-inf), as IEEE
}

TEST_CASE("stock sums codec: truncated or trailing bytes are refused", "[pipeline][stock][codec]") {
    auto bytes = pipeline::stock::encode_sums(sample_sums());
    auto cut = bytes;
    cut.pop_back();
    CHECK_THROWS_AS(pipeline::stock::decode_sums(cut), InputError);
    bytes.push_back(std::byte{0});
    CHECK_THROWS_AS(pipeline::stock::decode_sums(bytes), InputError);
    // A row count the bytes cannot hold (2^40 rows in 1041 bytes) is refused before anything is allocated.
    const std::int64_t huge = std::int64_t{1} << 40;
    std::memcpy(bytes.data() + 8, &huge, sizeof huge);
    CHECK_THROWS_AS(pipeline::stock::decode_sums(bytes), InputError);
}
