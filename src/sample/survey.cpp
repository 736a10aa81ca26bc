#include "sample/survey.hpp"

#include "sample/noise.hpp"
#include "sample/utm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bluecarbon::sample {

namespace {

using noise::hash01;

struct ParcelSpec {
    const char* id;
    const char* name;
    const char* owner;
    Habitat habitat;
    const char* activity;
    double seaward_from_m, seaward_to_m;  // across the coast
    double south_from_m, south_to_m;      // along it
};

// Strips laid on the scene's zones (scene.cpp): fringe −680..−380 m, flat from −380 m to ~1900 m, ponds
// −1900..−700 m, hills inland of ~−1900 m; mangrove stretches 500–1500 and 3800–4900 m south of the north edge,
// the seagrass meadow 4300–5900 m. P01–P06 keep ≥ 60 m inside their zone's (noisy) edges. Two parcels fail one
// eligibility rule each, so the demo shows the rules at work: P07 (20 m × 15 m = 300 m²) is below the 400 m²
// minimum mapping unit; P08 reaches from the salt marsh (between MLLW and HAT) over the seawall into the ponds
// behind it (above HAT), so well under half of this blue-carbon parcel lies in the tidal frame.
constexpr ParcelSpec k_parcels[] = {
    {"P01", "Kandelia planting on the bare upper flat", "Xiangshan County Forestry Bureau", Habitat::tidal_flat,
     "mangrove afforestation", -300, -120, 700, 1400},
    {"P02", "Retired aquaculture ponds", "Huangdun Village Collective", Habitat::aquaculture_pond,
     "pond retirement and mangrove planting", -1500, -900, 2200, 2900},
    {"P03", "Existing Kandelia mangrove", "Xiangshan County Forestry Bureau", Habitat::mangrove,
     "mangrove conservation", -640, -460, 3950, 4700},
    {"P04", "Salt marsh behind the creek", "Ningbo Marine and Fishery Bureau", Habitat::salt_marsh,
     "salt marsh conservation", -640, -460, 2000, 3200},
    {"P05", "Zostera japonica meadow", "Ningbo Marine and Fishery Bureau", Habitat::seagrass, "seagrass conservation",
     1350, 1700, 4900, 5600},
    {"P06", "Hillside forest", "Xiqiao Village Collective", Habitat::forest, "forest conservation", -2500, -2150,
     1200, 1800},
    {"P07", "Mangrove gap planting", "Huangdun Village Collective", Habitat::mangrove, "mangrove gap planting", -600,
     -580, 1000, 1015},
    {"P08", "Marsh edge and ponds behind the seawall", "Xiangshan Aquaculture Cooperative", Habitat::salt_marsh,
     "salt marsh extension", -1000, -560, 3300, 3750},
};

std::vector<Coord> strip_ring(const ParcelSpec& p) {
    // Counter-clockwise (RFC 7946): up the seaward (east) side northwards, back down the landward side.
    const int steps = std::max(2, static_cast<int>(std::ceil((p.south_to_m - p.south_from_m) / 100.0)));
    std::vector<Coord> ring;
    for (int k = steps; k >= 0; --k)
        ring.push_back(coastal_point(p.seaward_to_m, p.south_from_m + (p.south_to_m - p.south_from_m) * k / steps));
    for (int k = 0; k <= steps; ++k)
        ring.push_back(coastal_point(p.seaward_from_m, p.south_from_m + (p.south_to_m - p.south_from_m) * k / steps));
    ring.push_back(ring.front());
    return ring;
}

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

// Finds the survey site nearest to the nominal position (seaward_m, south_m) whose habitat is `want`,
// searching outwards along the coast in 20 m steps. The layout is fixed, so the result is too.
Site place_site(std::string id, Habitat want, double seaward_m, double south_m) {
    for (int step = 0; step <= 40; ++step) {
        for (int sign : {1, -1}) {
            const double v = south_m + sign * 20.0 * step;
            const Coord xy = coastal_point(seaward_m, v);
            if (sample_point(xy.x, xy.y).habitat != want)
                continue;
            const LonLat ll = lonlat_from_utm_north({xy.x, xy.y}, k_utm_zone);
            return Site{std::move(id), want, xy, ll.lon_deg, ll.lat_deg};
        }
    }
    throw std::logic_error("sample: no " + std::string(habitat_name(want)) + " near site " + id);
}

struct Species {
    const char* name;
    double h_a, h_b;  // height model H = 1.3 + a D^b [m]
};
constexpr Species k_kandelia{"Kandelia obovata", 0.62, 0.72};
constexpr Species k_avicennia{"Avicennia marina", 0.70, 0.70};
constexpr Species k_pinus{"Pinus massoniana", 2.10, 0.62};
constexpr Species k_cunninghamia{"Cunninghamia lanceolata", 2.30, 0.58};
constexpr Species k_schima{"Schima superba", 1.80, 0.60};

constexpr double k_mangrove_plot_m2 = 100.0;  // 10 m x 10 m
constexpr double k_forest_plot_m2 = 400.0;    // 20 m x 20 m, trees < 10 cm counted in a central 10 m x 10 m
constexpr const char* k_forest_nested = "0:100;10:400";
// Chave et al. (2014) environmental stress E for this coast: an illustrative value (verify against the E
// raster of Chave et al. 2014 before real use).
constexpr double k_chave_e = 0.05;

struct Core {
    const char* id;
    Habitat habitat;
    double seaward_m, south_m;
    double oc_surface, oc_deep;                // organic carbon [%]
    double bd_surface, bd_deep;                // bulk density [g/cm³]
    std::vector<std::pair<int, int>> samples;  // [min, max] depth of each sub-sample [cm]
};

const std::vector<std::pair<int, int>> k_full_core{{0, 5}, {10, 15}, {20, 25}, {35, 40}, {50, 55}, {70, 75}, {95, 100}};
const std::vector<std::pair<int, int>> k_half_core{{0, 5}, {10, 15}, {20, 25}, {35, 40}, {45, 50}};
const std::vector<std::pair<int, int>> k_short_core{{0, 5}, {10, 15}, {25, 30}};

// Mineral, silt-dominated soils (Zhejiang's coast is fed by the Changjiang's sediment): organic carbon of
// ~1–2 % under mangrove and marsh, less on bare flats and under seagrass; bulk density rising with depth.
std::vector<Core> cores() {
    return {
        {"MC01", Habitat::mangrove, -560, 900, 1.8, 0.9, 0.75, 1.15, k_full_core},
        {"MC02", Habitat::mangrove, -520, 4200, 1.7, 0.95, 0.78, 1.12, k_full_core},
        {"MC03", Habitat::mangrove, -600, 4600, 1.9, 0.85, 0.72, 1.18, k_full_core},
        {"SM01", Habitat::salt_marsh, -540, 2300, 1.3, 0.7, 0.9, 1.2, k_full_core},
        {"SM02", Habitat::salt_marsh, -520, 3100, 1.25, 0.75, 0.92, 1.22, k_full_core},
        {"TF01", Habitat::tidal_flat, 200, 2000, 0.65, 0.45, 1.15, 1.35, k_half_core},
        {"TF02", Habitat::tidal_flat, 800, 3600, 0.6, 0.42, 1.18, 1.36, k_half_core},
        {"SG01", Habitat::seagrass, 1500, 5200, 0.55, 0.4, 1.2, 1.3, k_short_core},
    };
}

std::string fmt_coord(double v) {
    return fmt::format("{:.6f}", v);
}

}  // namespace

