// Exact coverage fractions against a GEOS overlay (area of polygon ∩ cell / cell area), to 1e-9.
#include "parcels_fixtures.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/coverage.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <vector>

using namespace bluecarbon;
using parcels::coverage_fractions;
using parcels::PixelPolygon;

namespace {

// 10 m cells at large UTM-like coordinates, 14 x 11 cells: x 500000..500140, y 4000000..3999890.
constexpr double X0 = 500000, Y0 = 4000000;
Grid test_grid() { return Grid(CrsInfo{}, GeoTransform{X0, 10, 0, Y0, 0, -10}, 14, 11); }

std::string square(double x, double y, double size) {
    return fmt::format("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))", x, y, x + size, y + size);
}

std::string diamond(double cx, double cy, double r) {
    return fmt::format("POLYGON(({0} {1},{2} {3},{0} {4},{5} {3},{0} {1}))", cx, cy - r, cx + r, cy, cy + r, cx - r);
}

// A star with n points (concave), radii r1/r2, rotated by phase.
std::string star(double cx, double cy, double r1, double r2, int n, double phase) {
    std::string s = "POLYGON((";
    for (int i = 0; i <= 2 * n; ++i) {
        const int k = i % (2 * n);
        const double a = phase + std::numbers::pi * k / n;
        const double r = k % 2 == 0 ? r1 : r2;
        s += fmt::format("{}{:.17g} {:.17g}", i ? "," : "", cx + r * std::cos(a), cy + r * std::sin(a));
    }
    return s + "))";
}

std::vector<std::string> polygons() {
    std::vector<std::string> out;
    // Squares offset by fractions of a cell, of sizes below, at and above a cell.
    for (double off : {0.0, 0.25, 0.5, 0.37, 0.9})
        for (double size : {3.3, 10.0, 23.7, 41.05}) out.push_back(square(X0 + 20 + off * 10, Y0 - 80 + off * 7, size));
    // Diamonds (edges at 45 degrees through corners and cell sides).
    for (double r : {5.0, 12.5, 27.3}) out.push_back(diamond(X0 + 70, Y0 - 55, r));
    out.push_back(diamond(X0 + 73.3, Y0 - 51.1, 18.2));
    // Fixed shapes, their WKT read at run time (GCC 12 warns falsely, -Wstringop-overread, when each long
    // literal becomes a std::string of known size).
    const char* const fixed[] = {
        // A square with a hole, and a hole touching cell lines.
        "POLYGON((500010 3999900,500120 3999900,500120 3999990,500010 3999990,500010 3999900),"
        "(500033.3 3999921.7,500088.8 3999921.7,500088.8 3999966.6,500033.3 3999966.6,500033.3 3999921.7))",
        "POLYGON((500010 3999900,500120 3999900,500120 3999990,500010 3999990,500010 3999900),"
        "(500030 3999920,500090 3999920,500090 3999970,500030 3999970,500030 3999920))",
        // Rings that leave the grid and re-enter it (west, north, east and south), and one that surrounds it.
        "POLYGON((499950 3999950,500060 3999950,500060 3999960,500035.5 3999960,500035.5 3999975,"
        "500060 3999975,500060 4000030,499950 4000030,499950 3999950))",
        "POLYGON((500100 3999850,500165 3999875.5,500120.2 3999930,500180 3999960,500090 3999990,"
        "500060 3999870,500100 3999850))",
        "POLYGON((499000 3998000,501000 3998000,501000 4001000,499000 4001000,499000 3998000))",
        // Inside one cell (and, below, on one cell exactly).
        "POLYGON((500041.2 3999952.1,500047.7 3999953.3,500044.4 3999958.8,500041.2 3999952.1))",
        // Thin slivers: a long needle across many cells and a near-degenerate triangle.
        "POLYGON((500001 3999891,500139 3999999,500139.001 3999998.999,500001 3999891))",
        "POLYGON((500005 3999905.5,500135 3999905.5,500135 3999905.5003,500005 3999905.5))",
        // A multipolygon with parts in different cells, and concave stars.
        "MULTIPOLYGON(((500002 3999992,500018 3999992,500018 3999998,500002 3999998,500002 3999992)),"
        "((500104.5 3999902.5,500133.3 3999902.5,500133.3 3999931,500104.5 3999902.5)))",
    };
    for (const char* wkt : fixed) out.emplace_back(wkt);
    out.push_back(square(X0 + 30, Y0 - 40, 10.0));
    for (int i = 0; i < 6; ++i) out.push_back(star(X0 + 45 + 9.3 * i, Y0 - 48 - 3.1 * i, 30 - i, 11 + i, 5 + i, 0.3 * i));
    return out;
}

}  // namespace

