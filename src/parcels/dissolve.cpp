// dissolve: the outline of several polygons (a lot's parcels) as their GEOS union.
#include "geos_util.hpp"

#include <bluecarbon/parcels/validation.hpp>

namespace bluecarbon::parcels {

MultiPolygon dissolve(std::span<const MultiPolygon> geometries) {
    detail::GeosContext ctx;
    MultiPolygon all;
    for (const auto& g : geometries) all.parts.insert(all.parts.end(), g.parts.begin(), g.parts.end());
    if (all.empty()) return {};
    auto geom = detail::to_geos(ctx, all);
    auto u = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), geom.get()), "GEOS union failed");
    // Normalised: rings start at their lowest vertex and parts are sorted, so the output does not depend on how
    // the parcels were ordered (runs stay byte-identical).
    if (GEOSNormalize_r(ctx.get(), u.get()) != 0) ctx.raise("GEOS normalize failed");
    return detail::from_geos(ctx, u.get());
}

}  // namespace bluecarbon::parcels
