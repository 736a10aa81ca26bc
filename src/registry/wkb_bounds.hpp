#pragma once
// Bounding box of a WKB (ISO or EWKB) geometry, for the registry's R*Tree: the registry reads coordinates only to
// box them; exact overlaps are the injected function's job.
#include <optional>
#include <string_view>

namespace bluecarbon::registry::detail {

struct Bounds {
    double min_x, min_y, max_x, max_y;
};

/// nullopt for malformed WKB, an empty geometry or a type other than (Multi)Polygon/(Multi)Point/LineString/
/// GeometryCollection of those.
[[nodiscard]] std::optional<Bounds> wkb_bounds(std::string_view wkb);

}  // namespace bluecarbon::registry::detail
