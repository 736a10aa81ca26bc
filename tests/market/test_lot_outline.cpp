// A lot's outline in lots.geojson is the union of its parcels (parcels::dissolve), worked out by hand on squares.
#include <bluecarbon/parcels/geometry.hpp>
#include <bluecarbon/parcels/validation.hpp>

#include "support/rectangles.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::rectangle;

namespace {

bool has_vertex(const Ring& r, double x, double y) {
    return std::any_of(r.begin(), r.end(), [&](const Coord& c) { return c.x == x && c.y == y; });
}

}  // namespace

TEST_CASE("lot outline: adjacent parcels dissolve into one polygon", "[market][outline]") {
    // [0,100]x[0,100] and [100,200]x[0,100] share the edge x = 100: one 200 x 100 rectangle, 20000 m2.
    const std::vector<MultiPolygon> two{rectangle(0, 0, 100, 100), rectangle(100, 0, 200, 100)};
    const auto u = parcels::dissolve(two);
    REQUIRE(u.parts.size() == 1);
    CHECK(u.parts[0].holes.empty());
    CHECK(parcels::planar_area(u) == 20000.0);
    CHECK(has_vertex(u.parts[0].exterior, 200, 100));
    // The shared edge is gone: no vertex of the outline lies inside the rectangle (y strictly between 0 and 100
    // at x = 100 would be the old edge).
    for (const auto& c : u.parts[0].exterior) CHECK((c.y == 0 || c.y == 100 || c.x == 0 || c.x == 200));
}

TEST_CASE("lot outline: overlaps count once and distant parcels stay apart", "[market][outline]") {
    // Overlapping squares [0,100]^2 and [50,150]x[0,100]: 150 x 100 = 15000 m2 (not 20000). A third square
    // 400 m away stays its own part: 15000 + 10000.
    const std::vector<MultiPolygon> three{rectangle(0, 0, 100, 100), rectangle(50, 0, 150, 100),
                                          rectangle(550, 0, 650, 100)};
    const auto u = parcels::dissolve(three);
    CHECK(u.parts.size() == 2);
    CHECK(parcels::planar_area(u) == 25000.0);
    // A ring around a courtyard: four 100 x 300 / 300 x 100 strips around [100,200]^2 give one polygon with a hole.
    const std::vector<MultiPolygon> ring{rectangle(0, 0, 300, 100), rectangle(0, 200, 300, 300),
                                         rectangle(0, 100, 100, 200), rectangle(200, 100, 300, 200)};
    const auto r = parcels::dissolve(ring);
    REQUIRE(r.parts.size() == 1);
    CHECK(r.parts[0].holes.size() == 1);
    CHECK(parcels::planar_area(r) == 80000.0);  // 300^2 - 100^2
}

TEST_CASE("lot outline: the same parcels in another order give the same rings", "[market][outline]") {
    const std::vector<MultiPolygon> a{rectangle(0, 0, 100, 100), rectangle(100, 0, 200, 100),
                                      rectangle(550, 0, 650, 100)};
    const std::vector<MultiPolygon> b{a[2], a[1], a[0]};
    const auto ua = parcels::dissolve(a), ub = parcels::dissolve(b);
    REQUIRE(ua.parts.size() == ub.parts.size());
    for (std::size_t i = 0; i < ua.parts.size(); ++i) {
        REQUIRE(ua.parts[i].exterior.size() == ub.parts[i].exterior.size());
        for (std::size_t k = 0; k < ua.parts[i].exterior.size(); ++k) {
            CHECK(ua.parts[i].exterior[k].x == ub.parts[i].exterior[k].x);
            CHECK(ua.parts[i].exterior[k].y == ub.parts[i].exterior[k].y);
        }
    }
    CHECK(parcels::dissolve(std::vector<MultiPolygon>{}).empty());
}
