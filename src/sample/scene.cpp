#include "sample/scene.hpp"

#include "sample/noise.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bluecarbon::sample {

namespace {

using noise::fbm2;
using noise::hash_signed;
using noise::value1;

constexpr double k_two_pi = 2.0 * std::numbers::pi;

constexpr std::array<HabitatInfo, 8> k_classes{{
    {Habitat::water, "water", {31, 120, 180}},
    {Habitat::seagrass, "seagrass", {102, 194, 165}},
    {Habitat::tidal_flat, "tidal_flat", {191, 165, 120}},
    {Habitat::salt_marsh, "salt_marsh", {178, 223, 138}},
    {Habitat::mangrove, "mangrove", {27, 120, 55}},
    {Habitat::aquaculture_pond, "aquaculture_pond", {128, 177, 211}},
    {Habitat::forest, "forest", {0, 68, 27}},
    {Habitat::other, "other", {190, 190, 190}},
}};

// Noise streams (one seed per purpose, so changing one layer's texture leaves the others alone).
enum Seed : std::uint64_t {
    s_coast = 101,
    s_edge = 102,
    s_hill = 103,
    s_plain = 104,
    s_fringe = 105,
    s_flat = 106,
    s_creek = 107,
    s_meadow = 108,
    s_bright = 109,
    s_vigour = 110,
    s_speckle = 111,
    s_farm = 112,
    s_village = 113,
};

// Reflects t into [0, period] (a triangle wave), so a scene larger than the sample repeats it mirrored.
double mirror(double t, double period) noexcept {
    double m = std::fmod(t, 2.0 * period);
    if (m < 0)
        m += 2.0 * period;
    return m <= period ? m : 2.0 * period - m;
}

double clamp01(double t) noexcept {
    return std::clamp(t, 0.0, 1.0);
}

double lerp(double a, double b, double t) noexcept {
    return a + (b - a) * t;
}

Reflectance lerp(const Reflectance& a, const Reflectance& b, double t) noexcept {
    return {lerp(a.green, b.green, t), lerp(a.red, b.red, t), lerp(a.nir, b.nir, t), lerp(a.swir1, b.swir1, t)};
}

// EGM96 geoid undulation over the sample, bilinear between its four corners. Corner values from the shipped
// grid (grids/egm96_15_china.gtx) through PROJ:
//   printf '29.518770 121.864960 0\n...' | PROJ_DATA=grids:/usr/share/proj cs2cs EPSG:4979 EPSG:9707
// gives H = −N: NW 13.897, NE 14.145, SW 13.963, SE 14.210 m (centre 14.053 m, bilinear 14.054 m). Note the
// geoid here is ~14 m above the ellipsoid, so ellipsoidal heights are orthometric heights + ~14 m.
double geoid_undulation_m(double u, double v) noexcept {
    const double a = clamp01(u / k_sample_extent_m), b = clamp01(v / k_sample_extent_m);
    return 13.897 * (1 - a) * (1 - b) + 14.145 * a * (1 - b) + 13.963 * (1 - a) * b + 14.210 * a * b;
}

// Coastline (the seawall's seaward toe is at d = −680 m from it): metres east of the sample's west edge at
// distance v south of its north edge.
double coastline_u(double v) noexcept {
    return 3000.0 + 350.0 * std::sin(k_two_pi * v / 4100.0 + 0.7) + 150.0 * std::sin(k_two_pi * v / 1700.0 + 2.1) +
           80.0 * value1(v, 400.0, s_coast);
}

// Stretches of the fringe planted with mangrove (v ranges, metres south of the north edge).
bool in_mangrove_stretch(double v) noexcept {
    return (v > 500.0 && v < 1500.0) || (v > 3800.0 && v < 4900.0);
}

// Intertidal seagrass on the lower flat in the south: patchy, densest in the middle of its area and thinning
// out towards its edges (so the meadow has no straight borders).
bool in_meadow(double d, double v, double edge, double patch) noexcept {
    const double across = clamp01((d - 1050.0 - 120.0 * edge) / 300.0);
    const double along = clamp01((v - 4300.0 - 150.0 * edge) / 400.0) * clamp01((5900.0 - v) / 300.0);
    const double density = across * along;
    return density > 0.0 && patch > 0.55 - 0.75 * density;
}

// Base spectra (surface reflectance, Sentinel-2 B3, B4, B8, B11) per cover, chosen from typical published
// spectra of these covers on turbid, mesotidal Chinese coasts:
//   mangrove  NDVI ≈ 0.76, MVI = (N − G)/(S1 − G) ≈ 6 (Baloloy et al. 2020: mangroves 4.5–16.5)
//   forest    NDVI ≈ 0.79 but MVI ≈ 2.6 (higher SWIR than mangrove), so MVI separates them
//   marsh     NDVI ≈ 0.45;  water NDWI ≈ +0.5
//   tidal flat NDVI ≈ 0.05–0.1, NDWI < 0; the exposed mud stays wet at low tide, so its SWIR1 stays below
//   green and MVI's denominator S1 − G never comes near zero there (MVI ≈ −3 to −0.5)
constexpr Reflectance k_mangrove{0.045, 0.040, 0.290, 0.085};
constexpr Reflectance k_forest{0.055, 0.035, 0.300, 0.150};
constexpr Reflectance k_marsh{0.070, 0.075, 0.200, 0.170};
constexpr Reflectance k_flat_dry{0.110, 0.115, 0.140, 0.085};
constexpr Reflectance k_flat_wet{0.080, 0.085, 0.095, 0.060};
constexpr Reflectance k_seagrass{0.060, 0.045, 0.060, 0.025};
constexpr Reflectance k_water_turbid{0.095, 0.090, 0.035, 0.012};
constexpr Reflectance k_water_clear{0.070, 0.050, 0.020, 0.008};
constexpr Reflectance k_pond{0.090, 0.070, 0.040, 0.015};
constexpr Reflectance k_farmland{0.080, 0.075, 0.240, 0.200};
constexpr Reflectance k_built{0.130, 0.140, 0.180, 0.220};

bool is_vegetated(Habitat h) noexcept {
    return h == Habitat::mangrove || h == Habitat::forest || h == Habitat::salt_marsh;
}

}  // namespace

