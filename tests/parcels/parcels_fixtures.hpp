#pragma once
// Shared helpers for the parcels tests: geometries from WKT through GEOS, GEOS overlay references.
#include "parcels/geos_util.hpp"

#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/parcels/geometry.hpp>

#include <string>

namespace bluecarbon::test {

inline parcels::MultiPolygon wkt_polygon(const std::string& wkt) {
    parcels::detail::GeosContext ctx;
    auto g = parcels::detail::from_wkt(ctx, wkt);
    return parcels::detail::from_geos(ctx, g.get());
}

/// The reference coverage of cell (col, row): GEOS area of polygon ∩ cell square / cell area.
class OverlayReference {
public:
    OverlayReference(const parcels::MultiPolygon& g, const Grid& grid)
        : m_geom(parcels::detail::to_geos(m_ctx, g)), m_grid(grid) {}
    double coverage(std::int64_t col, std::int64_t row) const {
        const Extent e = m_grid.window_bounds(Window{col, row, 1, 1});
        auto cell = parcels::detail::to_geos(m_ctx, parcels::box_polygon(e));
        auto inter = parcels::detail::own(m_ctx, GEOSIntersection_r(m_ctx.get(), m_geom.get(), cell.get()),
                                          "intersection");
        double a = 0;
        GEOSArea_r(m_ctx.get(), inter.get(), &a);
        return a / ((e.xmax - e.xmin) * (e.ymax - e.ymin));
    }

private:
    parcels::detail::GeosContext m_ctx;
    parcels::detail::GeomPtr m_geom;
    Grid m_grid;
};

}  // namespace bluecarbon::test
