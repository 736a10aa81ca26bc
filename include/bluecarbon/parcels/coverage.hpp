#pragma once
/// Exact cell coverage fractions: for each grid cell a polygon touches, the share of the cell's area inside the
/// polygon (0–1), from the geometry itself (no supersampling, no pixel centres).
///
/// Method: in pixel space (cells are unit squares) the area of polygon ∩ cell is the line integral
/// ∮ clamp(y − r, 0, 1) dx over the rings (Green's theorem on the cell's row band). Each edge contributes the part
/// of that integral that lies in the cell's row band, computed from the edge alone; everything south of the band
/// contributes a whole-number winding count along the band's southern grid line, counted from where the rings cross
/// that line. A cell's value therefore depends only on the edges that cross its row band and on integer crossing
/// counts: it is bit-identical whatever window (tile) it is computed in, and a tile costs the edges near it plus its
/// cells, never the whole polygon's cells.
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/window.hpp>
#include <bluecarbon/parcels/geometry.hpp>

#include <vector>

namespace bluecarbon::parcels {

/// A parcel prepared for coverage on one grid: its ring edges in pixel coordinates, oriented so that exteriors
/// count positive and holes negative. Immutable after construction; thread-safe to share.
class PixelPolygon {
public:
    struct Edge {
        double x0, y0, x1, y1;
    };

    /// Converts `g` (in the grid's CRS) to pixel space of a grid with geotransform `gt`. Throws GeometryError
    /// for a rotated (not north-up) grid or non-finite coordinates.
    PixelPolygon(const MultiPolygon& g, const GeoTransform& gt);

    /// The cells the polygon's bounding box touches (may lie partly or wholly outside the raster).
    [[nodiscard]] const Window& window() const noexcept { return m_window; }
    [[nodiscard]] const std::vector<Edge>& edges() const noexcept { return m_edges; }
    /// The edges' bounding box in pixel coordinates (xmin = west column edge, ymin = northern row edge).
    [[nodiscard]] const Extent& pixel_bounds() const noexcept { return m_bounds; }

private:
    std::vector<Edge> m_edges;
    Extent m_bounds{};
    Window m_window{};
};

/// Coverage fractions over a window, row-major; `frac` has `window.size()` entries.
struct CoverageBlock {
    Window window;
    std::vector<double> frac;
    [[nodiscard]] double at(std::int64_t col, std::int64_t row) const noexcept {
        return frac[static_cast<std::size_t>((row - window.row_off) * window.cols + (col - window.col_off))];
    }
};

/// Reusable scratch buffers for coverage_fractions (one per thread avoids reallocating per call).
struct CoverageScratch {
    std::vector<std::int64_t> west;
    std::vector<std::int32_t> steps;
    std::vector<double> crossing_part;
    std::vector<double> band_part;
};

/// Fills `out` with the coverage fractions of the cells of `request` ∩ the polygon's window (out.window is that
/// intersection, possibly empty). Values are clamped to [0, 1]. Thread-safe for distinct `out`/`scratch`.
void coverage_fractions(const PixelPolygon& polygon, const Window& request, CoverageBlock& out,
                        CoverageScratch& scratch);

/// Convenience overload with its own scratch.
[[nodiscard]] CoverageBlock coverage_fractions(const PixelPolygon& polygon, const Window& request);

}  // namespace bluecarbon::parcels
