#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/coverage.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bluecarbon::parcels {

namespace {

// Pixel-space shoelace of a ring (x right, y down).
double pixel_signed_area(const std::vector<Coord>& r) {
    double twice = 0.0;
    if (r.empty()) return 0.0;
    const Coord o = r.front();
    for (std::size_t i = 0; i < r.size(); ++i) {
        const Coord& a = r[i];
        const Coord& b = r[(i + 1) % r.size()];
        twice += (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y);
    }
    return twice / 2.0;
}

}  // namespace

PixelPolygon::PixelPolygon(const MultiPolygon& g, const GeoTransform& gt) {
    if (!gt.is_north_up()) throw GeometryError("coverage: the grid is rotated; only north-up grids are supported");
    if (g.has_non_finite()) throw GeometryError("coverage: the polygon has NaN or infinite coordinates");
    constexpr double inf = std::numeric_limits<double>::infinity();
    m_bounds = {inf, inf, -inf, -inf};
    std::vector<Coord> px;
    // With y pointing down (rows), the band integral counts a ring positive when its pixel shoelace is
    // negative: exteriors are put in that orientation and holes in the other.
    const auto add_ring = [&](const Ring& ring, bool exterior) {
        px.clear();
        for (const auto& c : ring) {
            const Coord p{(c.x - gt.x_origin) / gt.x_scale, (c.y - gt.y_origin) / gt.y_scale};
            if (px.empty() || !(px.back() == p)) px.push_back(p);
        }
        if (px.size() > 1 && px.front() == px.back()) px.pop_back();
        if (px.size() < 3) return;
        const double a = pixel_signed_area(px);
        if (a == 0.0) return;
        const bool reverse = exterior ? a > 0 : a < 0;
        if (reverse) std::reverse(px.begin(), px.end());
        for (std::size_t i = 0; i < px.size(); ++i) {
            const Coord& p = px[i];
            const Coord& q = px[(i + 1) % px.size()];
            m_edges.push_back({p.x, p.y, q.x, q.y});
            m_bounds.xmin = std::min(m_bounds.xmin, p.x);
            m_bounds.xmax = std::max(m_bounds.xmax, p.x);
            m_bounds.ymin = std::min(m_bounds.ymin, p.y);
            m_bounds.ymax = std::max(m_bounds.ymax, p.y);
        }
    };
    for (const auto& part : g.parts) {
        add_ring(part.exterior, true);
        for (const auto& h : part.holes) add_ring(h, false);
    }
    if (m_edges.empty()) {
        m_bounds = {};
        m_window = {};
        return;
    }
    const auto c0 = static_cast<std::int64_t>(std::floor(m_bounds.xmin));
    const auto r0 = static_cast<std::int64_t>(std::floor(m_bounds.ymin));
    const auto c1 = std::max(c0 + 1, static_cast<std::int64_t>(std::ceil(m_bounds.xmax)));
    const auto r1 = std::max(r0 + 1, static_cast<std::int64_t>(std::ceil(m_bounds.ymax)));
    m_window = {c0, r0, c1 - c0, r1 - r0};
}

