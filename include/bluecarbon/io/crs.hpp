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

}  // namespace bluecarbon