std::vector<Parcel> sample_parcels() {
    std::vector<Parcel> out;
    for (const auto& p : k_parcels)
        out.push_back({p.id, p.name, p.owner, std::string(habitat_name(p.habitat)), p.activity, strip_ring(p)});
    return out;
}

std::string parcels_geojson(const std::vector<Parcel>& parcels) {
    std::string s = "{\n\"type\": \"FeatureCollection\",\n\"name\": \"parcels\",\n"
                    "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::32651\" } },\n"
                    "\"features\": [\n";
    for (std::size_t i = 0; i < parcels.size(); ++i) {
        const auto& p = parcels[i];
        s += fmt::format(R"({{ "type": "Feature", "properties": {{ "id": "{}", "name": "{}", "owner": "{}", )"
                         R"("habitat": "{}", "activity": "{}" }}, "geometry": {{ "type": "Polygon", "coordinates": [ [ )",
                         json_escape(p.id), json_escape(p.name), json_escape(p.owner), json_escape(p.habitat),
                         json_escape(p.activity));
        for (std::size_t k = 0; k < p.ring.size(); ++k)
            s += fmt::format("{}[ {:.2f}, {:.2f} ]", k == 0 ? "" : ", ", p.ring[k].x, p.ring[k].y);
        s += i + 1 < parcels.size() ? " ] ] } },\n" : " ] ] } }\n";
    }
    s += "]\n}\n";
    return s;
}

std::vector<Site> sample_plot_sites() {
    std::vector<Site> sites;
    // Mangrove plots mid-fringe in both stretches; forest plots on the hills.
    const double mangrove_south[] = {750, 950, 1150, 1350, 4000, 4250, 4500, 4750};
    for (int i = 0; i < 8; ++i)
        sites.push_back(place_site(fmt::format("M{:02d}", i + 1), Habitat::mangrove, -560, mangrove_south[i]));
    const double forest_seaward[] = {-2500, -2800, -2400, -2700};
    const double forest_south[] = {1000, 2500, 4000, 5500};
    for (int i = 0; i < 4; ++i)
        sites.push_back(place_site(fmt::format("F{:02d}", i + 1), Habitat::forest, forest_seaward[i], forest_south[i]));
    return sites;
}

