#pragma once
// Synthetic certificates for the certify and registry tests: rectangular parcels as WKB polygons.
#include <bluecarbon/certify/certificate.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

namespace bluecarbon::test {

/// Little-endian WKB Polygon (type 3) of the axis-aligned rectangle [x0, x1] × [y0, y1], closed ring of 5 points.
inline std::string rectangle_wkb(double x0, double y0, double x1, double y1) {
    std::string w;
    auto u32 = [&w](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    auto f64 = [&w](double d) {
        const auto v = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    w.push_back(1);
    u32(3);
    u32(1);
    u32(5);
    const double xs[] = {x0, x1, x1, x0, x0};
    const double ys[] = {y0, y0, y1, y1, y0};
    for (int i = 0; i < 5; ++i) {
        f64(xs[i]);
        f64(ys[i]);
    }
    return w;
}

/// A certificate for a rectangular parcel with one vintage per given year (periods are the calendar years).
inline certify::Certificate sample_certificate(const std::string& project, const std::string& parcel, double x0,
                                               double y0, double x1, double y1, std::int64_t credits = 10,
                                               std::initializer_list<int> years = {2024}) {
    certify::Certificate c;
    c.tool_version = "0.1.0";
    c.project_id = project;
    c.parcel_id = parcel;
    c.owner = "Ningbo Xiangshan fishery cooperative";
    c.geometry = certify::make_parcel_geometry("EPSG:32651", rectangle_wkb(x0, y0, x1, y1));
    c.area_m2 = (x1 - x0) * (y1 - y0);
    c.habitat_m2 = {{"mangrove", 0.75 * c.area_m2}, {"salt_marsh", 0.25 * c.area_m2}};
    c.profile = {"vm0033-like", "1.2", {{"buffer_fraction", 0.1}, {"uncertainty_threshold", 0.15}, {"method", "t"}}};
    for (int y : years) {
        certify::VintageCredits v;
        v.vintage = std::to_string(y);
        v.period = {std::to_string(y) + "-01-01", std::to_string(y) + "-12-31"};
        v.baseline_t_co2e = 1.25;
        v.project_t_co2e = 14.5 + static_cast<double>(credits);
        v.leakage_t_co2e = 0.25;
        v.ner_t_co2e = v.project_t_co2e - v.baseline_t_co2e - v.leakage_t_co2e;
        v.u = 0.0625;
        v.adjusted_ner_t_co2e = v.ner_t_co2e * (1 - v.u);
        v.buffer_t_co2e = 0.1 * v.adjusted_ner_t_co2e;
        v.credits = credits;
        v.remainder_t_co2e = 0.3;
        v.value = 106.0 * static_cast<double>(credits);
        c.vintages.push_back(v);
    }
    c.stock = {{"agb", {120.5, std::nullopt, std::nullopt}}, {"total", {920.5, 710.5, 1130.125}}};
    c.inputs = {{"imagery/s2_2024.tif", std::string(64, 'a'), 123456}, {"parcels.gpkg", std::string(64, 'b'), 98304}};
    c.assessment_date = "2025-06-30";
    return c;
}

}  // namespace bluecarbon::test

namespace bluecarbon::test {

struct Rect {
    double x0, y0, x1, y1;
};

/// Reads back a rectangle written by rectangle_wkb (its ring's first and third points are opposite corners).
inline Rect rectangle_from_wkb(const std::string& w) {
    auto f64 = [&w](std::size_t at) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(w.at(at + i))} << (8 * i);
        return std::bit_cast<double>(v);
    };
    return {f64(13), f64(21), f64(45), f64(53)};
}

/// Exact overlap area of two axis-aligned rectangles: the registry's injected overlap function in tests.
inline double rectangle_overlap(const std::string& a, const std::string& b) {
    const Rect p = rectangle_from_wkb(a);
    const Rect q = rectangle_from_wkb(b);
    const double w = std::min(p.x1, q.x1) - std::max(p.x0, q.x0);
    const double h = std::min(p.y1, q.y1) - std::max(p.y0, q.y0);
    return w > 0 && h > 0 ? w * h : 0.0;
}

}  // namespace bluecarbon::test
