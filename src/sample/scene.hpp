#pragma once
/// The sample scene: a synthetic but realistic stretch of the Xiangshan (Ningbo, Zhejiang) coast in
/// WGS 84 / UTM zone 51N (EPSG:32651), as pure functions of map coordinates.
///
/// Layout, west to east (the coastline meanders north-south): forested hills (Pinus massoniana, Cunninghamia
/// lanceolata) with farmland at their foot; a reclaimed plain of aquaculture ponds behind a seawall; a fringe
/// of salt marsh with stretches of planted mangrove (Kandelia obovata); a wide mudflat cut by a tidal creek,
/// with intertidal seagrass (Zostera japonica) on its lower edge; then the turbid sea.
///
/// The small sample covers 390000–396000 E, 3260000–3266000 N (600 x 600 pixels of 10 m). Corners, from
/// `cs2cs EPSG:32651 EPSG:4326`: NW (121.864960 E, 29.518770 N), NE (121.926862 E, 29.519284 N),
/// SW (121.865564 E, 29.464629 N), SE (121.927433 E, 29.465142 N) — inside 121.85–121.95 E, 29.45–29.55 N.
/// A synthetic scene larger than the sample repeats the sample's layout mirrored (so it has no seams) while
/// its noise keeps varying, so every pixel differs.
///
/// Every value is a pure function of the pixel's coordinates (no state, no random generator), so any window
/// can be generated on any thread in any order with identical results. Thread-safe.
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace bluecarbon::sample {

/// Class codes of the sample's habitat.tif: the habitats' own codes (other: farmland, settlements, dikes,
/// roads, the seawall). Its nodata is 0, as a user's classified map would have it.
using science::Habitat;
inline constexpr std::uint8_t k_habitat_nodata = 0;

struct HabitatInfo {
    Habitat code;
    std::string_view name;            ///< snake_case name used in attributes and project files
    std::array<std::uint8_t, 3> rgb;  ///< colour-table entry
};
/// The eight classes, in code order.
[[nodiscard]] std::span<const HabitatInfo> habitat_classes() noexcept;

/// Surface reflectance (0–1) of the four Sentinel-2-like bands.
struct Reflectance {
    double green{0}, red{0}, nir{0}, swir1{0};
};

/// Everything the generator knows about one point.
struct PointSample {
    Habitat habitat{Habitat::other};
    double orthometric_m{0};  ///< height above the EGM96 geoid (≈ mean sea level) [m]
    double geoid_m{0};        ///< EGM96 geoid undulation N [m]; ellipsoidal height h = H + N
    Reflectance reflectance;
    [[nodiscard]] double ellipsoidal_m() const noexcept { return orthometric_m + geoid_m; }
};

// Sample geometry.
inline constexpr int k_utm_zone = 51;
inline constexpr double k_origin_x_m = 390000.0;   ///< west edge [m, EPSG:32651]
inline constexpr double k_origin_y_m = 3266000.0;  ///< north edge [m, EPSG:32651]
inline constexpr double k_pixel_m = 10.0;
inline constexpr std::int64_t k_sample_size = 600;  ///< pixels per side of the small sample
inline constexpr double k_sample_extent_m = k_pixel_m * static_cast<double>(k_sample_size);

/// Reflectance is stored as uint16 DN with reflectance = DN × 1e-4 (offset 0); DN 0 is nodata.
inline constexpr double k_reflectance_scale = 1e-4;
inline constexpr std::uint16_t k_reflectance_nodata = 0;
inline constexpr float k_dem_nodata = -9999.0F;

/// Band order and descriptions of reflectance.tif.
inline constexpr std::array<std::string_view, 4> k_reflectance_bands{"green", "red", "nir", "swir1"};

/// Tidal datums of the sample, relative to the EGM96 geoid [m] (a mesotidal coast: mean range ≈ 4.5 m).
inline constexpr double k_mllw_m = -2.3;
inline constexpr double k_mhhw_m = 2.2;
inline constexpr double k_hat_m = 3.0;

/// The scene's geotransform: north-up, 10 m pixels, upper-left corner at the sample origin.
[[nodiscard]] GeoTransform scene_transform() noexcept;

/// Map coordinates [m, EPSG:32651] of the point `seaward_m` metres east of the coastline (negative: inland),
/// `south_m` metres south of the sample's north edge (0–6000 m). Parcels and survey sites are placed this way.
[[nodiscard]] Coord coastal_point(double seaward_m, double south_m) noexcept;

/// What the scene holds at map coordinates (x, y) [m, EPSG:32651].
[[nodiscard]] PointSample sample_point(double x_m, double y_m) noexcept;
/// At the centre of pixel (col, row) of the scene grid.
[[nodiscard]] PointSample sample_pixel(std::int64_t col, std::int64_t row) noexcept;

/// Reflectance DN for one band value (rounded, clamped to 1..65535 so that 0 stays nodata).
[[nodiscard]] std::uint16_t reflectance_dn(double reflectance) noexcept;

/// The layers of one window, row-major over the window.
struct SceneTile {
    Block<std::uint8_t> habitat;
    Block<float> dem;                                 ///< ellipsoidal height [m]
    std::array<Block<std::uint16_t>, 4> reflectance;  ///< green, red, nir, swir1 DN
};

/// Generates every layer of window `w` of the scene grid (pixel centres).
[[nodiscard]] SceneTile generate_tile(const Window& w);

}  // namespace bluecarbon::sample
