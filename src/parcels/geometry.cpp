#include <bluecarbon/parcels/geometry.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon::parcels {

double ring_signed_area(const Ring& ring) noexcept {
    if (ring.size() < 3) return 0.0;
    // Coordinates relative to the first vertex keep the cross products small (less cancellation).
    const Coord o = ring.front();
    double twice = 0.0;
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Coord& a = ring[i];
        const Coord& b = ring[(i + 1) % n];
        twice += (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y);
    }
    return twice / 2.0;
}

double planar_area(const MultiPolygon& g) noexcept {
    double area = 0.0;
    for (const auto& p : g.parts) {
        area += std::abs(ring_signed_area(p.exterior));
        for (const auto& h : p.holes) area -= std::abs(ring_signed_area(h));
    }
    return area;
}

MultiPolygon box_polygon(const Extent& e) {
    MultiPolygon g;
    g.parts.push_back(
        {{{e.xmin, e.ymin}, {e.xmax, e.ymin}, {e.xmax, e.ymax}, {e.xmin, e.ymax}, {e.xmin, e.ymin}}, {}});
    return g;
}

}  // namespace bluecarbon::parcels
