#include "sample_report.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/report/map_render.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace bluecarbon;
using namespace bluecarbon::report;

TEST_CASE("make_quicklook averages valid cells over k x k blocks", "[report][quicklook]") {
    // 5 x 3 raster, max size 2 -> factor ceil(5 / 2) = 3 -> 2 x 1 quicklook cells (the second one partial).
    MapRaster r{Grid(CrsInfo{}, GeoTransform{}, 5, 3),
                std::vector<float>{1, 2, 3, 4, 5,        //
                                   6, -1, 8, 9, 10,      //
                                   11, 12, NAN, 14, 15}, //
                -1.0};
    const Quicklook q = make_quicklook(r, false, 2);
    REQUIRE(q.factor == 3);
    REQUIRE(q.width == 2);
    REQUIRE(q.height == 1);
    // Block 0: columns 0-2 minus the nodata (-1) and NaN: 1+2+3+6+8+11+12 = 43 over 7 cells.
    CHECK(q.valid[0] == 1);
    CHECK(q.values[0] == Approx(43.0 / 7.0));
    // Block 1: columns 3-4: 4+5+9+10+14+15 = 57 over 6 cells.
    CHECK(q.values[1] == Approx(57.0 / 6.0));
}

TEST_CASE("make_quicklook takes the most frequent class, the smaller one on a tie", "[report][quicklook]") {
    MapRaster r{Grid(CrsInfo{}, GeoTransform{}, 4, 2),
                std::vector<std::uint8_t>{3, 3, 2, 5,  //
                                          2, 255, 5, 2},
                255.0};
    const Quicklook q = make_quicklook(r, true, 2);  // factor 2: blocks {3,3,2,255} and {2,5,5,2}
    REQUIRE(q.width == 2);
    REQUIRE(q.height == 1);
    CHECK(q.values[0] == 3);  // 3 twice, 2 once
    CHECK(q.values[1] == 2);  // 2 and 5 twice each: the smaller
    MapRaster all_nodata{Grid(CrsInfo{}, GeoTransform{}, 2, 1), std::vector<std::uint8_t>{255, 255}, 255.0};
    CHECK(make_quicklook(all_nodata, true, 10).valid[0] == 0);
}

TEST_CASE("make_quicklook rejects pixels that do not fit the grid", "[report][quicklook]") {
    MapRaster r{Grid(CrsInfo{}, GeoTransform{}, 4, 2), std::vector<float>(7), std::nullopt};
    CHECK_THROWS_AS(make_quicklook(r, false, 10), InputError);
    MapRaster f{Grid(CrsInfo{}, GeoTransform{}, 1, 1), std::vector<float>(1), std::nullopt};
    CHECK_THROWS_AS(make_quicklook(f, true, 10), InputError);  // classes need uint8 codes
}

TEST_CASE("viridis hits its published end stops and blends linearly between stops", "[report][quicklook]") {
    CHECK(viridis(0) == Rgb{0x44, 0x01, 0x54});
    CHECK(viridis(-3) == Rgb{0x44, 0x01, 0x54});
    CHECK(viridis(1) == Rgb{0xFD, 0xE7, 0x25});
    CHECK(viridis(5.0 / 9.0) == Rgb{0x1F, 0x9E, 0x89});
    // A quarter of the way from stop 0 (#440154) to stop 1 (#482878): 68 + 4/4 = 69, 1 + 39/4 = 10.75 -> 11,
    // 84 + 36/4 = 93.
    CHECK(viridis(0.25 / 9.0) == Rgb{69, 11, 93});
}

TEST_CASE("metres per cell: cell size on projected grids, parallel length on geographic ones", "[report][scale]") {
    CHECK(metres_per_cell_x(test::utm_grid()) == 10.0);
    CrsInfo feet = test::utm_grid().crs();
    feet.linear_unit_m = 0.3048;
    CHECK(*metres_per_cell_x(Grid(feet, GeoTransform{0, 30, 0, 0, 0, -30}, 4, 4)) == Approx(9.144));
    CHECK_FALSE(metres_per_cell_x(Grid(CrsInfo{}, GeoTransform{}, 4, 4)).has_value());

    // WGS 84, cells of 0.001 degrees, grid centred on 29.5 N. Independent check: the radius of the parallel is
    // N cos(phi) with N = a / sqrt(1 - e^2 sin^2 phi), e^2 = f (2 - f).
    CrsInfo wgs84;
    wgs84.wkt = "GEOGCRS[\"WGS 84\"]";
    wgs84.geographic = true;
    const Grid g(wgs84, GeoTransform{121.8, 0.001, 0, 29.55, 0, -0.001}, 100, 100);
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
    const double phi = 29.5 * M_PI / 180;
    const double n = a / std::sqrt(1 - e2 * std::sin(phi) * std::sin(phi));
    const double expected = 0.001 * (M_PI / 180) * n * std::cos(phi);
    CHECK(*metres_per_cell_x(g) == Approx(expected).epsilon(1e-12));
    CHECK(*metres_per_cell_x(g) == Approx(96.966).margin(0.001));  // about 97 m per 0.001 degree at 29.5 N
}

TEST_CASE("nice_length_m picks 1, 2 or 5 x 10^n not above the limit", "[report][scale]") {
    CHECK(nice_length_m(300) == 200);
    CHECK(nice_length_m(1000) == 1000);
    CHECK(nice_length_m(999.9) == 500);
    CHECK(nice_length_m(7.3) == 5);
    CHECK(nice_length_m(0.15) == Approx(0.1));
    CHECK(nice_length_m(0) == 0);
    CHECK(nice_length_m(-5) == 0);
}
