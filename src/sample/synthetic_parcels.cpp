#include "sample/synthetic_parcels.hpp"

#include "sample/noise.hpp"
#include "sample/scene.hpp"

#include <bluecarbon/error.hpp>

#include <fmt/format.h>

#include <cmath>
#include <numbers>

namespace bluecarbon::sample {

namespace {

// A closed ring of `n` vertices at angles 2πk/n (reversed: clockwise) around `c`, radius `r(k)`. Star-shaped
// around c with increasing angles, so it is simple whatever the radii.
template <typename Radius>
Ring star(Coord c, int n, bool clockwise, Radius&& r) {
    Ring ring;
    for (int k = 0; k < n; ++k) {
        const int kk = clockwise ? n - k : k;
        const double a = 2.0 * std::numbers::pi * kk / n;
        ring.push_back({c.x + r(kk % n) * std::cos(a), c.y + r(kk % n) * std::sin(a)});
    }
    ring.push_back(ring.front());
    return ring;
}

}  // namespace

std::string synthetic_parcel_id(std::size_t i) { return fmt::format("S{:06d}", i + 1); }

std::vector<MultiPolygon> synthetic_parcels(std::int64_t size, std::int64_t count) {
    if (count < 1) throw ConfigError(fmt::format("--parcels: must be at least 1 (got {})", count));
    const auto k = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(count))));
    const double cell = static_cast<double>(size) * k_pixel_m / static_cast<double>(k);
    std::vector<MultiPolygon> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t row = i / k, col = i % k;
        const double u = static_cast<double>(col) + 0.5 + 0.05 * noise::hash_signed(row, col, 11);
        const double v = static_cast<double>(row) + 0.5 + 0.05 * noise::hash_signed(row, col, 12);
        const Coord c{k_origin_x_m + u * cell, k_origin_y_m - v * cell};
        // Centres at least 0.9 cell apart, radii at most 0.42 cell: neighbours never touch.
        const double r = cell * (0.28 + 0.14 * noise::hash01(row, col, 13));
        Polygon p;
        p.exterior = star(c, 16, false, [&](int m) { return r * (0.7 + 0.3 * noise::hash01(i, m, 14)); });
        p.holes.push_back(star(c, 6, true, [&](int m) { return r * (0.1 + 0.1 * noise::hash01(i, m, 15)); }));
        out.push_back(MultiPolygon{{std::move(p)}});
    }
    return out;
}

}  // namespace bluecarbon::sample
