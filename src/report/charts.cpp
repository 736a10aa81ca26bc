#include "svg_writer.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/report/charts.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace bluecarbon::report {

namespace {

using detail::num;
using detail::Svg;

constexpr double k_width = 640;
constexpr double k_left = 78;    // room for the value axis labels
constexpr double k_right = 20;
constexpr const char* k_grid = "#d9d9d9";
constexpr const char* k_axis = "#202020";
constexpr const char* k_bar = "#2a788e";
constexpr const char* k_net = "#1b7837";
// Deductions in the order they first appear (ColorBrewer-like, distinct from the net green).
constexpr std::array<const char*, 6> k_deduction_colours{"#fdae61", "#d73027", "#74add1", "#762a83", "#8c510a",
                                                         "#999999"};

std::string hex(Rgb c) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "#";
    for (const std::uint8_t v : {c.r, c.g, c.b}) {
        s += digits[v >> 4];
        s += digits[v & 15];
    }
    return s;
}

/// Decimals that show every tick of an axis with this step exactly.
int tick_decimals(double step) {
    if (step >= 1) return 0;
    return static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
}

/// Horizontal grid lines and labels of a vertical value axis over [top, bottom] in image y.
void value_axis(Svg& svg, const Axis& axis, double top, double bottom, double right, std::string_view unit) {
    const int dec = tick_decimals(axis.step);
    const auto ticks = static_cast<int>(std::lround((axis.hi - axis.lo) / axis.step));
    for (int i = 0; i <= ticks; ++i) {
        const double v = axis.lo + i * axis.step;
        const double y = bottom - (bottom - top) * (v - axis.lo) / (axis.hi - axis.lo);
        svg.line(k_left, y, right, y, k_grid);
        svg.text(k_left - 6, y + 4, grouped(v, dec), "end", 11);
    }
    svg.line(k_left, top, k_left, bottom, k_axis);
    svg.text(16, (top + bottom) / 2, unit, "middle", 12, -90);
}

void check_amount(double v, const std::string& what) {
    if (!std::isfinite(v) || v < 0) throw InputError(what + " is " + fixed(v, 3) + " (must be finite and >= 0)");
}

}  // namespace

Axis nice_axis(double min, double max, int target_ticks) {
    if (!std::isfinite(min) || !std::isfinite(max)) return {};
    if (min > max) std::swap(min, max);
    if (max - min <= 0) {
        // A single value: an axis from 0 (or the value) up to a round number above it.
        if (max == 0) return {0, 1, 0.2};
        min = std::min(min, 0.0);
        max = std::max(max, 0.0);
    }
    const double raw = (max - min) / std::max(1, target_ticks);
    double p = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * p;
    for (const double m : {1.0, 2.0, 5.0})
        if (m * p >= raw * (1 - 1e-12)) {
            step = m * p;
            break;
        }
    return {std::floor(min / step + 1e-9) * step, std::ceil(max / step - 1e-9) * step, step};
}

std::string svg_stock_by_habitat(const std::vector<HabitatStat>& habitats) {
    if (habitats.empty()) return {};
    double top_value = 0;
    for (const auto& h : habitats) {
        check_amount(h.stock_mg_c, "stock of habitat '" + h.habitat + "'");
        top_value = std::max(top_value, h.stock_mg_c);
    }
    const bool slanted = habitats.size() > 6;  // long rows of names would overlap
    const double height = slanted ? 380 : 330;
    const double top = 36;
    const double bottom = height - (slanted ? 110 : 60);
    const double right = k_width - k_right;
    const Axis axis = nice_axis(0, top_value);
    Svg svg(k_width, height, "Carbon stock by habitat (Mg C)");
    svg.text(k_left, 20, "Carbon stock by habitat", "start", 14, 0, true);
    value_axis(svg, axis, top, bottom, right, "Mg C");
    const double slot = (right - k_left) / static_cast<double>(habitats.size());
    for (std::size_t i = 0; i < habitats.size(); ++i) {
        const auto& h = habitats[i];
        const double bar_h = (bottom - top) * h.stock_mg_c / axis.hi;
        const double cx = k_left + slot * (static_cast<double>(i) + 0.5);
        const double bw = std::min(slot * 0.6, 90.0);
        svg.rect(cx - bw / 2, bottom - bar_h, bw, bar_h, h.colour ? hex(*h.colour) : k_bar,
                 h.habitat + ": " + grouped(h.stock_mg_c, 1) + " Mg C over " + grouped(h.area_ha, 2) + " ha");
        svg.text(cx, bottom - bar_h - 5, grouped(h.stock_mg_c, 0), "middle", 11);
        if (slanted)
            svg.text(cx, bottom + 16, h.habitat, "end", 12, -35);
        else
            svg.text(cx, bottom + 18, h.habitat, "middle", 12);
    }
    svg.line(k_left, bottom, right, bottom, k_axis);
    return svg.finish();
}

