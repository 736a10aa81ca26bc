// Habitat areas on a geographic-CRS grid (ellipsoidal cells) against GeographicLib, and class mapping.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/pools.hpp>

#include <GeographicLib/PolygonArea.hpp>
#include <GeographicLib/Rhumb.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace bluecarbon;
using namespace bluecarbon::science;

TEST_CASE("habitat areas on a geographic grid match GeographicLib to 1e-6", "[habitat][area]") {
    // 0.0025° cells (~270 m) over 121.8-121.9 E, 29.4-29.5 N on WGS 84.
    CrsInfo wgs84;
    wgs84.wkt = "EPSG:4326";
    wgs84.geographic = true;
    const double d = 0.0025;
    const std::int64_t W = 40, H = 40;
    const Grid grid(wgs84, GeoTransform{121.8, d, 0.0, 29.5, 0.0, -d}, W, H);
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(W * H));
    for (std::int64_t r = 0; r < H; ++r)
        for (std::int64_t c = 0; c < W; ++c)
            codes[static_cast<std::size_t>(r * W + c)] =
                static_cast<std::uint8_t>((c + 3 * r) % 5 == 0 ? Habitat::mangrove : (r < 10 ? Habitat::water : Habitat::salt_marsh));

    std::vector<double> row_area(static_cast<std::size_t>(H));
    for (std::int64_t r = 0; r < H; ++r) row_area[static_cast<std::size_t>(r)] = grid.cell_area_m2(r);

    // Independent: the area of each cell as a GeographicLib polygon whose edges are rhumb lines (meridians and
    // parallels are rhumb lines), summed per habitat.
    const GeographicLib::Rhumb rhumb(GeographicLib::Constants::WGS84_a(), GeographicLib::Constants::WGS84_f());
    std::array<double, k_habitat_count> expected_m2{};
    for (std::int64_t r = 0; r < H; ++r) {
        GeographicLib::PolygonAreaRhumb poly(rhumb);
        const double top = 29.5 - d * static_cast<double>(r), bottom = top - d;
        poly.AddPoint(top, 121.8);
        poly.AddPoint(top, 121.8 + d);
        poly.AddPoint(bottom, 121.8 + d);
        poly.AddPoint(bottom, 121.8);
        double perimeter = 0, area = 0;
        poly.Compute(false, true, perimeter, area);
        for (std::int64_t c = 0; c < W; ++c)
            expected_m2[habitat_index(static_cast<Habitat>(codes[static_cast<std::size_t>(r * W + c)]))] += std::fabs(area);
    }

    // Through the stock sums, with two different tilings.
    for (std::int64_t th : {H, std::int64_t{7}}) {
        SceneStockSums sums(H);
        for (std::int64_t r0 = 0; r0 < H; r0 += th) {
            const auto rows = std::min(th, H - r0);
            TileStockSums t;
            t.reset(r0, rows);
            for (std::int64_t r = 0; r < rows; ++r)
                for (std::int64_t c = 0; c < W; ++c)
                    ++t.counts[static_cast<std::size_t>(r)][codes[static_cast<std::size_t>((r0 + r) * W + c)] - 1U];
            sums.merge(t);
        }
        const auto areas = sums.areas(row_area);
        REQUIRE(areas.size() == 3);
        for (const auto& a : areas) {
            INFO(habitat_name(a.habitat));
            CHECK(a.area_ha * 1e4 == Approx(expected_m2[habitat_index(a.habitat)]).epsilon(1e-6));
        }
    }
}

TEST_CASE("class mapping: unmapped codes are collected and listed", "[habitat]") {
    ClassMapping m;
    m.add(1, Habitat::water);
    m.add(5, Habitat::mangrove);
    m.add(300, Habitat::forest);
    CHECK_THROWS(m.add(5, Habitat::forest));
    const std::vector<float> codes{1, 5, 9, 300, 12, 9, 0};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1, 1, 1, 0};
    std::vector<std::uint8_t> out(codes.size());
    std::vector<std::int64_t> unmapped{4};
    m.apply(codes, ok, out, unmapped);
    CHECK(out == std::vector<std::uint8_t>{1, 5, k_habitat_nodata, 7, k_habitat_nodata, k_habitat_nodata, k_habitat_nodata});
    CHECK(unmapped == std::vector<std::int64_t>{4, 9, 12});
    CHECK(parse_habitat("Salt marsh") == Habitat::salt_marsh);
    CHECK(parse_habitat("aquaculture-pond") == Habitat::aquaculture_pond);
    CHECK_FALSE(parse_habitat("mangrov").has_value());
}

TEST_CASE("class mapping: a code beyond the 64-bit integer range is refused, naming the file and band", "[habitat]") {
    // 2^63 = 9223372036854775808 is the first float with no int64 value (casting it was undefined behaviour);
    // 2^64 stands for a UInt64 class raster's largest codes, −2^63 · 2 for a huge negative value.
    ClassMapping m;
    m.add(1, Habitat::water);
    for (const float bad : {0x1.0p63F, 0x1.0p64F, -0x1.0p64F}) {
        const std::vector<float> codes{1, bad};
        const std::vector<std::uint8_t> ok{1, 1};
        std::vector<std::uint8_t> out(2);
        std::vector<std::int64_t> unmapped;
        CHECK_THROWS_WITH(m.apply(codes, ok, out, unmapped, "classes.tif band 1"),
                          Catch::Contains("classes.tif band 1: class code") &&
                              Catch::Contains("outside the range of integer class codes"));
    }
    // Just below 2^63 (the largest float under it, 2^63 − 2^39) is a valid, unmapped code.
    const std::vector<float> codes{std::nextafter(0x1.0p63F, 0.0F)};
    const std::vector<std::uint8_t> ok{1};
    std::vector<std::uint8_t> out(1);
    std::vector<std::int64_t> unmapped;
    m.apply(codes, ok, out, unmapped, "classes.tif band 1");
    CHECK(unmapped == std::vector<std::int64_t>{9223372036854775807LL - 549755813887LL});
}
