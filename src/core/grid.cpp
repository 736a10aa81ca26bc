#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/error.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bluecarbon {

std::optional<GeoTransform> GeoTransform::inverse() const noexcept {
    const double det = x_scale * y_scale - x_rot * y_rot;
    if (det == 0.0 || !std::isfinite(det)) return std::nullopt;
    // Inverse of [x_scale x_rot; y_rot y_scale] applied after removing the origin.
    const double a = y_scale / det, b = -x_rot / det, d = -y_rot / det, e = x_scale / det;
    return GeoTransform{-(a * x_origin + b * y_origin), a, b, -(d * x_origin + e * y_origin), d, e};
}

Grid::Grid(CrsInfo crs, GeoTransform gt, std::int64_t width, std::int64_t height)
    : m_crs(std::move(crs)), m_gt(gt), m_width(width), m_height(height) {
    if (width <= 0 || height <= 0)
        throw GridMismatchError("grid size must be positive, got " + std::to_string(width) + " x " +
                                std::to_string(height));
    if (!gt.inverse()) throw GridMismatchError("grid geotransform is singular");
}

Coord Grid::cell_center(std::int64_t col, std::int64_t row) const noexcept {
    return m_gt.apply(static_cast<double>(col) + 0.5, static_cast<double>(row) + 0.5);
}

std::optional<Coord> Grid::to_pixel(Coord world) const noexcept {
    const auto inv = m_gt.inverse();
    if (!inv) return std::nullopt;
    return inv->apply(world.x, world.y);
}

Extent Grid::window_bounds(const Window& w) const noexcept {
    const Coord corners[4] = {
        to_world(static_cast<double>(w.col_off), static_cast<double>(w.row_off)),
        to_world(static_cast<double>(w.col_end()), static_cast<double>(w.row_off)),
        to_world(static_cast<double>(w.col_off), static_cast<double>(w.row_end())),
        to_world(static_cast<double>(w.col_end()), static_cast<double>(w.row_end())),
    };
    Extent e{corners[0].x, corners[0].y, corners[0].x, corners[0].y};
    for (const auto& c : corners) {
        e.xmin = std::min(e.xmin, c.x);
        e.xmax = std::max(e.xmax, c.x);
        e.ymin = std::min(e.ymin, c.y);
        e.ymax = std::max(e.ymax, c.y);
    }
    return e;
}

Grid Grid::subgrid(const Window& w) const {
    const Coord origin = to_world(static_cast<double>(w.col_off), static_cast<double>(w.row_off));
    GeoTransform gt = m_gt;
    gt.x_origin = origin.x;
    gt.y_origin = origin.y;
    return Grid(m_crs, gt, w.cols, w.rows);
}

double Grid::cell_area_m2(std::int64_t row) const {
    if (!m_crs.geographic) {
        const double det = std::abs(m_gt.x_scale * m_gt.y_scale - m_gt.x_rot * m_gt.y_rot);
        return det * m_crs.linear_unit_m * m_crs.linear_unit_m;
    }
    if (m_gt.x_rot != 0.0 || m_gt.y_rot != 0.0)
        throw GridMismatchError("cell areas on a rotated geographic grid are not supported");
    const double lat_top = m_gt.y_origin + static_cast<double>(row) * m_gt.y_scale;
    const double lat_bottom = lat_top + m_gt.y_scale;
    return ellipsoidal_quadrangle_area_m2(lat_top, lat_bottom, std::abs(m_gt.x_scale), m_crs.semi_major_m,
                                          m_crs.inverse_flattening);
}

namespace {
// Twice the authalic-sphere-normalised zone term: q(phi)/(1 - e^2) in Snyder's notation, i.e.
// sin(phi)/(1 - e^2 sin^2 phi) + atanh(e sin phi)/e, which tends to 2 sin(phi) as e -> 0.
double zone_term(double phi, double e) noexcept {
    const double s = std::sin(phi);
    if (e == 0.0) return 2.0 * s;
    return s / (1.0 - e * e * s * s) + std::atanh(e * s) / e;
}
}  // namespace

double ellipsoidal_quadrangle_area_m2(double lat1_deg, double lat2_deg, double dlon_deg, double semi_major_m,
                                      double inverse_flattening) noexcept {
    constexpr double deg = std::numbers::pi / 180.0;
    const double f = inverse_flattening > 0 ? 1.0 / inverse_flattening : 0.0;
    const double e2 = f * (2.0 - f);
    const double e = std::sqrt(e2);
    const double b = semi_major_m * (1.0 - f);
    // The area of the zone from the equator to phi over dlon radians is dlon * b^2 / 2 * zone_term(phi).
    const double zone = zone_term(lat2_deg * deg, e) - zone_term(lat1_deg * deg, e);
    return std::abs(dlon_deg * deg * b * b / 2.0 * zone);
}

}  // namespace bluecarbon
