#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include "gdal_util.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>

namespace bluecarbon {

namespace io {

CrsInfo crs_info_from_srs(const OGRSpatialReference& srs) {
    CrsInfo info;
    info.wkt = io::srs_to_wkt(srs);
    info.geographic = srs.IsGeographic() != 0;
    if (!info.geographic) info.linear_unit_m = srs.GetLinearUnits(nullptr);
    OGRErr err = OGRERR_NONE;
    const double a = srs.GetSemiMajor(&err);
    if (err == OGRERR_NONE && a > 0) info.semi_major_m = a;
    err = OGRERR_NONE;
    const double inv_f = srs.GetInvFlattening(&err);
    // 0 means a sphere; keep it (ellipsoidal area formulas treat 1/f <= 0 as a sphere).
    if (err == OGRERR_NONE) info.inverse_flattening = inv_f;
    if (const char* name = srs.GetName()) info.name = name;
    return info;
}

}  // namespace io

CrsInfo crs_info_from_wkt(const std::string& wkt) {
    if (wkt.empty()) return {};
    ensure_gdal_ready();
    return io::crs_info_from_srs(io::srs_from_wkt(wkt));
}

CrsInfo crs_from_user(const std::string& text) {
    ensure_gdal_ready();
    if (text.empty()) throw ConfigError("CRS: an empty CRS definition was given");
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    io::GdalErrorCapture capture;
    // The limitations keep user text from making OSR read arbitrary files or fetch URLs.
    if (srs.SetFromUserInput(text.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) !=
        OGRERR_NONE)
        throw ConfigError(io::with_detail("CRS '" + text + "' is not a CRS definition GDAL/PROJ understands",
                                          capture.errors()));
    try {
        return io::crs_info_from_srs(srs);
    } catch (const CrsError& e) {
        throw ConfigError("CRS '" + text + "': " + e.what());
    }
}

bool same_crs(const CrsInfo& a, const CrsInfo& b) {
    if (a.empty() || b.empty()) return a.empty() && b.empty();
    if (a.wkt == b.wkt) return true;
    ensure_gdal_ready();
    return io::same_crs(io::srs_from_wkt(a.wkt), io::srs_from_wkt(b.wkt));
}

Extent transform_extent(const Extent& e, const CrsInfo& from, const CrsInfo& to, int densify_points) {
    const auto label = [](const CrsInfo& c) { return c.name.empty() ? std::string("an unnamed CRS") : c.name; };
    const std::string what = fmt::format("extent [{:.10g}, {:.10g}, {:.10g}, {:.10g}] from {} to {}", e.xmin, e.ymin,
                                         e.xmax, e.ymax, label(from), label(to));
    if (from.empty() || to.empty()) throw CrsError("cannot transform the " + what + ": both need a CRS");
    if (same_crs(from, to)) return e;
    ensure_gdal_ready();
    // srs_from_wkt sets the traditional GIS axis order: x is easting/longitude on both sides, as in Extent.
    const OGRSpatialReference src = io::srs_from_wkt(from.wkt), dst = io::srs_from_wkt(to.wkt);
    io::GdalErrorCapture capture;
    const std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
    if (!ct) throw CrsError(io::with_detail("PROJ has no transformation for the " + what, capture.errors()));
    Extent out;
    if (!ct->TransformBounds(e.xmin, e.ymin, e.xmax, e.ymax, &out.xmin, &out.ymin, &out.xmax, &out.ymax,
                             densify_points) ||
        !std::isfinite(out.xmin) || !std::isfinite(out.ymin) || !std::isfinite(out.xmax) || !std::isfinite(out.ymax))
        throw CrsError(io::with_detail("cannot transform the " + what + ": it lies outside the area PROJ can map",
                                       capture.errors()));
    // TransformBounds reports a box crossing the antimeridian as xmin > xmax; one Extent cannot hold it.
    if (out.xmin > out.xmax) throw CrsError("the " + what + " crosses the antimeridian");
    return out;
}

}  // namespace bluecarbon
