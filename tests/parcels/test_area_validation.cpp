// Ellipsoidal areas against GeographicLib, tiling sums, GEOS validation and repair, overlap areas.
#include "parcels_fixtures.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/area.hpp>
#include <bluecarbon/parcels/validation.hpp>

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::parcels;

namespace {

constexpr double WGS84_A = 6378137.0, WGS84_INVF = 298.257223563;

double geographiclib_area(const MultiPolygon& g, double a, double inv_f) {
    const GeographicLib::Geodesic geod(a, 1.0 / inv_f);
    const auto ring_area = [&](const Ring& r) {
        GeographicLib::PolygonArea poly(geod);
        for (std::size_t i = 0; i + 1 < r.size(); ++i) poly.AddPoint(r[i].y, r[i].x);  // closed ring: skip repeat
        double perimeter = 0, area = 0;
        poly.Compute(false, true, perimeter, area);
        return std::abs(area);
    };
    double total = 0;
    for (const auto& p : g.parts) {
        total += ring_area(p.exterior);
        for (const auto& h : p.holes) total -= ring_area(h);
    }
    return total;
}

MultiPolygon lonlat_box(double lon0, double lat0, double dlon, double dlat) {
    return box_polygon(Extent{lon0, lat0, lon0 + dlon, lat0 + dlat});
}

}  // namespace

TEST_CASE("Ellipsoidal areas agree with GeographicLib to 1e-6", "[parcels][area]") {
    std::vector<MultiPolygon> cases;
    // Parcel-sized boxes (about 20 m to 10 km) at the latitudes of mangrove and salt-marsh coasts.
    for (double lat : {-33.9, -8.2, 0.0, 1.3, 22.5, 30.1, 51.4})
        for (double size : {0.0002, 0.003, 0.09}) cases.push_back(lonlat_box(120.1, lat, size, size * 0.7));
    // Irregular polygons with a hole and a multipolygon.
    cases.push_back(test::wkt_polygon("POLYGON((121.5 24.9,121.53 24.91,121.56 24.95,121.51 24.97,121.49 24.93,"
                                      "121.5 24.9),(121.51 24.93,121.52 24.93,121.52 24.94,121.51 24.93))"));
    cases.push_back(test::wkt_polygon("MULTIPOLYGON(((-80.1 25.7,-80.09 25.7,-80.09 25.71,-80.1 25.7)),"
                                      "((-80.2 25.8,-80.19 25.8,-80.19 25.81,-80.2 25.81,-80.2 25.8)))"));
    for (const auto& g : cases) {
        const double ours = ellipsoidal_area_m2(g, WGS84_A, WGS84_INVF);
        const double ref = geographiclib_area(g, WGS84_A, WGS84_INVF);
        CHECK_THAT(ours, Catch::Matchers::WithinRel(ref, 1e-6));
    }
    // Another ellipsoid (Clarke 1866) is honoured, not WGS 84 reused.
    const auto g = lonlat_box(-90.2, 29.3, 0.05, 0.04);
    CHECK_THAT(ellipsoidal_area_m2(g, 6378206.4, 294.978698214),
               Catch::Matchers::WithinRel(geographiclib_area(g, 6378206.4, 294.978698214), 1e-6));
    // Ring orientation does not matter.
    auto reversed = g;
    std::reverse(reversed.parts[0].exterior.begin(), reversed.parts[0].exterior.end());
    CHECK(ellipsoidal_area_m2(reversed, WGS84_A, WGS84_INVF) ==
          Approx(ellipsoidal_area_m2(g, WGS84_A, WGS84_INVF)).epsilon(1e-12));
}

TEST_CASE("Areas of a tiling's parcels sum to the area of its union", "[parcels][area]") {
    // A 0.06 x 0.04 degree block cut into a 4 x 3 lattice whose inner vertices are jittered (shared by neighbours).
    const double lon0 = 113.5, lat0 = 22.1, dx = 0.015, dy = 0.04 / 3;
    const auto vertex = [&](int i, int j) {
        const bool inner_x = i > 0 && i < 4, inner_y = j > 0 && j < 3;
        return Coord{lon0 + i * dx + (inner_x && inner_y ? 0.002 * std::sin(i * 3.1 + j) : 0.0),
                     lat0 + j * dy + (inner_x && inner_y ? 0.002 * std::cos(i + j * 2.3) : 0.0)};
    };
    std::vector<MultiPolygon> tiles;
    for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 4; ++i) {
            MultiPolygon t;
            t.parts.push_back({{vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1), vertex(i, j)}, {}});
            tiles.push_back(t);
        }
    double sum = 0, planar_sum = 0;
    for (const auto& t : tiles) {
        sum += ellipsoidal_area_m2(t, WGS84_A, WGS84_INVF);
        planar_sum += planar_area_m2(t, 1.0);
    }
    // The union's boundary passes through every outer lattice vertex (edges are geodesics, so the four pieces of
    // the southern side are not the one geodesic between its ends).
    MultiPolygon whole;
    Ring outer;
    for (int i = 0; i < 4; ++i) outer.push_back(vertex(i, 0));
    for (int j = 0; j < 3; ++j) outer.push_back(vertex(4, j));
    for (int i = 4; i > 0; --i) outer.push_back(vertex(i, 3));
    for (int j = 3; j >= 0; --j) outer.push_back(vertex(0, j));
    whole.parts.push_back({outer, {}});
    CHECK_THAT(sum, Catch::Matchers::WithinRel(ellipsoidal_area_m2(whole, WGS84_A, WGS84_INVF), 1e-9));
    // Planar: the same against GEOS's union of the pieces.
    CHECK_THAT(planar_sum, Catch::Matchers::WithinRel(union_area(tiles), 1e-12));
    CHECK_THAT(planar_sum, Catch::Matchers::WithinRel(0.06 * 0.04, 1e-12));
}