TEST_CASE("Coverage fractions match a GEOS overlay on dozens of polygons", "[parcels][coverage][geos]") {
    const Grid grid = test_grid();
    const auto all = polygons();
    REQUIRE(all.size() >= 36);
    for (const auto& wkt : all) {
        INFO(wkt);
        const auto g = test::wkt_polygon(wkt);
        const PixelPolygon pp(g, grid.transform());
        const auto cov = coverage_fractions(pp, grid.full_window());
        const test::OverlayReference ref(g, grid);
        double worst = 0, covered = 0;
        for (std::int64_t r = 0; r < grid.height(); ++r)
            for (std::int64_t c = 0; c < grid.width(); ++c) {
                const bool in = c >= cov.window.col_off && c < cov.window.col_end() && r >= cov.window.row_off &&
                                r < cov.window.row_end();
                const double ours = in ? cov.at(c, r) : 0.0;
                worst = std::max(worst, std::abs(ours - ref.coverage(c, r)));
                covered += ours;
            }
        CHECK(worst <= 1e-9);
        CHECK(covered > 0);
    }
}

TEST_CASE("Coverage fractions of simple shapes are the hand-computed shares", "[parcels][coverage]") {
    const Grid grid = test_grid();
    // A 10 x 10 square offset by half a cell both ways covers four cells by a quarter each.
    const auto cov = coverage_fractions(PixelPolygon(test::wkt_polygon(square(X0 + 15, Y0 - 25, 10)), grid.transform()),
                                        grid.full_window());
    CHECK(cov.window == Window{1, 1, 2, 2});
    for (double f : cov.frac) CHECK(f == 0.25);
    // A diamond inscribed in one cell (vertices on its side midpoints) covers half of it.
    const auto d = coverage_fractions(PixelPolygon(test::wkt_polygon(diamond(X0 + 35, Y0 - 35, 5)), grid.transform()),
                                      grid.full_window());
    CHECK(d.window == Window{3, 3, 1, 1});
    CHECK(d.frac[0] == Approx(0.5).margin(1e-12));
}

TEST_CASE("Coverage of a cell does not depend on the window it is computed in", "[parcels][coverage]") {
    const Grid grid = test_grid();
    for (const auto& wkt : polygons()) {
        const PixelPolygon pp(test::wkt_polygon(wkt), grid.transform());
        const auto whole = coverage_fractions(pp, grid.full_window());
        for (std::int64_t t : {1, 2, 3, 5}) {
            for (std::int64_t r = 0; r < grid.height(); r += t)
                for (std::int64_t c = 0; c < grid.width(); c += t) {
                    const auto part = coverage_fractions(pp, Window{c, r, t, t}.intersection(grid.full_window()));
                    for (std::int64_t rr = part.window.row_off; rr < part.window.row_end(); ++rr)
                        for (std::int64_t cc = part.window.col_off; cc < part.window.col_end(); ++cc)
                            REQUIRE(part.at(cc, rr) == whole.at(cc, rr));  // bit-identical
                }
        }
    }
}

TEST_CASE("Coverage refuses rotated grids and NaN coordinates", "[parcels][coverage]") {
    const auto g = test::wkt_polygon(square(X0, Y0 - 10, 10));
    CHECK_THROWS_AS(PixelPolygon(g, GeoTransform{X0, 10, 0.5, Y0, 0, -10}), GeometryError);
    auto bad = g;
    bad.parts[0].exterior[1].x = std::nan("");
    CHECK_THROWS_AS(PixelPolygon(bad, GeoTransform{X0, 10, 0, Y0, 0, -10}), GeometryError);
}