std::span<const HabitatInfo> habitat_classes() noexcept {
    return k_classes;
}

GeoTransform scene_transform() noexcept {
    return {k_origin_x_m, k_pixel_m, 0.0, k_origin_y_m, 0.0, -k_pixel_m};
}

std::uint16_t reflectance_dn(double reflectance) noexcept {
    const double dn = std::round(reflectance / k_reflectance_scale);
    return static_cast<std::uint16_t>(std::clamp(dn, 1.0, 65535.0));
}

namespace {
// The point (x, y) with the coastline position of its row (`coast_u` = coastline_u(v)) given, so a tile
// computes the coastline once per row rather than once per pixel.
PointSample sample_point_on_row(double x, double y, double v, double coast_u) noexcept {
    const double u = mirror(x - k_origin_x_m, k_sample_extent_m);
    const double d = u - coast_u;                      // metres seaward of the coastline
    const double edge = fbm2(x, y, 180.0, 3, s_edge);  // wobble of zone boundaries, [-1, 1]

    PointSample p;
    p.geoid_m = geoid_undulation_m(u, v);
    Reflectance base{};
    bool built = false;

    if (d < -1900.0 + 150.0 * edge) {
        // Hills: height rises inland; forest above ~14 m, farmland and villages at the foot.
        const double h = 6.0 + 0.08 * (-d - 1900.0) + 20.0 * fbm2(x, y, 400.0, 3, s_hill);
        p.orthometric_m = std::max(h, 3.5);
        const bool village = fbm2(x, y, 300.0, 2, s_village) > 0.45;
        p.habitat = p.orthometric_m > 14.0 && !village ? Habitat::forest : Habitat::other;
        base = p.habitat == Habitat::forest ? k_forest : k_farmland;
    } else if (d < -700.0) {
        // Reclaimed plain: a grid of ponds (130 m x 90 m cells, 12 m dikes), some cells farmed.
        const double pu = std::fmod(u, 130.0), pv = std::fmod(v, 90.0);
        const auto cell_u = static_cast<std::int64_t>(std::floor(u / 130.0));
        const auto cell_v = static_cast<std::int64_t>(std::floor(v / 90.0));
        if (pu < 12.0 || pv < 12.0) {
            p.habitat = Habitat::other;
            p.orthometric_m = 4.3 + 0.1 * edge;
            base = k_built;
            built = true;
        } else if (noise::hash01(cell_u, cell_v, s_farm) < 0.22) {
            p.habitat = Habitat::other;
            p.orthometric_m = 4.0 + 0.2 * fbm2(x, y, 60.0, 2, s_plain);
            base = k_farmland;
        } else {
            p.habitat = Habitat::aquaculture_pond;
            p.orthometric_m = 3.5;  // pond water level: above HAT, behind the seawall
            base = k_pond;
        }
    } else if (d < -680.0) {
        p.habitat = Habitat::other;  // the seawall
        p.orthometric_m = 7.0;
        base = k_built;
        built = true;
    } else if (d < -380.0 + 60.0 * edge) {
        // Vegetated fringe between the seawall and the mudflat.
        const double t = clamp01((-380.0 - d) / 300.0) + 0.1 * fbm2(x, y, 50.0, 2, s_fringe);
        if (in_mangrove_stretch(v + 80.0 * edge)) {
            p.habitat = Habitat::mangrove;
            p.orthometric_m = 1.9 + 0.5 * t;
            base = k_mangrove;
        } else {
            p.habitat = Habitat::salt_marsh;
            p.orthometric_m = 2.3 + 0.6 * t;
            base = k_marsh;
        }
    } else {
        const double flat_end = 1900.0 + 150.0 * edge;
        if (d >= flat_end) {
            p.habitat = Habitat::water;
            p.orthometric_m = std::max(-12.0, -2.5 - 0.003 * (d - flat_end));
            base = lerp(k_water_turbid, k_water_clear, clamp01((d - flat_end) / 1500.0));
        } else {
            const double t = clamp01((d + 380.0) / (flat_end + 380.0));  // 0 at the marsh edge, 1 at low water
            p.orthometric_m = 1.8 - 4.1 * t + 0.15 * fbm2(x, y, 120.0, 3, s_flat);
            // A meandering tidal creek draining the flat eastwards, widening seaward.
            const double creek_v = 3000.0 +
                                   (120.0 + 100.0 * value1(u, 1500.0, s_creek + 1)) *
                                       std::sin(k_two_pi * u / 900.0 + 0.4 + 1.5 * value1(u, 700.0, s_creek)) +
                                   80.0 * value1(u, 350.0, s_creek + 2);
            const double creek_half_width = 7.5 + 15.0 * t;
            if (std::abs(v - creek_v) < creek_half_width) {
                p.habitat = Habitat::water;
                p.orthometric_m -= 1.2 + 0.8 * (1.0 - std::abs(v - creek_v) / creek_half_width);
                base = k_water_turbid;
            } else if (in_meadow(d, v, edge, fbm2(x, y, 120.0, 3, s_meadow))) {
                p.habitat = Habitat::seagrass;
                base = k_seagrass;
            } else {
                p.habitat = Habitat::tidal_flat;
                base = lerp(k_flat_dry, k_flat_wet, t);
            }
        }
    }

    // Texture: a smooth brightness field for every cover, a vigour field (more NIR, less red) for vegetation,
    // and a little per-pixel speckle per band (hash of the pixel, so it is the same whoever computes it).
    const double bright = 1.0 + 0.06 * fbm2(x, y, 250.0, 2, s_bright);
    double g = base.green * bright, r = base.red * bright, n = base.nir * bright, s1 = base.swir1 * bright;
    if (is_vegetated(p.habitat) || (p.habitat == Habitat::other && !built)) {
        const double vigour = 0.08 * fbm2(x, y, 90.0, 2, s_vigour);
        n *= 1.0 + vigour;
        r *= 1.0 - vigour;
    }
    const auto ix = static_cast<std::int64_t>(std::floor(x / k_pixel_m));
    const auto iy = static_cast<std::int64_t>(std::floor(y / k_pixel_m));
    g *= 1.0 + 0.015 * hash_signed(ix, iy, s_speckle);
    r *= 1.0 + 0.015 * hash_signed(ix, iy, s_speckle + 1);
    n *= 1.0 + 0.015 * hash_signed(ix, iy, s_speckle + 2);
    s1 *= 1.0 + 0.015 * hash_signed(ix, iy, s_speckle + 3);
    p.reflectance = {g, r, n, s1};
    return p;
}

}  // namespace