void coverage_fractions(const PixelPolygon& polygon, const Window& request, CoverageBlock& out,
                        CoverageScratch& s) {
    const Window w = request.intersection(polygon.window());
    out.window = w;
    out.frac.assign(static_cast<std::size_t>(w.size()), 0.0);
    if (w.empty()) return;
    const std::int64_t c0 = w.col_off, c1 = w.col_end(), r0 = w.row_off, r1 = w.row_end();
    const auto nc = static_cast<std::size_t>(w.cols);
    const auto nr = static_cast<std::size_t>(w.rows);
    const auto dc0 = static_cast<double>(c0), dc1 = static_cast<double>(c1);
    const auto dr0 = static_cast<double>(r0), dr1 = static_cast<double>(r1);
    // Row r's band is (r, r + 1]; its southern line R = r + 1. Per row: the winding count of crossings of R west of
    // the window (integer), integer steps where crossings enter the count, and the real-valued parts.
    s.west.assign(nr, 0);
    s.steps.assign(nr * nc, 0);
    s.crossing_part.assign(nr * nc, 0.0);
    s.band_part.assign(nr * nc, 0.0);

    for (const auto& e : polygon.edges()) {
        const double ymin = std::min(e.y0, e.y1), ymax = std::max(e.y0, e.y1);
        const double xmin = std::min(e.x0, e.x1), xmax = std::max(e.x0, e.x1);
        if (ymax <= dr0 || ymin > dr1 || xmin >= dc1) continue;

        // Crossings of the lines R = r + 1 (r in the window): the edge crosses R when exactly one endpoint lies
        // strictly south of it. The winding count south of R jumps there by (q south) − (p south).
        if (e.y0 != e.y1) {
            const auto lo = std::max<std::int64_t>(r0 + 1, static_cast<std::int64_t>(std::ceil(ymin)));
            const auto hi = std::min<std::int64_t>(r1, static_cast<std::int64_t>(std::ceil(ymax)) - 1);
            for (std::int64_t line = lo; line <= hi; ++line) {
                const auto dl = static_cast<double>(line);
                const int jump = static_cast<int>(e.y1 > dl) - static_cast<int>(e.y0 > dl);
                if (jump == 0) continue;
                const double x = e.x0 + (dl - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0);
                const double cx = std::ceil(x);  // first column whose west edge lies at or east of the crossing
                const auto ri = static_cast<std::size_t>(line - 1 - r0);
                if (cx <= dc0) {
                    s.west[ri] += jump;
                    continue;
                }
                if (cx < dc1) s.steps[ri * nc + static_cast<std::size_t>(static_cast<std::int64_t>(cx) - c0)] += jump;
                // The column holding the crossing counts the jump over the part of it east of the crossing.
                if (cx - 1.0 < dc1 && cx > x)
                    s.crossing_part[ri * nc + static_cast<std::size_t>(static_cast<std::int64_t>(cx) - 1 - c0)] +=
                        jump * (cx - x);
            }
        }

        // The part of ∫ clamp(y − r, 0, 1) dx from the edge's pieces inside each band (r, r + 1], per column.
        if (e.x0 == e.x1 || xmax <= dc0) continue;
        const double sign = e.x1 > e.x0 ? 1.0 : -1.0;
        const double slope = (e.y1 - e.y0) / (e.x1 - e.x0);
        const auto y_at = [&](double x) { return e.y0 + (x - e.x0) * slope; };
        const auto col_lo = std::max<std::int64_t>(c0, static_cast<std::int64_t>(std::floor(xmin)));
        const auto col_hi = std::min<std::int64_t>(c1 - 1, static_cast<std::int64_t>(std::ceil(xmax)) - 1);
        for (std::int64_t col = col_lo; col <= col_hi; ++col) {
            const auto dcol = static_cast<double>(col);
            const double xa = std::max(xmin, dcol), xb = std::min(xmax, dcol + 1.0);
            if (!(xb > xa)) continue;
            // Endpoints inside the column are the vertices themselves; cuts at column lines use one formula.
            const double ya = xa == e.x0 ? e.y0 : xa == e.x1 ? e.y1 : y_at(xa);
            const double yb = xb == e.x0 ? e.y0 : xb == e.x1 ? e.y1 : y_at(xb);
            const double dx = xb - xa;
            const auto ci = static_cast<std::size_t>(col - c0);
            if (ya == yb) {
                const double band = std::ceil(ya) - 1.0;
                if (band >= dr0 && band < dr1)
                    s.band_part[static_cast<std::size_t>(static_cast<std::int64_t>(band) - r0) * nc + ci] +=
                        sign * dx * (ya - band);
                continue;
            }
            const double ylo = std::min(ya, yb), yhi = std::max(ya, yb);
            const auto band_lo = std::max<std::int64_t>(r0, static_cast<std::int64_t>(std::floor(ylo)));
            const auto band_hi = std::min<std::int64_t>(r1 - 1, static_cast<std::int64_t>(std::ceil(yhi)) - 1);
            for (std::int64_t band = band_lo; band <= band_hi; ++band) {
                const auto db = static_cast<double>(band);
                const double lo = std::max(ylo, db), hi = std::min(yhi, db + 1.0);
                if (!(hi > lo)) continue;
                // On a straight piece the x-length is proportional to the y-length; (y − r) averages (lo+hi)/2 − r.
                const double piece = dx * ((hi - lo) / (yhi - ylo));
                s.band_part[static_cast<std::size_t>(band - r0) * nc + ci] += sign * piece * ((lo + hi) * 0.5 - db);
            }
        }
    }

    for (std::size_t ri = 0; ri < nr; ++ri) {
        std::int64_t winding = s.west[ri];
        for (std::size_t j = 0; j < nc; ++j) {
            const std::size_t k = ri * nc + j;
            winding += s.steps[k];
            const double v = (static_cast<double>(winding) + s.crossing_part[k]) + s.band_part[k];
            out.frac[k] = std::clamp(v, 0.0, 1.0);
        }
    }
}

CoverageBlock coverage_fractions(const PixelPolygon& polygon, const Window& request) {
    CoverageBlock out;
    CoverageScratch scratch;
    coverage_fractions(polygon, request, out, scratch);
    return out;
}

}  // namespace bluecarbon::parcels
