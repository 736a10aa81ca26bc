#pragma once
/// Plain polygon values (no GEOS/OGR): rings of world coordinates, polygons with holes, multipolygons. Shared by
/// io (vector files) and parcels (coverage, areas, validation). Rings are stored closed (last point == first), as
/// OGR and GEOS hold them.
#include <bluecarbon/core/grid.hpp>

#include <cstddef>
#include <vector>

namespace bluecarbon {

using Ring = std::vector<Coord>;

struct Polygon {
    Ring exterior;
    std::vector<Ring> holes;
};

/// A parcel's geometry: one or more polygons. Empty when no polygon has a non-empty exterior.
struct MultiPolygon {
    std::vector<Polygon> parts;

    [[nodiscard]] bool empty() const noexcept;
    /// The bounding box of every exterior vertex (all zero when empty).
    [[nodiscard]] Extent bounds() const noexcept;
    /// Total number of vertices.
    [[nodiscard]] std::size_t vertex_count() const noexcept;
    /// True when a coordinate is NaN or infinite.
    [[nodiscard]] bool has_non_finite() const noexcept;
};

}  // namespace bluecarbon
