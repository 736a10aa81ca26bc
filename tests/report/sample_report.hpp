#pragma once
// Small made-up report inputs shared by the report tests: a 120 x 90 grid of 10 m cells in UTM 51N near
// Xiangshan, a habitat map with a no-data strip of sea, a stock map, three parcels and a few rows of each table.
#include <bluecarbon/report/report_data.hpp>

#include <cmath>

namespace bluecarbon::test {

inline constexpr std::int64_t k_w = 120;
inline constexpr std::int64_t k_h = 90;
inline constexpr double k_x0 = 380000;   // world x of column 0's west edge
inline constexpr double k_y0 = 3265000;  // world y of row 0's north edge
inline constexpr double k_cell = 10;
inline constexpr report::Rgb k_mangrove{0x1b, 0x9e, 0x77};
inline constexpr report::Rgb k_marsh{0xd9, 0x5f, 0x02};
inline constexpr report::Rgb k_seagrass{0x75, 0x70, 0xb3};

inline Grid utm_grid(std::int64_t w = k_w, std::int64_t h = k_h) {
    CrsInfo crs;
    crs.wkt = "PROJCRS[\"WGS 84 / UTM zone 51N\"]";  // only its presence matters to the report
    crs.name = "WGS 84 / UTM zone 51N";
    return Grid(crs, GeoTransform{k_x0, k_cell, 0, k_y0, 0, -k_cell}, w, h);
}

/// Habitat codes: columns 0-39 mangrove (1), 40-79 salt marsh (2), 80-119 seagrass (3); rows 80-89 sea (255,
/// no data); a 10 x 10 block of code 7 (not in the palette) at rows 0-9, columns 110-119.
inline report::MapLayer habitat_layer() {
    report::MapLayer layer;
    layer.name = "habitat";
    layer.title = "Habitat";
    std::vector<std::uint8_t> px(static_cast<std::size_t>(k_w * k_h));
    for (std::int64_t y = 0; y < k_h; ++y)
        for (std::int64_t x = 0; x < k_w; ++x) {
            std::uint8_t code = x < 40 ? 1 : x < 80 ? 2 : 3;
            if (y >= 80) code = 255;
            if (y < 10 && x >= 110) code = 7;
            px[static_cast<std::size_t>(y * k_w + x)] = code;
        }
    layer.raster = {utm_grid(), std::move(px), 255.0};
    layer.classes = {{1, "Mangrove", k_mangrove}, {2, "Salt marsh", k_marsh}, {3, "Seagrass", k_seagrass}};
    return layer;
}

/// Soil carbon: 50 + x (Mg C/ha) with the same sea strip as no data (-9999).
inline report::MapLayer stock_layer() {
    report::MapLayer layer;
    layer.name = "stock_soil";
    layer.title = "Soil organic carbon";
    layer.unit = "Mg C/ha";
    std::vector<float> px(static_cast<std::size_t>(k_w * k_h));
    for (std::int64_t y = 0; y < k_h; ++y)
        for (std::int64_t x = 0; x < k_w; ++x)
            px[static_cast<std::size_t>(y * k_w + x)] = y >= 80 ? -9999.0f : static_cast<float>(50 + x);
    layer.raster = {utm_grid(), std::move(px), -9999.0};
    return layer;
}

/// A rectangle of cells [c0, c1) x [r0, r1) as a world-coordinate ring.
inline std::vector<Coord> cell_rect(double c0, double r0, double c1, double r1) {
    const auto w = [](double c, double r) { return Coord{k_x0 + c * k_cell, k_y0 - r * k_cell}; };
    return {w(c0, r0), w(c1, r0), w(c1, r1), w(c0, r1), w(c0, r0)};
}

inline report::ReportData sample_data() {
    report::ReportData d;
    d.title = "Blue carbon report";
    d.project = "Xiangshan demo <test> & co";
    d.tool_version = "0.1.0";
    d.maps = {habitat_layer(), stock_layer()};
    d.outlines = {{"P-001", "P-001", {cell_rect(5, 5, 35, 40)}},
                  {"P-002", "", {cell_rect(45, 10, 75, 70), cell_rect(55, 30, 65, 45)}},
                  {"P-003", "P-003", {cell_rect(85, 20, 115, 60)}}};
    d.parcels = {{"P-001", "Owner A", "Mangrove", 10.5, 1234.5, 1100.25, 1370.75, 40.2, 100, true, ""},
                 {"P-002", "Owner B", "Salt marsh", 16.5, 2345.25, 2000, 2700, 55.5, 150, true, ""},
                 {"P-003", "Owner A", "Seagrass", 12, 820, 500, 1150, 10, 0, false, "interval too wide"}};
    d.habitats = {{"Mangrove", 10.5, 1234.5, k_mangrove},
                  {"Salt marsh", 16.5, 2345.25, k_marsh},
                  {"Seagrass", 12, 820, k_seagrass}};
    d.credits = {{2023, 100, {{"Uncertainty", 10}, {"Leakage", 5}, {"Buffer", 15}}},
                 {2024, 160, {{"Uncertainty", 16}, {"Leakage", 8}, {"Buffer", 24}}},
                 {2025, 200, {{"Uncertainty", 20}, {"Leakage", 10}, {"Buffer", 30}}}};
    d.lots = {{"LOT-1", {"XS-2024-000001..000112"}, {"P-001", "P-002"}, {"Mangrove", "Salt marsh"}, 112, 27, 45.5,
               0.5, "CNY"},
              {"LOT-2", {"XS-2025-000001..000140"}, {"P-001", "P-002"}, {"Mangrove", "Salt marsh"}, 140, 27, 48, 0.5,
               "CNY"}};
    d.parameters = {{"grid.resolution_m", "10"}, {"credits.buffer_fraction", "0.15"}};
    d.inputs = {{"habitat", "inputs/habitat.tif", std::string(64, 'a')},
                {"parcels", "inputs/parcels.gpkg", std::string(64, 'b')}};
    return d;
}

}  // namespace bluecarbon::test
