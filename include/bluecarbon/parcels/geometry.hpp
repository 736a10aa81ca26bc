#pragma once
/// Plain polygon geometry for parcels (no GEOS in public headers): rings of world coordinates, polygons with
/// holes, multipolygons. Rings are stored closed (last point == first) as OGR and GEOS hold them.
#include <bluecarbon/core/grid.hpp>

#include <vector>

namespace bluecarbon::parcels {

using Ring = std::vector<Coord>;

struct Polygon {
    Ring exterior;
    std::vector<Ring> holes;
};

/// A parcel's geometry: one or more polygons. Empty when it has no polygon with a non-empty exterior.
struct MultiPolygon {
    std::vector<Polygon> parts;

    [[nodiscard]] bool empty() const noexcept;
    /// The bounding box of every vertex (all zero when empty).
    [[nodiscard]] Extent bounds() const noexcept;
    /// Total number of vertices.
    [[nodiscard]] std::size_t vertex_count() const noexcept;
    /// True when a coordinate is NaN or infinite.
    [[nodiscard]] bool has_non_finite() const noexcept;
};

/// Signed shoelace area of a ring in CRS units² (positive when counter-clockwise with y pointing up).
[[nodiscard]] double ring_signed_area(const Ring& ring) noexcept;

/// Planar area in CRS units²: |exterior| − Σ|holes| summed over parts (valid polygons assumed).
[[nodiscard]] double planar_area(const MultiPolygon& g) noexcept;

/// A one-polygon MultiPolygon from an axis-aligned box, counter-clockwise (convenience for tests and clipping).
[[nodiscard]] MultiPolygon box_polygon(const Extent& e);

}  // namespace bluecarbon::parcels
