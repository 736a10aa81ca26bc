#pragma once
// Axis-aligned rectangles [x0, x1] × [y0, y1] for geometry tests: as a MultiPolygon (one counter-clockwise ring from
// (x0, y0)) and as a GeoJSON Polygon geometry.
#include <bluecarbon/core/polygon.hpp>

#include <fmt/format.h>

#include <string>

namespace bluecarbon::test {

inline MultiPolygon rectangle(double x0, double y0, double x1, double y1) {
    return MultiPolygon{{Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}}};
}

inline std::string rectangle_geojson(double x0, double y0, double x1, double y1) {
    return fmt::format(R"({{"type":"Polygon","coordinates":[[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]]}})",
                       x0, y0, x1, y1);
}

} // namespace bluecarbon::test
