#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/error.hpp>

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <catch2/catch.hpp>

#include <cmath>

using namespace bluecarbon;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("Grid maps pixels to world coordinates and back", "[grid]") {
    const Grid g(CrsInfo{}, GeoTransform{100.0, 10.0, 0.0, 500.0, 0.0, -10.0}, 4, 3);
    CHECK(g.cell_center(0, 0) == Coord{105.0, 495.0});
    CHECK(g.cell_center(3, 2) == Coord{135.0, 475.0});
    const auto px = g.to_pixel({135.0, 475.0});
    REQUIRE(px);
    CHECK_THAT(px->x, WithinAbs(3.5, 1e-12));
    CHECK_THAT(px->y, WithinAbs(2.5, 1e-12));
    const Extent e = g.extent();
    CHECK(e.xmin == 100.0);
    CHECK(e.xmax == 140.0);
    CHECK(e.ymin == 470.0);
    CHECK(e.ymax == 500.0);
    const Grid sub = g.subgrid({1, 1, 2, 2});
    CHECK(sub.cell_center(0, 0) == g.cell_center(1, 1));
    CHECK_THROWS_AS(Grid(CrsInfo{}, GeoTransform{0, 0, 0, 0, 0, 0}, 2, 2), GridMismatchError);
}

TEST_CASE("Projected cell area is planar, in square metres", "[grid]") {
    CrsInfo utm;
    utm.wkt = "PROJCS[...]";
    CHECK(Grid(utm, GeoTransform{0, 10, 0, 0, 0, -10}, 2, 2).cell_area_m2(0) == 100.0);
    utm.linear_unit_m = 0.3048;  // a foot-based CRS: 10 ft x 10 ft
    CHECK_THAT(Grid(utm, GeoTransform{0, 10, 0, 0, 0, -10}, 2, 2).cell_area_m2(1), WithinRel(9.290304, 1e-12));
}

TEST_CASE("Geographic cell area matches GeographicLib's geodesic polygon area", "[grid][geodesy]") {
    CrsInfo wgs84;
    wgs84.wkt = "GEOGCS[...]";
    wgs84.geographic = true;
    const GeographicLib::Geodesic& geod = GeographicLib::Geodesic::WGS84();
    // Cells of 0.001 and 0.01 degrees at the equator, on the Xiangshan coast (29.5 N) and at 60 N. The cell's
    // north and south edges are parallels, GeographicLib's are geodesics; for cells this small the two areas
    // differ by far less than the 1e-6 relative tolerance (the bulge is of order (dlon)^2).
    const auto [lat_top, res] =
        GENERATE(table<double, double>({{0.001, 0.001}, {29.5, 0.001}, {29.5, 0.01}, {60.0, 0.01}, {-33.0, 0.005}}));
    const Grid g(wgs84, GeoTransform{121.8, res, 0.0, lat_top, 0.0, -res}, 10, 10);
    for (std::int64_t row : {0, 7}) {
        const double north = lat_top - static_cast<double>(row) * res, south = north - res;
        GeographicLib::PolygonArea poly(geod);
        poly.AddPoint(south, 121.8);
        poly.AddPoint(south, 121.8 + res);
        poly.AddPoint(north, 121.8 + res);
        poly.AddPoint(north, 121.8);
        double perimeter = 0, area = 0;
        poly.Compute(false, true, perimeter, area);
        CHECK_THAT(g.cell_area_m2(row), WithinRel(std::abs(area), 1e-6));
    }
}

TEST_CASE("The ellipsoidal quadrangle reduces to the spherical formula", "[grid][geodesy]") {
    // On a sphere of radius R: A = R^2 * dlon * (sin(lat2) - sin(lat1)).
    const double r = 6371000.0, deg = M_PI / 180.0;
    const double expected = r * r * 0.5 * deg * (std::sin(30.5 * deg) - std::sin(30.0 * deg));
    CHECK_THAT(ellipsoidal_quadrangle_area_m2(30.0, 30.5, 0.5, r, 0.0), WithinRel(expected, 1e-12));
}
