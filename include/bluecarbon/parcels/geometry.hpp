#pragma once
/// Polygon helpers for parcels. The value types themselves live in core/polygon.hpp (io reads and writes them).
#include <bluecarbon/core/polygon.hpp>

namespace bluecarbon::parcels {

using bluecarbon::MultiPolygon;
using bluecarbon::Polygon;
using bluecarbon::Ring;

/// Signed shoelace area of a ring in CRS units² (positive when counter-clockwise with y pointing up).
[[nodiscard]] double ring_signed_area(const Ring& ring) noexcept;

/// Planar area in CRS units²: |exterior| − Σ|holes| summed over parts (valid polygons assumed).
[[nodiscard]] double planar_area(const MultiPolygon& g) noexcept;

/// A one-polygon MultiPolygon from an axis-aligned box, counter-clockwise (convenience for tests and clipping).
[[nodiscard]] MultiPolygon box_polygon(const Extent& e);

}  // namespace bluecarbon::parcels
