#pragma once
/// WGS 84 / UTM conversions for the sample generator (plain C++, no PROJ): Krüger's series to order n^4
/// (Karney 2011, "Transverse Mercator with an accuracy of a few nanometers", eqs. 35–36 truncated), good to
/// well under a millimetre within a few degrees of the central meridian — ample for placing survey plots.
namespace bluecarbon::sample {

struct LonLat {
    double lon_deg{0};
    double lat_deg{0};
};

struct EastNorth {
    double easting_m{0};
    double northing_m{0};
};

/// Geographic WGS 84 -> UTM zone `zone` (northern hemisphere).
[[nodiscard]] EastNorth utm_north_from_lonlat(LonLat p, int zone) noexcept;
/// UTM zone `zone` (northern hemisphere) -> geographic WGS 84.
[[nodiscard]] LonLat lonlat_from_utm_north(EastNorth p, int zone) noexcept;

}  // namespace bluecarbon::sample