std::vector<Site> sample_core_sites() {
    std::vector<Site> sites;
    for (const auto& c : cores())
        sites.push_back(place_site(c.id, c.habitat, c.seaward_m, c.south_m));
    return sites;
}

std::string plots_csv() {
    std::string s = "plot_id,area_m2,lon,lat,habitat,chave_e,nested\n";
    for (const auto& p : sample_plot_sites()) {
        const bool forest = p.habitat == Habitat::forest;
        s += fmt::format("{},{:.0f},{},{},{},{:.2f},{}\n", p.id, forest ? k_forest_plot_m2 : k_mangrove_plot_m2,
                         fmt_coord(p.lon_deg), fmt_coord(p.lat_deg), habitat_name(p.habitat), k_chave_e,
                         forest ? k_forest_nested : "");
    }
    return s;
}

std::string trees_csv() {
    std::string s = "plot_id,tree_id,species,dbh_cm,height_m,status\n";
    const auto sites = sample_plot_sites();
    for (std::size_t pi = 0; pi < sites.size(); ++pi) {
        const auto& site = sites[pi];
        const auto plot = static_cast<std::int64_t>(pi);
        const bool forest = site.habitat == Habitat::forest;
        // Planted Kandelia stands (~20 years old) hold 18–30 stems per 100 m²; forest plots hold 6–9 small
        // trees in the central 100 m² and 12–17 trees >= 10 cm in the whole 400 m².
        const int n_small = forest ? 6 + static_cast<int>(hash01(plot, 0, 201) * 4) : 0;
        const int n = forest ? n_small + 12 + static_cast<int>(hash01(plot, 1, 201) * 6)
                             : 18 + static_cast<int>(hash01(plot, 2, 201) * 13);
        for (int t = 0; t < n; ++t) {
            const double u1 = hash01(plot, t, 211), u2 = hash01(plot, t, 212), u3 = hash01(plot, t, 213);
            const double u4 = hash01(plot, t, 214), u5 = hash01(plot, t, 215);
            const Species* sp = nullptr;
            double dbh = 0;
            if (!forest) {
                // A few Avicennia marina (trial plantings) in two of the plots.
                sp = (pi == 2 || pi == 5) && u1 < 0.2 ? &k_avicennia : &k_kandelia;
                dbh = 3.0 + 9.0 * std::pow(u2, 1.3);
            } else {
                sp = u1 < 0.45 ? &k_pinus : u1 < 0.85 ? &k_cunninghamia : &k_schima;
                dbh = t < n_small ? 5.0 + 4.9 * u2 : 10.0 + 24.0 * std::pow(u2, 1.2);
            }
            dbh = std::round(dbh * 10.0) / 10.0;
            const double height = (1.3 + sp->h_a * std::pow(dbh, sp->h_b)) * (0.9 + 0.2 * u3);
            const bool dead = u5 < 0.05;
            const std::string h = u4 < 0.3 ? std::string() : fmt::format("{:.1f}", height);  // ~30 % not measured
            s += fmt::format("{},{}-T{:03d},{},{:.1f},{},{}\n", site.id, site.id, t + 1, sp->name, dbh, h,
                             dead ? "dead" : "live");
        }
    }
    return s;
}

std::string cores_csv() {
    std::string s = "core_id,min_depth_cm,max_depth_cm,bulk_density_g_cm3,oc_percent,habitat,lon,lat\n";
    const auto spec = cores();
    const auto sites = sample_core_sites();
    for (std::size_t ci = 0; ci < spec.size(); ++ci) {
        const auto& c = spec[ci];
        const auto& site = sites[ci];
        for (std::size_t k = 0; k < c.samples.size(); ++k) {
            const auto [z0, z1] = c.samples[k];
            const double z = 0.5 * (z0 + z1);
            const auto key = static_cast<std::int64_t>(ci * 100 + k);
            const double oc = (c.oc_deep + (c.oc_surface - c.oc_deep) * std::exp(-z / 35.0)) *
                              (1.0 + 0.08 * noise::hash_signed(key, 0, 301));
            const double bd = (c.bd_deep - (c.bd_deep - c.bd_surface) * std::exp(-z / 30.0)) *
                              (1.0 + 0.04 * noise::hash_signed(key, 1, 301));
            s += fmt::format("{},{},{},{:.3f},{:.2f},{},{},{}\n", c.id, z0, z1, bd, oc, habitat_name(c.habitat),
                             fmt_coord(site.lon_deg), fmt_coord(site.lat_deg));
        }
    }
    return s;
}

