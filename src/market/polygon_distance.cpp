// Planar distance between multipolygons: the nearest pair of ring segments, or 0 when one holds a point of the
// other. Plain geometry (the market module stays free of GEOS); parcels have tens of vertices, lots hundreds of
// parcels, so the quadratic segment scan is cheap after a bounding-box test.
#include <bluecarbon/market/lots.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon::market {

namespace {

double point_segment(const Coord& p, const Coord& a, const Coord& b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

double cross(const Coord& o, const Coord& a, const Coord& b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool segments_cross(const Coord& a, const Coord& b, const Coord& c, const Coord& d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

double segment_distance(const Coord& a, const Coord& b, const Coord& c, const Coord& d) {
    if (segments_cross(a, b, c, d)) return 0.0;
    return std::min({point_segment(a, c, d), point_segment(b, c, d), point_segment(c, a, b), point_segment(d, a, b)});
}

bool in_ring(const Coord& p, const Ring& r) {
    bool inside = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        if ((r[i].y > p.y) != (r[j].y > p.y) &&
            p.x < (r[j].x - r[i].x) * (p.y - r[i].y) / (r[j].y - r[i].y) + r[i].x)
            inside = !inside;
    }
    return inside;
}

bool in_polygon(const Coord& p, const Polygon& poly) {
    if (poly.exterior.size() < 3 || !in_ring(p, poly.exterior)) return false;
    return std::none_of(poly.holes.begin(), poly.holes.end(), [&](const Ring& h) { return in_ring(p, h); });
}

std::vector<const Ring*> rings_of(const MultiPolygon& g) {
    std::vector<const Ring*> out;
    for (const auto& p : g.parts) {
        out.push_back(&p.exterior);
        for (const auto& h : p.holes) out.push_back(&h);
    }
    return out;
}

bool holds_point_of(const MultiPolygon& outer, const MultiPolygon& inner) {
    for (const auto& q : inner.parts) {
        if (q.exterior.empty()) continue;
        for (const auto& p : outer.parts)
            if (in_polygon(q.exterior.front(), p)) return true;
    }
    return false;
}

}  // namespace

double polygon_distance(const MultiPolygon& a, const MultiPolygon& b) {
    if (holds_point_of(a, b) || holds_point_of(b, a)) return 0.0;
    double best = std::numeric_limits<double>::infinity();
    for (const Ring* ra : rings_of(a)) {
        for (const Ring* rb : rings_of(b)) {
            for (std::size_t i = 0; i + 1 < ra->size(); ++i) {
                for (std::size_t j = 0; j + 1 < rb->size(); ++j) {
                    best = std::min(best, segment_distance((*ra)[i], (*ra)[i + 1], (*rb)[j], (*rb)[j + 1]));
                    if (best == 0.0) return 0.0;
                }
            }
        }
    }
    return best;
}

}  // namespace bluecarbon::market