Coord coastal_point(double seaward_m, double south_m) noexcept {
    return {k_origin_x_m + coastline_u(south_m) + seaward_m, k_origin_y_m - south_m};
}

PointSample sample_point(double x, double y) noexcept {
    const double v = mirror(k_origin_y_m - y, k_sample_extent_m);
    return sample_point_on_row(x, y, v, coastline_u(v));
}

PointSample sample_pixel(std::int64_t col, std::int64_t row) noexcept {
    const auto c = scene_transform().apply(static_cast<double>(col) + 0.5, static_cast<double>(row) + 0.5);
    return sample_point(c.x, c.y);
}

SceneTile generate_tile(const Window& w) {
    SceneTile t{Block<std::uint8_t>(w),
                Block<float>(w),
                {Block<std::uint16_t>(w), Block<std::uint16_t>(w), Block<std::uint16_t>(w), Block<std::uint16_t>(w)}};
    const GeoTransform gt = scene_transform();
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const double y = gt.apply(0.0, static_cast<double>(w.row_off + r) + 0.5).y;
        const double v = mirror(k_origin_y_m - y, k_sample_extent_m);
        const double coast_u = coastline_u(v);
        for (std::int64_t c = 0; c < w.cols; ++c) {
            // Same coordinates as sample_pixel (pixel centre through the geotransform), so both agree exactly.
            const Coord xy =
                gt.apply(static_cast<double>(w.col_off + c) + 0.5, static_cast<double>(w.row_off + r) + 0.5);
            const PointSample p = sample_point_on_row(xy.x, xy.y, v, coast_u);
            const std::size_t i = t.dem.index(c, r);
            t.habitat.px[i] = static_cast<std::uint8_t>(p.habitat);
            t.dem.px[i] = static_cast<float>(p.ellipsoidal_m());
            t.reflectance[0].px[i] = reflectance_dn(p.reflectance.green);
            t.reflectance[1].px[i] = reflectance_dn(p.reflectance.red);
            t.reflectance[2].px[i] = reflectance_dn(p.reflectance.nir);
            t.reflectance[3].px[i] = reflectance_dn(p.reflectance.swir1);
        }
    }
    return t;
}

}  // namespace bluecarbon::sample
