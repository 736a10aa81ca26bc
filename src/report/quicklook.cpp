#include <bluecarbon/error.hpp>
#include <bluecarbon/report/map_render.hpp>

#include <GeographicLib/Constants.hpp>
#include <GeographicLib/Ellipsoid.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <variant>

namespace bluecarbon::report {

namespace {

bool is_valid(double v, const std::optional<double>& nodata) noexcept {
    if (std::isnan(v)) return false;
    return !(nodata && v == *nodata);
}

}  // namespace

Quicklook make_quicklook(const MapRaster& raster, bool categorical, int max_size) {
    const std::int64_t w = raster.grid.width();
    const std::int64_t h = raster.grid.height();
    const std::size_t n = std::visit([](const auto& v) { return v.size(); }, raster.pixels);
    if (w <= 0 || h <= 0 || n != static_cast<std::size_t>(w * h))
        throw InputError("map raster has " + std::to_string(n) + " pixels, its grid " + std::to_string(w) + " x " +
                         std::to_string(h));
    if (categorical && !std::holds_alternative<std::vector<std::uint8_t>>(raster.pixels))
        throw InputError("a categorical map needs uint8 class codes");
    const std::int64_t longer = std::max(w, h);
    const std::int64_t limit = std::max(1, max_size);
    const int k = static_cast<int>(std::max<std::int64_t>(1, (longer + limit - 1) / limit));

    Quicklook q;
    q.factor = k;
    q.width = static_cast<int>((w + k - 1) / k);
    q.height = static_cast<int>((h + k - 1) / k);
    q.values.assign(static_cast<std::size_t>(q.width) * static_cast<std::size_t>(q.height), 0.0);
    q.valid.assign(q.values.size(), 0);

    std::visit(
        [&](const auto& px) {
            if (categorical) {
                // One histogram of the 256 codes per quicklook column of the current band of k rows.
                std::vector<std::array<std::uint32_t, 256>> counts(static_cast<std::size_t>(q.width));
                for (int qy = 0; qy < q.height; ++qy) {
                    for (auto& c : counts) c.fill(0);
                    const std::int64_t y_end = std::min<std::int64_t>(h, (qy + 1) * std::int64_t{k});
                    for (std::int64_t y = std::int64_t{qy} * k; y < y_end; ++y)
                        for (std::int64_t x = 0; x < w; ++x) {
                            const double v = static_cast<double>(px[static_cast<std::size_t>(y * w + x)]);
                            if (!is_valid(v, raster.nodata)) continue;
                            ++counts[static_cast<std::size_t>(x / k)][static_cast<std::size_t>(v)];
                        }
                    for (int qx = 0; qx < q.width; ++qx) {
                        const auto& c = counts[static_cast<std::size_t>(qx)];
                        const auto best = std::max_element(c.begin(), c.end());  // first maximum: smaller code on ties
                        if (*best == 0) continue;
                        const auto i = static_cast<std::size_t>(qy) * static_cast<std::size_t>(q.width) + qx;
                        q.values[i] = static_cast<double>(best - c.begin());
                        q.valid[i] = 1;
                    }
                }
                return;
            }
            std::vector<double> sum(static_cast<std::size_t>(q.width));
            std::vector<std::int64_t> count(static_cast<std::size_t>(q.width));
            for (int qy = 0; qy < q.height; ++qy) {
                std::fill(sum.begin(), sum.end(), 0.0);
                std::fill(count.begin(), count.end(), 0);
                const std::int64_t y_end = std::min<std::int64_t>(h, (qy + 1) * std::int64_t{k});
                for (std::int64_t y = std::int64_t{qy} * k; y < y_end; ++y)
                    for (std::int64_t x = 0; x < w; ++x) {
                        const double v = static_cast<double>(px[static_cast<std::size_t>(y * w + x)]);
                        if (!is_valid(v, raster.nodata)) continue;
                        sum[static_cast<std::size_t>(x / k)] += v;
                        ++count[static_cast<std::size_t>(x / k)];
                    }
                for (int qx = 0; qx < q.width; ++qx) {
                    if (count[static_cast<std::size_t>(qx)] == 0) continue;
                    const auto i = static_cast<std::size_t>(qy) * static_cast<std::size_t>(q.width) + qx;
                    const auto j = static_cast<std::size_t>(qx);
                    q.values[i] = sum[j] / static_cast<double>(count[j]);
                    q.valid[i] = 1;
                }
            }
        },
        raster.pixels);
    return q;
}

Rgb viridis(double t) noexcept {
    // The 10 evenly spaced stops of matplotlib's viridis, as published by R's viridisLite::viridis(10).
    static constexpr std::array<Rgb, 10> stops{{{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3E, 0x4A, 0x89},
                                                {0x31, 0x68, 0x8E}, {0x26, 0x82, 0x8E}, {0x1F, 0x9E, 0x89},
                                                {0x35, 0xB7, 0x79}, {0x6D, 0xCD, 0x59}, {0xB4, 0xDE, 0x2C},
                                                {0xFD, 0xE7, 0x25}}};
    if (!(t > 0)) return stops.front();
    if (t >= 1) return stops.back();
    const double pos = t * static_cast<double>(stops.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - static_cast<double>(i);
    const auto mix = [f](std::uint8_t a, std::uint8_t b) {
        return static_cast<std::uint8_t>(std::lround(a + (static_cast<double>(b) - a) * f));
    };
    return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}

std::optional<double> metres_per_cell_x(const Grid& grid) {
    const CrsInfo& crs = grid.crs();
    if (crs.empty()) return std::nullopt;
    const GeoTransform& gt = grid.transform();
    const double cell = std::hypot(gt.x_scale, gt.y_rot);  // length of one column step in CRS units
    if (!crs.geographic) return cell * crs.linear_unit_m;
    const double lat = grid.to_world(grid.width() / 2.0, grid.height() / 2.0).y;
    const double f = crs.inverse_flattening > 0 ? 1.0 / crs.inverse_flattening : 0.0;
    const GeographicLib::Ellipsoid ellipsoid(crs.semi_major_m, f);
    // A degree of longitude along the parallel is the parallel's radius times one degree in radians.
    return cell * ellipsoid.CircleRadius(lat) * GeographicLib::Math::pi() / 180.0;
}

double nice_length_m(double max_m) noexcept {
    if (!(max_m > 0) || !std::isfinite(max_m)) return 0;
    double p = std::pow(10.0, std::floor(std::log10(max_m)));
    if (p * 10 <= max_m) p *= 10;  // log10 rounding just below an exact power of ten
    if (p > max_m) p /= 10;
    for (const double m : {5.0, 2.0, 1.0})
        if (m * p <= max_m) return m * p;
    return p;
}

}  // namespace bluecarbon::report
