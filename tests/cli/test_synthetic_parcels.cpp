// The synthetic scene's parcels: exact counts, closed rings (exterior counter-clockwise, hole clockwise), holes
// inside, parcels disjoint (checked on bounding boxes, which is stricter) and inside the scene.
#include "sample/scene.hpp"
#include "sample/synthetic_parcels.hpp"

#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

using namespace bluecarbon;
using namespace bluecarbon::sample;

namespace {
double shoelace(const Ring& r) {
    double s = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) s += r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
    return s / 2;
}
Extent box(const Ring& r) {
    Extent e{r[0].x, r[0].y, r[0].x, r[0].y};
    for (const auto& c : r) {
        e.xmin = std::min(e.xmin, c.x);
        e.xmax = std::max(e.xmax, c.x);
        e.ymin = std::min(e.ymin, c.y);
        e.ymax = std::max(e.ymax, c.y);
    }
    return e;
}
}  // namespace

TEST_CASE("synthetic parcels: exact count, valid rings with a hole, disjoint, inside the scene",
          "[sample][synthetic_parcels]") {
    CHECK(synthetic_parcels(10000, k_synthetic_parcels).size() == 5000);
    CHECK(synthetic_parcel_id(0) == "S000001");
    CHECK_THROWS_AS(synthetic_parcels(100, 0), ConfigError);
    const auto parcels = synthetic_parcels(1000, 230);  // a 16 x 16 lattice, the last row partly filled
    REQUIRE(parcels.size() == 230);
    const double edge = 1000 * k_pixel_m;
    std::vector<Extent> boxes;
    for (const auto& mp : parcels) {
        REQUIRE(mp.parts.size() == 1);
        const auto& p = mp.parts[0];
        REQUIRE(p.exterior.size() == 17);
        REQUIRE(p.holes.size() == 1);
        CHECK(p.exterior.front() == p.exterior.back());
        CHECK(p.holes[0].front() == p.holes[0].back());
        CHECK(shoelace(p.exterior) > 0);
        CHECK(shoelace(p.holes[0]) < 0);
        const Extent e = box(p.exterior), h = box(p.holes[0]);
        CHECK((h.xmin > e.xmin && h.xmax < e.xmax && h.ymin > e.ymin && h.ymax < e.ymax));
        CHECK((e.xmin > k_origin_x_m && e.xmax < k_origin_x_m + edge));
        CHECK((e.ymax < k_origin_y_m && e.ymin > k_origin_y_m - edge));
        boxes.push_back(e);
    }
    std::size_t touching = 0;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            touching += boxes[i].xmin < boxes[j].xmax && boxes[j].xmin < boxes[i].xmax &&
                        boxes[i].ymin < boxes[j].ymax && boxes[j].ymin < boxes[i].ymax;
    CHECK(touching == 0);
}