std::string svg_credits_by_vintage(const std::vector<CreditVintageRow>& credits) {
    if (credits.empty()) return {};
    std::vector<std::string> names;  // deduction names in order of first appearance
    double top_value = 0;
    for (const auto& row : credits) {
        const std::string v = "vintage " + std::to_string(row.vintage);
        check_amount(row.gross_t_co2e, "gross removal of " + v);
        for (const auto& d : row.deductions) {
            check_amount(d.t_co2e, "deduction '" + d.name + "' of " + v);
            if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
        }
        // A small tolerance: net credits are usually rounded to whole tonnes upstream.
        if (row.net_t_co2e() < -1e-6 * std::max(1.0, row.gross_t_co2e))
            throw InputError("credits of " + v + ": deductions (" + fixed(row.gross_t_co2e - row.net_t_co2e(), 3) +
                             " t CO2e) exceed the gross removal (" + fixed(row.gross_t_co2e, 3) + " t CO2e)");
        top_value = std::max(top_value, row.gross_t_co2e);
    }
    const auto colour_of = [&](const std::string& name) {
        const auto i = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
        return k_deduction_colours[i % k_deduction_colours.size()];
    };
    const double height = 350;
    const double top = 58;
    const double bottom = height - 50;
    const double right = k_width - k_right;
    const Axis axis = nice_axis(0, top_value);
    Svg svg(k_width, height, "Credits per vintage with deductions (t CO2e)");
    svg.text(k_left, 20, "Credits per vintage (net) with deductions stacked", "start", 14, 0, true);
    // Legend row under the heading.
    double lx = k_left;
    const auto legend_entry = [&](const std::string& name, const char* colour) {
        svg.rect(lx, 30, 12, 12, colour);
        svg.text(lx + 17, 40, name, "start", 11);
        lx += 17 + 7.0 * static_cast<double>(name.size()) + 16;
    };
    legend_entry("Net credits", k_net);
    for (const auto& n : names) legend_entry(n, colour_of(n));
    value_axis(svg, axis, top, bottom, right, "t CO2e");
    const double slot = (right - k_left) / static_cast<double>(credits.size());
    const double scale = (bottom - top) / axis.hi;
    for (std::size_t i = 0; i < credits.size(); ++i) {
        const auto& row = credits[i];
        const double cx = k_left + slot * (static_cast<double>(i) + 0.5);
        const double bw = std::min(slot * 0.6, 90.0);
        const std::string v = std::to_string(row.vintage);
        const double net = std::max(0.0, row.net_t_co2e());
        double y = bottom - net * scale;
        svg.rect(cx - bw / 2, y, bw, net * scale, k_net, v + " net credits: " + grouped(net, 1) + " t CO2e");
        for (const auto& d : row.deductions) {
            y -= d.t_co2e * scale;
            svg.rect(cx - bw / 2, y, bw, d.t_co2e * scale, colour_of(d.name),
                     v + " " + d.name + ": " + grouped(d.t_co2e, 1) + " t CO2e");
        }
        svg.text(cx, y - 5, grouped(row.gross_t_co2e, 0), "middle", 11);
        svg.text(cx, bottom + 18, v, "middle", 12);
    }
    svg.line(k_left, bottom, right, bottom, k_axis);
    return svg.finish();
}

std::string svg_parcel_uncertainty(const std::vector<ParcelRow>& parcels) {
    if (parcels.empty()) return {};
    double lo = 0, hi = 0;
    for (const auto& p : parcels) {
        for (const double v : {p.stock_mg_c, p.stock_lo_mg_c, p.stock_hi_mg_c})
            if (!std::isfinite(v)) throw InputError("stock of parcel '" + p.parcel_id + "' is not finite");
        lo = std::min({lo, p.stock_lo_mg_c, p.stock_mg_c});
        hi = std::max({hi, p.stock_hi_mg_c, p.stock_mg_c});
    }
    const double left = 130;  // parcel names
    const double right = k_width - k_right;
    const double row_h = 22;
    const double top = 40;
    const double bottom = top + row_h * static_cast<double>(parcels.size());
    const double height = bottom + 50;
    const Axis axis = nice_axis(lo, hi);
    const auto x_of = [&](double v) { return left + (right - left) * (v - axis.lo) / (axis.hi - axis.lo); };
    Svg svg(k_width, height, "Carbon stock per parcel with 90 % interval (Mg C)");
    svg.text(16, 20, "Carbon stock per parcel: estimate and 90 % interval", "start", 14, 0, true);
    const int dec = tick_decimals(axis.step);
    const auto ticks = static_cast<int>(std::lround((axis.hi - axis.lo) / axis.step));
    for (int i = 0; i <= ticks; ++i) {
        const double v = axis.lo + i * axis.step;
        svg.line(x_of(v), top, x_of(v), bottom, k_grid);
        svg.text(x_of(v), bottom + 16, grouped(v, dec), "middle", 11);
    }
    svg.line(left, bottom, right, bottom, k_axis);
    svg.text((left + right) / 2, bottom + 38, "Mg C", "middle", 12);
    for (std::size_t i = 0; i < parcels.size(); ++i) {
        const auto& p = parcels[i];
        const double y = top + row_h * (static_cast<double>(i) + 0.5);
        svg.text(left - 8, y + 4, p.parcel_id, "end", 11);
        svg.line(x_of(p.stock_lo_mg_c), y, x_of(p.stock_hi_mg_c), y, k_bar, 2);
        svg.line(x_of(p.stock_lo_mg_c), y - 5, x_of(p.stock_lo_mg_c), y + 5, k_bar, 2);
        svg.line(x_of(p.stock_hi_mg_c), y - 5, x_of(p.stock_hi_mg_c), y + 5, k_bar, 2);
        svg.circle(x_of(p.stock_mg_c), y, 4, "#202020",
                   p.parcel_id + ": " + grouped(p.stock_mg_c, 1) + " Mg C (90 % interval " +
                       grouped(p.stock_lo_mg_c, 1) + " to " + grouped(p.stock_hi_mg_c, 1) + ")");
    }
    return svg.finish();
}

}  // namespace bluecarbon::report
