#include <bluecarbon/parcels/geometry.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon::parcels {

bool MultiPolygon::empty() const noexcept {
    return std::none_of(parts.begin(), parts.end(), [](const Polygon& p) { return !p.exterior.empty(); });
}

Extent MultiPolygon::bounds() const noexcept {
    constexpr double inf = std::numeric_limits<double>::infinity();
    Extent e{inf, inf, -inf, -inf};
    for (const auto& p : parts)
        for (const auto& c : p.exterior) {
            e.xmin = std::min(e.xmin, c.x);
            e.ymin = std::min(e.ymin, c.y);
            e.xmax = std::max(e.xmax, c.x);
            e.ymax = std::max(e.ymax, c.y);
        }
    if (e.xmin > e.xmax) return {};
    return e;
}

std::size_t MultiPolygon::vertex_count() const noexcept {
    std::size_t n = 0;
    for (const auto& p : parts) {
        n += p.exterior.size();
        for (const auto& h : p.holes) n += h.size();
    }
    return n;
}

bool MultiPolygon::has_non_finite() const noexcept {
    const auto bad = [](const Ring& r) {
        return std::any_of(r.begin(), r.end(), [](const Coord& c) { return !std::isfinite(c.x) || !std::isfinite(c.y); });
    };
    for (const auto& p : parts) {
        if (bad(p.exterior)) return true;
        if (std::any_of(p.holes.begin(), p.holes.end(), bad)) return true;
    }
    return false;
}

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
