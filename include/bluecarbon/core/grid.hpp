#pragma once
/// The analysis grid: CRS, affine geotransform and size. Row 0 is the northern edge; coordinates of
/// (col, row) are those of the pixel's upper-left corner, (col + 0.5, row + 0.5) its centre.
#include <bluecarbon/core/window.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace bluecarbon {

struct Coord {
    double x{0};
    double y{0};
    friend bool operator==(const Coord&, const Coord&) = default;
};

/// Axis-aligned box in CRS units. Invariant: xmin <= xmax, ymin <= ymax.
struct Extent {
    double xmin{0}, ymin{0}, xmax{0}, ymax{0};
    [[nodiscard]] bool intersects(const Extent& o) const noexcept {
        return xmin < o.xmax && o.xmin < xmax && ymin < o.ymax && o.ymin < ymax;
    }
};

/// Affine pixel -> world transform with named terms, in GDAL's six-coefficient order.
struct GeoTransform {
    double x_origin{0}, x_scale{1}, x_rot{0}, y_origin{0}, y_rot{0}, y_scale{-1};

    [[nodiscard]] static GeoTransform from_gdal(const std::array<double, 6>& c) noexcept {
        return {c[0], c[1], c[2], c[3], c[4], c[5]};
    }
    [[nodiscard]] std::array<double, 6> to_gdal() const noexcept {
        return {x_origin, x_scale, x_rot, y_origin, y_rot, y_scale};
    }
    [[nodiscard]] Coord apply(double col, double row) const noexcept {
        return {x_origin + col * x_scale + row * x_rot, y_origin + col * y_rot + row * y_scale};
    }
    /// The world -> pixel transform; nullopt when the transform is singular.
    [[nodiscard]] std::optional<GeoTransform> inverse() const noexcept;
    [[nodiscard]] bool is_north_up() const noexcept { return x_rot == 0 && y_rot == 0 && y_scale < 0; }
    friend bool operator==(const GeoTransform&, const GeoTransform&) = default;
};

/// What the core needs to know of a CRS without linking PROJ: the WKT for I/O and enough to compute areas.
/// `io` fills it from OSR (see io/crs.hpp).
struct CrsInfo {
    std::string wkt;               ///< OGC WKT2; empty means "no CRS"
    bool geographic{false};        ///< axes are longitude/latitude in degrees
    double linear_unit_m{1.0};     ///< metres per CRS unit (projected CRSs)
    double semi_major_m{6378137.0};
    double inverse_flattening{298.257223563};
    std::string name;              ///< e.g. "WGS 84 / UTM zone 51N", for messages
    [[nodiscard]] bool empty() const noexcept { return wkt.empty(); }
};

/// A georeferenced raster lattice: CRS + geotransform + size.
class Grid {
public:
    Grid() = default;
    Grid(CrsInfo crs, GeoTransform gt, std::int64_t width, std::int64_t height);

    [[nodiscard]] const CrsInfo& crs() const noexcept { return m_crs; }
    [[nodiscard]] const GeoTransform& transform() const noexcept { return m_gt; }
    [[nodiscard]] std::int64_t width() const noexcept { return m_width; }
    [[nodiscard]] std::int64_t height() const noexcept { return m_height; }
    [[nodiscard]] std::int64_t pixel_count() const noexcept { return m_width * m_height; }
    [[nodiscard]] Window full_window() const noexcept { return {0, 0, m_width, m_height}; }

    /// World coordinates of a pixel corner (fractional col/row allowed).
    [[nodiscard]] Coord to_world(double col, double row) const noexcept { return m_gt.apply(col, row); }
    /// World coordinates of a pixel's centre.
    [[nodiscard]] Coord cell_center(std::int64_t col, std::int64_t row) const noexcept;
    /// Fractional (col, row) of a world coordinate; nullopt for a singular transform.
    [[nodiscard]] std::optional<Coord> to_pixel(Coord world) const noexcept;
    /// The world extent of a window (of the whole grid by default).
    [[nodiscard]] Extent window_bounds(const Window& w) const noexcept;
    [[nodiscard]] Extent extent() const noexcept { return window_bounds(full_window()); }
    /// The sub-grid covering `w` (same CRS and resolution, shifted origin).
    [[nodiscard]] Grid subgrid(const Window& w) const;

    /// Area of one cell in row `row`, in m². Planar for projected CRSs; for geographic CRSs, the exact area
    /// of the ellipsoidal quadrangle between the row's bounding parallels (north-up grids only).
    [[nodiscard]] double cell_area_m2(std::int64_t row) const;

private:
    CrsInfo m_crs;
    GeoTransform m_gt;
    std::int64_t m_width{0};
    std::int64_t m_height{0};
};

/// Area in m² of the quadrangle between latitudes lat1_deg and lat2_deg spanning dlon_deg of longitude on an
/// ellipsoid (a, 1/f), from the authalic-latitude closed form. Exact to rounding.
[[nodiscard]] double ellipsoidal_quadrangle_area_m2(double lat1_deg, double lat2_deg, double dlon_deg,
                                                    double semi_major_m, double inverse_flattening) noexcept;

}  // namespace bluecarbon
