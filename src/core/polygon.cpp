#include <bluecarbon/core/polygon.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon {

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

}  // namespace bluecarbon
