#pragma once
/// CRS descriptions for the core (CrsInfo) built through OSR. GDAL/PROJ stay behind this header.
#include <bluecarbon/core/grid.hpp>

#include <string>

namespace bluecarbon {

/// Describes the CRS given as WKT (any WKT version GDAL reads): WKT2 text, geographic flag, metres per
/// linear unit, ellipsoid semi-major axis and inverse flattening, and name. An empty string gives an empty
/// CrsInfo ("no CRS"). Throws CrsError when the WKT cannot be parsed. Thread-safe.
[[nodiscard]] CrsInfo crs_info_from_wkt(const std::string& wkt);

/// A CRS given by a user: "EPSG:32651", a WKT string, a PROJ string ("+proj=utm +zone=51 +datum=WGS84") or
/// any other definition OSR's SetFromUserInput accepts without reading files or the network.
/// Throws ConfigError naming `text` when it is not understood. Thread-safe.
[[nodiscard]] CrsInfo crs_from_user(const std::string& text);

/// True when the two CRSs are equivalent for georeferencing (axis order ignored). Two empty CRSs are the
/// same; an empty and a non-empty one are not. Throws CrsError for unparsable WKT.
[[nodiscard]] bool same_crs(const CrsInfo& a, const CrsInfo& b);

/// The bounding box in `to` of extent `e` given in `from` (as gdalwarp finds it with only -t_srs): each edge is
/// densified with `densify_points` points so curved edges are enclosed; x is easting/longitude in both. Returns
/// `e` unchanged when the CRSs are the same. Throws CrsError when either CRS is empty, PROJ cannot transform the
/// extent (e.g. it lies outside the area `to` covers) or the result crosses the antimeridian. Thread-safe.
[[nodiscard]] Extent transform_extent(const Extent& e, const CrsInfo& from, const CrsInfo& to, int densify_points = 21);

}  // namespace bluecarbon
