// Geoid conversion (io/geoid.hpp) against PROJ's own command-line tool run with the same grid file.
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/geoid.hpp>

#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {
fs::path china_grid() { return fs::path(test::k_grids_dir) / "egm96_15_china.gtx"; }
CrsInfo utm51n() {
    CrsInfo c;
    c.wkt = "EPSG:32651";  // PROJ reads an authority code wherever it reads WKT
    c.name = "WGS 84 / UTM zone 51N";
    return c;
}
}  // namespace

// Expected values from PROJ's `cct` with the shipped grid (PROJ 9.1.1, Debian bookworm), run from the
// repository root:
//   printf "400000 3265000 10\n452345.5 3301234.25 -2.5\n" | cct -d 6 +proj=pipeline
//     +step +inv +proj=utm +zone=51 +ellps=WGS84
//     +step +proj=vgridshift +grids=$PWD/grids/egm96_15_china.gtx +multiplier=-1
//     +step +proj=utm +zone=51 +ellps=WGS84          (one command line)
//   400000.000000  3265000.000000     -4.320867           inf
//   452345.500000  3301234.250000    -18.680733           inf
// (the points are lon/lat 121.968223 29.510587 and 122.506692 29.840685: `cs2cs EPSG:32651 EPSG:4326`).
TEST_CASE("geoid heights match cct with the same grid at two coordinates", "[geoid]") {
    GeoidConverter conv(utm51n(), china_grid());
    const std::vector<double> x = {400000.0, 452345.5}, y = {3265000.0, 3301234.25};
    std::vector<double> n(2);
    conv.undulation(x, y, n);
    CHECK(10.0 - n[0] == Approx(-4.320867).margin(1e-6));
    CHECK(-2.5 - n[1] == Approx(-18.680733).margin(1e-6));
}

TEST_CASE("to_geoid converts a block's valid pixels, exactly with step 1 and within a millimetre with step 8",
          "[geoid]") {
    // 40 x 30 pixels of 10 m with the first pixel centred on the first cct point.
    const Grid grid(utm51n(), GeoTransform{399995.0, 10.0, 0.0, 3265005.0, 0.0, -10.0}, 40, 30);
    Block<float> exact(grid.full_window(), 10.0F), coarse(grid.full_window(), 10.0F);
    exact.valid[5] = 0;
    coarse.valid[5] = 0;
    GeoidConverter conv(utm51n(), china_grid());
    conv.to_geoid(grid, exact, 1.0, 1);
    conv.to_geoid(grid, coarse, 1.0, 8);
    CHECK(exact.px[0] == Approx(-4.320867).margin(1e-5));  // float storage
    CHECK(exact.px[5] == 10.0F);                             // invalid pixels untouched
    double worst = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) worst = std::max(worst, std::fabs(double(exact.px[i]) - coarse.px[i]));
    CHECK(worst < 1e-3);
    // Feet: 10 ft = 3.048 m above the ellipsoid.
    Block<float> feet(Window{0, 0, 1, 1}, 10.0F);
    conv.to_geoid(grid, feet, 0.3048, 1);
    CHECK(feet.px[0] == Approx(3.048 - 14.320867).margin(1e-5));
}

TEST_CASE("to_geoid gives the same heights whatever window a pixel is converted in", "[geoid]") {
    // The lattice of PROJ evaluations belongs to the grid, so cutting the grid into tiles of any size (aligned to
    // the step or not) changes no pixel, not even in the last bit.
    const Grid grid(utm51n(), GeoTransform{399995.0, 10.0, 0.0, 3265005.0, 0.0, -10.0}, 45, 31);
    GeoidConverter conv(utm51n(), china_grid());
    for (int step : {1, 4, 8}) {
        Block<float> whole(grid.full_window(), 10.0F);
        conv.to_geoid(grid, whole, 1.0, step);
        for (auto [tw, th] : {std::pair<std::int64_t, std::int64_t>{16, 16}, {13, 7}, {8, 31}, {45, 1}}) {
            INFO("step " << step << ", tiles " << tw << " x " << th);
            std::vector<float> tiled(whole.size());
            for (std::int64_t r0 = 0; r0 < grid.height(); r0 += th)
                for (std::int64_t c0 = 0; c0 < grid.width(); c0 += tw) {
                    const Window w{c0, r0, std::min(tw, grid.width() - c0), std::min(th, grid.height() - r0)};
                    Block<float> b(w, 10.0F);
                    conv.to_geoid(grid, b, 1.0, step);
                    for (std::int64_t r = 0; r < w.rows; ++r)
                        for (std::int64_t c = 0; c < w.cols; ++c)
                            tiled[static_cast<std::size_t>((r0 + r) * grid.width() + c0 + c)] = b.px[b.index(c, r)];
                }
            CHECK(tiled == whole.px);
        }
    }
    Block<float> outside(Window{40, 0, 10, 1}, 10.0F);
    CHECK_THROWS_AS(conv.to_geoid(grid, outside, 1.0, 8), std::out_of_range);
}

TEST_CASE("converters on different threads give the same heights", "[geoid]") {
    std::vector<double> a(1), b(1);
    std::thread t1([&] {
        GeoidConverter c(utm51n(), china_grid());
        const std::vector<double> x{452345.5}, y{3301234.25};
        c.undulation(x, y, a);
    });
    std::thread t2([&] {
        GeoidConverter c(utm51n(), china_grid());
        const std::vector<double> x{452345.5}, y{3301234.25};
        c.undulation(x, y, b);
    });
    t1.join();
    t2.join();
    CHECK(a[0] == b[0]);
    CHECK(a[0] == Approx(16.180733).margin(1e-6));
}

TEST_CASE("points outside the grid and missing grids are errors naming them", "[geoid]") {
    GeoidConverter conv(utm51n(), china_grid());
    // Far south of 15N (UTM northing 1,000 km ~ 9N).
    const std::vector<double> x{500000.0}, y{1000000.0};
    std::vector<double> n(1);
    CHECK_THROWS_WITH(conv.undulation(x, y, n), Catch::Contains("does not cover") && Catch::Contains("egm96_15_china.gtx"));
    CHECK_THROWS_AS(GeoidConverter(utm51n(), fs::path(test::k_grids_dir) / "no_such_geoid.gtx"), CrsError);
    test::TempDir dir;
    CHECK_THROWS_WITH(find_geoid_grid("no_such_geoid.gtx", dir.path()),
                      Catch::Contains("no_such_geoid.gtx") && Catch::Contains("not found"));
    CHECK(find_geoid_grid("egm96_15_china.gtx", dir.path()).filename() == "egm96_15_china.gtx");
    std::ofstream(dir / "local.gtx") << "x";
    CHECK(find_geoid_grid("local.gtx", dir.path()) == fs::absolute(dir / "local.gtx").lexically_normal());
}

TEST_CASE("vertical units", "[geoid]") {
    CHECK(vertical_unit_to_metres("m") == 1.0);
    CHECK(vertical_unit_to_metres("Metre") == 1.0);
    CHECK(vertical_unit_to_metres("ft") == 0.3048);
    CHECK(vertical_unit_to_metres("US survey foot") == Approx(0.3048006096));
    CHECK_FALSE(vertical_unit_to_metres("").has_value());
    CHECK_FALSE(vertical_unit_to_metres("furlong").has_value());
}