TEST_CASE("Planar area subtracts holes", "[parcels][area]") {
    // 100 x 50 m with a 10 x 10 m hole, in a CRS in US survey feet (0.3048006096 m per unit) too.
    const auto g = test::wkt_polygon("POLYGON((0 0,100 0,100 50,0 50,0 0),(10 10,20 10,20 20,10 20,10 10))");
    CHECK(planar_area_m2(g, 1.0) == 4900.0);
    CHECK(planar_area_m2(g, 0.3048006096) == Approx(4900.0 * 0.3048006096 * 0.3048006096).epsilon(1e-15));
}

TEST_CASE("Validation reports each problem with its reason and location", "[parcels][validation][geos]") {
    const std::vector<std::string> ids = {"ok", "bowtie", "empty", "flat", "nan", "ok"};
    std::vector<MultiPolygon> g = {
        test::wkt_polygon("POLYGON((0 0,10 0,10 10,0 10,0 0))"),
        test::wkt_polygon("POLYGON((0 0,10 10,10 0,0 10,0 0))"),
        MultiPolygon{},
        test::wkt_polygon("POLYGON((0 0,10 0,20 0,0 0))"),
        test::wkt_polygon("POLYGON((0 0,10 0,10 10,0 0))"),
        test::wkt_polygon("POLYGON((20 0,30 0,30 10,20 10,20 0))"),
    };
    g[4].parts[0].exterior[1].y = std::numeric_limits<double>::quiet_NaN();
    const auto problems = validate_parcels(ids, g);
    REQUIRE(problems.size() == 5);
    CHECK(problems[0].index == 1);
    CHECK(problems[0].kind == ParcelProblem::Kind::invalid);
    CHECK(problems[0].reason == "Self-intersection");
    REQUIRE(problems[0].location);
    CHECK(problems[0].location->x == Approx(5.0));  // the bow tie crosses itself at (5, 5)
    CHECK(problems[0].location->y == Approx(5.0));
    CHECK(problems[0].describe() == "parcel 'bowtie' (feature 2): Self-intersection at (5, 5)");
    CHECK(problems[1].kind == ParcelProblem::Kind::empty);
    CHECK(problems[2].index == 3);  // a collapsed ring: GEOS calls it invalid (or it has zero area)
    CHECK((problems[2].kind == ParcelProblem::Kind::invalid || problems[2].kind == ParcelProblem::Kind::zero_area));
    CHECK(problems[3].kind == ParcelProblem::Kind::non_finite);
    CHECK(problems[4].kind == ParcelProblem::Kind::duplicate_id);
    CHECK(problems[4].describe() == "parcel 'ok' (feature 6): duplicate id (also feature 1)");
    CHECK(describe_problems(problems, 2).find("... and 3 more") != std::string::npos);
}

TEST_CASE("MakeValid repairs a bow tie into its two triangles", "[parcels][validation][geos]") {
    const auto fixed = make_valid(test::wkt_polygon("POLYGON((0 0,10 10,10 0,0 10,0 0))"));
    // Two triangles with base 10 and height 5: 2 x 25 m².
    CHECK(planar_area(fixed) == Approx(50.0).epsilon(1e-12));
    const std::vector<std::string> ids = {"a"};
    CHECK(validate_parcels(ids, std::vector<MultiPolygon>{fixed}).empty());
    CHECK_THROWS_AS(make_valid(test::wkt_polygon("POLYGON((0 0,10 0,20 0,0 0))")), GeometryError);
}

TEST_CASE("Overlap areas are exact and found for every overlapping pair", "[parcels][overlap][geos]") {
    // Squares of 10 m: b overlaps a by 4 x 10 = 40 m²; c touches a along an edge only (0 m²); d overlaps b by 1 x 1.
    const std::vector<MultiPolygon> set = {
        test::wkt_polygon("POLYGON((0 0,10 0,10 10,0 10,0 0))"),
        test::wkt_polygon("POLYGON((6 0,16 0,16 10,6 10,6 0))"),
        test::wkt_polygon("POLYGON((-10 0,0 0,0 10,-10 10,-10 0))"),
        test::wkt_polygon("POLYGON((15 9,25 9,25 19,15 19,15 9))"),
    };
    CHECK(overlap_area(set[0], set[1]) == Approx(40.0).epsilon(1e-12));
    CHECK(overlap_area(set[0], set[2]) == 0.0);
    const auto pairs = find_overlaps(set, set, 0.5, true);
    REQUIRE(pairs.size() == 2);
    CHECK((pairs[0].a == 0 && pairs[0].b == 1 && pairs[0].area == Approx(40.0)));
    CHECK((pairs[1].a == 1 && pairs[1].b == 3 && pairs[1].area == Approx(1.0)));
    // A tolerance above 1 m² hides the small overlap; a second set reports against its own indices.
    CHECK(find_overlaps(set, set, 1.5, true).size() == 1);
    const std::vector<MultiPolygon> credited = {test::wkt_polygon("POLYGON((20 10,30 10,30 20,20 20,20 10))")};
    const auto vs = find_overlaps(set, credited, 1.0);
    REQUIRE(vs.size() == 1);
    CHECK((vs[0].a == 3 && vs[0].b == 0 && vs[0].area == Approx(45.0)));
}
