#pragma once
/// Parcel areas: ellipsoidal (geodesic edges on the CRS's ellipsoid) and planar.
#include <bluecarbon/parcels/geometry.hpp>

namespace bluecarbon::parcels {

/// Area in m² of a polygon given in longitude/latitude degrees (x = longitude), its edges taken as geodesics on
/// the ellipsoid (semi-major axis in m, inverse flattening; <= 0 means a sphere). Holes are subtracted; ring
/// orientation does not matter. Boost.Geometry's geographic area strategy (Thomas's inverse formula in long double
/// with Boost's highest series order: within 1e-7 of GeographicLib on parcels of 15 m and more). Thread-safe.
[[nodiscard]] double ellipsoidal_area_m2(const MultiPolygon& lonlat, double semi_major_m, double inverse_flattening);

/// Planar area in m² of a polygon in a projected CRS with `linear_unit_m` metres per CRS unit.
[[nodiscard]] double planar_area_m2(const MultiPolygon& g, double linear_unit_m);

}  // namespace bluecarbon::parcels