std::string sample_readme() {
    std::string codes;
    for (const auto& c : habitat_classes())
        codes += fmt::format("  {}  {}\n", static_cast<int>(c.code), c.name);
    return fmt::format(
        R"(bluecarbon sample project: a stretch of the Xiangshan (Ningbo, Zhejiang) coast
==============================================================================

Written by `bluecarbon sample`. Synthetic but realistic, and deterministic: the same version of the tool
writes the same pixels and rows every time. Not real survey or satellite data.

Area   WGS 84 / UTM zone 51N (EPSG:32651), 390000-396000 E, 3260000-3266000 N (about 121.865-121.927 E,
       29.465-29.519 N); 600 x 600 pixels of 10 m.
Layout west to east: forested hills (Pinus massoniana, Cunninghamia lanceolata) with farmland and villages at
their foot; reclaimed land with aquaculture ponds behind a seawall; salt marsh with two stretches of planted
mangrove (Kandelia obovata); a wide mudflat with a tidal creek and an intertidal seagrass meadow (Zostera
japonica) in the south; the turbid East China Sea.

reflectance.tif  4 bands, uint16 DEFLATE, Sentinel-2-like surface reflectance: band 1 green (B3), 2 red (B4),
                 3 nir (B8), 4 swir1 (B11, here at 10 m). Reflectance = DN x {} (scale/offset in the band
                 metadata; offset 0); DN 0 = nodata.
                 `bluecarbon indices --input reflectance.tif --bands green=1,red=2,nir=3,swir1=4 ...`
habitat.tif      uint8 class codes (0 = nodata):
{}dem.tif          float32 ellipsoidal heights (WGS 84 ellipsoid) in metres, nodata {}.
                 Here the EGM96 geoid is about +13.9 to +14.2 m above the ellipsoid (grids/egm96_15_china.gtx),
                 so ellipsoidal height = orthometric height (~ above mean sea level) + ~14 m.
                 Orthometric heights: mudflat +1.8 m (landward edge) to -2.3 m (low-water line), mangrove
                 +1.9 to +2.4 m, salt marsh +2.3 to +2.9 m, pond water +3.5 m, seawall +7 m, hills to ~200 m,
                 sea bed below -2.5 m.
                 Tidal datums (relative to the geoid): MLLW {} m, MHHW +{} m, HAT +{} m
                 (mesotidal, mean range ~4.5 m).
parcels.geojson  eight restoration parcels in EPSG:32651 (id, name, owner, habitat, activity); P07 is below
                 the 400 m2 minimum mapping unit and P08 lies mostly above HAT, so `bluecarbon parcels`
                 marks them below_mmu and outside_tidal_frame.
plots.csv        tree plots: plot_id, area_m2, lon, lat (WGS 84), habitat, chave_e, nested. Mangrove plots are
                 10 m x 10 m; forest plots 20 m x 20 m with trees < 10 cm measured in the central 10 m x 10 m
                 (nested "0:100;10:400"). chave_e is illustrative (verify against Chave et al. 2014).
trees.csv        plot_id, tree_id, species, dbh_cm, height_m (about 30 % not measured), status (live|dead).
cores.csv        soil cores: core_id, min_depth_cm, max_depth_cm, bulk_density_g_cm3, oc_percent, habitat,
                 lon, lat. Mangrove and marsh cores reach 100 cm; tidal-flat cores 50 cm and the seagrass core
                 30 cm (stock to 1 m is extrapolated for those).
project.toml     the project file tying these together.
)",
        k_reflectance_scale, codes, static_cast<double>(k_dem_nodata), k_mllw_m, k_mhhw_m, k_hat_m);
}

std::string synthetic_readme(std::int64_t size) {
    return fmt::format(
        R"(bluecarbon synthetic scene, {} x {} pixels of 10 m (EPSG:32651), written by
`bluecarbon sample --synthetic --size {}` for benchmarks.

The sample project's layout (see `bluecarbon sample`) repeated mirrored beyond its 6 km x 6 km, with noise
that keeps varying, so every pixel differs. Deterministic: the same pixels for any --threads.

reflectance.tif  4 bands uint16 (green, red, nir, swir1), reflectance = DN x {}, DN 0 = nodata; tiled, DEFLATE
habitat.tif      uint8 class codes as in the sample project
dem.tif          float32 ellipsoidal heights [m] (geoid model of the sample area, repeated)
parcels.gpkg     layer "parcels" (id, owner): star-shaped polygons with a hole, one per lattice cell, for
                 `bluecarbon zonal` benchmarks (--parcels N sets the count; default 5000)
)",
        size, size, size, k_reflectance_scale);
}

}  // namespace bluecarbon::sample
