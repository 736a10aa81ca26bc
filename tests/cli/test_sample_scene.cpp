// The sample generator's pure parts: projection, determinism of the scene functions, realism of spectra and
// heights per habitat, parcels and survey tables.
#include "sample/scene.hpp"
#include "sample/survey.hpp"
#include "sample/utm.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::sample;
using Catch::Matchers::WithinAbs;

namespace {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream ls(line);
        while (std::getline(ls, cell, ','))
            cells.push_back(cell);
        if (!line.empty() && line.back() == ',')
            cells.emplace_back();
        rows.push_back(cells);
    }
    return rows;
}

double reflectance(std::uint16_t dn) {
    return dn * k_reflectance_scale;
}

// Ray casting: is (x, y) inside the closed ring?
bool inside(const std::vector<Coord>& ring, double x, double y) {
    bool in = false;
    for (std::size_t i = 0, j = ring.size() - 2; i + 1 < ring.size(); j = i++) {
        const auto& a = ring[i];
        const auto& b = ring[j];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
}

}  // namespace

TEST_CASE("UTM zone 51N conversions agree with PROJ", "[sample][utm]") {
    // Reference values from `cs2cs EPSG:4326 EPSG:32651` (PROJ 9.1.1), printed to the millimetre.
    struct Ref {
        double lon, lat, e, n;
    };
    const Ref refs[] = {{121.85, 29.45, 388474.767, 3258393.766},
                        {121.95, 29.55, 398273.212, 3269383.146},
                        {121.90, 29.50, 393376.352, 3263887.442}};
    for (const auto& r : refs) {
        const auto en = utm_north_from_lonlat({r.lon, r.lat}, 51);
        CHECK_THAT(en.easting_m, WithinAbs(r.e, 1e-3));  // [m]
        CHECK_THAT(en.northing_m, WithinAbs(r.n, 1e-3));
        const auto ll = lonlat_from_utm_north({r.e, r.n}, 51);
        CHECK_THAT(ll.lon_deg, WithinAbs(r.lon, 2e-8));  // [deg] ~2 mm
        CHECK_THAT(ll.lat_deg, WithinAbs(r.lat, 2e-8));
    }
    // The sample's corners (from `cs2cs EPSG:32651 EPSG:4326`): NW 121.864960 E, 29.518770 N.
    const auto nw = lonlat_from_utm_north({k_origin_x_m, k_origin_y_m}, k_utm_zone);
    CHECK_THAT(nw.lon_deg, WithinAbs(121.864960, 1e-6));
    CHECK_THAT(nw.lat_deg, WithinAbs(29.518770, 1e-6));
}

TEST_CASE("Scene tiles do not depend on how the scene is cut", "[sample][determinism]") {
    const Window whole{100, 200, 96, 80};
    const SceneTile a = generate_tile(whole);
    const SceneTile again = generate_tile(whole);
    CHECK(a.dem.px == again.dem.px);
    // The same pixels generated as four uneven pieces.
    const Window parts[] = {{100, 200, 33, 50}, {133, 200, 63, 50}, {100, 250, 33, 30}, {133, 250, 63, 30}};
    for (const auto& p : parts) {
        const SceneTile t = generate_tile(p);
        for (std::int64_t r = 0; r < p.rows; ++r) {
            for (std::int64_t c = 0; c < p.cols; ++c) {
                const auto i = t.dem.index(c, r);
                const auto j = a.dem.index(p.col_off - whole.col_off + c, p.row_off - whole.row_off + r);
                REQUIRE(t.habitat.px[i] == a.habitat.px[j]);
                REQUIRE(t.dem.px[i] == a.dem.px[j]);
                for (int b = 0; b < 4; ++b)
                    REQUIRE(t.reflectance[b].px[i] == a.reflectance[b].px[j]);
            }
        }
    }
}

TEST_CASE("Sample spectra and heights are realistic for each habitat", "[sample][realism]") {
    const SceneTile t = generate_tile(Window{0, 0, k_sample_size, k_sample_size});
    struct Acc {
        std::int64_t n{0};
        double ndvi{0}, ndwi{0}, nir{0}, mvi{0};
        std::int64_t mvi_mangrove_range{0};
        double h_min{1e9}, h_max{-1e9};
    };
    std::map<Habitat, Acc> acc;
    for (std::int64_t r = 0; r < k_sample_size; r += 2) {
        for (std::int64_t c = 0; c < k_sample_size; c += 2) {
            const auto i = t.dem.index(c, r);
            const double g = reflectance(t.reflectance[0].px[i]), red = reflectance(t.reflectance[1].px[i]);
            const double n = reflectance(t.reflectance[2].px[i]), s1 = reflectance(t.reflectance[3].px[i]);
            REQUIRE(t.reflectance[0].px[i] > 0);  // DN 0 is reserved for nodata
            auto& a = acc[static_cast<Habitat>(t.habitat.px[i])];
            ++a.n;
            a.ndvi += (n - red) / (n + red);
            a.ndwi += (g - n) / (g + n);
            a.nir += n;
            if (s1 != g) {
                const double mvi = (n - g) / (s1 - g);
                a.mvi += mvi;
                a.mvi_mangrove_range += mvi >= 4.5 && mvi <= 16.5;
            }
            const PointSample p = sample_pixel(c, r);
            CHECK(t.dem.px[i] == static_cast<float>(p.ellipsoidal_m()));
            a.h_min = std::min(a.h_min, p.orthometric_m);
            a.h_max = std::max(a.h_max, p.orthometric_m);
            // The geoid here is ~14 m above the ellipsoid (EGM96 through PROJ: 13.90–14.21 m at the corners).
            REQUIRE(p.geoid_m >= 13.89);
            REQUIRE(p.geoid_m <= 14.22);
        }
    }
    for (const auto& c : habitat_classes())
        CHECK(acc[c.code].n > 100);  // every class is present

    const auto mean = [](double sum, const Acc& a) { return sum / static_cast<double>(a.n); };
    const Acc& mangrove = acc[Habitat::mangrove];
    CHECK(mean(mangrove.ndvi, mangrove) > 0.6);
    CHECK(mean(mangrove.ndvi, mangrove) < 0.8);
    CHECK(mangrove.mvi_mangrove_range == mangrove.n);  // MVI 4.5–16.5 on every mangrove pixel
    CHECK(mangrove.h_min >= 1.6);                      // orthometric heights [m]
    CHECK(mangrove.h_max <= 2.8);
    const Acc& forest = acc[Habitat::forest];
    CHECK(mean(forest.ndvi, forest) > 0.7);
    CHECK(mean(forest.mvi, forest) < 4.5);  // green forest but not mangrove: MVI tells them apart
    CHECK(forest.h_min >= 14.0);
    const Acc& marsh = acc[Habitat::salt_marsh];
    CHECK(mean(marsh.ndvi, marsh) > 0.4);
    CHECK(mean(marsh.ndvi, marsh) < 0.6);
    CHECK(marsh.h_min >= 2.0);
    CHECK(marsh.h_max <= k_hat_m);
    const Acc& water = acc[Habitat::water];
    CHECK(mean(water.ndwi, water) > 0.3);
    CHECK(mean(water.nir, water) < 0.05);
    CHECK(water.h_max < 1.0);
    const Acc& flat = acc[Habitat::tidal_flat];
    CHECK(mean(flat.ndvi, flat) < 0.2);
    CHECK(mean(flat.nir, flat) > 0.08);
    CHECK(mean(flat.nir, flat) < 0.16);
    CHECK(flat.h_min >= k_mllw_m - 0.3);  // intertidal: between MLLW and MHHW, give or take noise
    CHECK(flat.h_max <= k_mhhw_m);
    const Acc& seagrass = acc[Habitat::seagrass];
    CHECK(seagrass.h_min >= k_mllw_m - 0.3);
    CHECK(seagrass.h_max < 0.0);
}

TEST_CASE("Sample parcels are valid counter-clockwise polygons over their habitat", "[sample][parcels]") {
    const auto parcels = sample_parcels();
    REQUIRE(parcels.size() == 8);
    std::set<std::string> ids;
    for (const auto& p : parcels) {
        INFO(p.id);
        ids.insert(p.id);
        REQUIRE(p.ring.size() >= 4);
        CHECK(p.ring.front() == p.ring.back());
        double twice_area = 0;
        for (std::size_t i = 0; i + 1 < p.ring.size(); ++i)
            twice_area += p.ring[i].x * p.ring[i + 1].y - p.ring[i + 1].x * p.ring[i].y;
        CHECK(twice_area > 0);  // counter-clockwise
        // No two non-adjacent edges cross (a simple polygon).
        const auto cross = [](Coord a, Coord b, Coord c) {
            return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        };
        const std::size_t n = p.ring.size() - 1;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = i + 2; j < n; ++j) {
                if (i == 0 && j == n - 1)
                    continue;
                const Coord a = p.ring[i], b = p.ring[i + 1], c = p.ring[j], d = p.ring[j + 1];
                const bool proper = cross(a, b, c) * cross(a, b, d) < 0 && cross(c, d, a) * cross(c, d, b) < 0;
                CHECK_FALSE(proper);
            }
        // Most pixels inside the parcel are of its habitat (the seagrass meadow is patchy; dikes and a few farmed
        // cells sit between the ponds).
        std::int64_t in = 0, same = 0;
        for (std::int64_t r = 0; r < k_sample_size; r += 2)
            for (std::int64_t c = 0; c < k_sample_size; c += 2) {
                const Coord xy = scene_transform().apply(static_cast<double>(c) + 0.5, static_cast<double>(r) + 0.5);
                if (!inside(p.ring, xy.x, xy.y))
                    continue;
                ++in;
                same += habitat_name(sample_point(xy.x, xy.y).habitat) == p.habitat;
            }
        CHECK_FALSE(p.owner.empty());
        if (p.id == "P07") {  // 20 m x 15 m: too small for the every-other-pixel count below
            CHECK(twice_area / 2 == Approx(300.0).epsilon(0.02));
            continue;
        }
        if (p.id == "P08") {  // marsh, seawall and ponds: only its seaward quarter is salt marsh
            CHECK(static_cast<double>(same) / static_cast<double>(in) > 0.15);
            CHECK(static_cast<double>(same) / static_cast<double>(in) < 0.45);
            continue;
        }
        REQUIRE(in > 100);
        const double expected = p.habitat == "seagrass" ? 0.3 : p.habitat == "aquaculture_pond" ? 0.5 : 0.9;
        CHECK(static_cast<double>(same) / static_cast<double>(in) > expected);
    }
    CHECK(ids.size() == parcels.size());
    const std::string geojson = parcels_geojson(parcels);
    CHECK(geojson.find("urn:ogc:def:crs:EPSG::32651") != std::string::npos);
    CHECK(geojson.find("\"id\": \"P03\"") != std::string::npos);
}

TEST_CASE("Sample survey tables follow issue 6's columns and sit in their habitats", "[sample][survey]") {
    const auto plots = parse_csv(plots_csv());
    const auto trees = parse_csv(trees_csv());
    const auto cores = parse_csv(cores_csv());
    CHECK(plots[0] == std::vector<std::string>{"plot_id", "area_m2", "lon", "lat", "habitat", "chave_e", "nested"});
    CHECK(trees[0] == std::vector<std::string>{"plot_id", "tree_id", "species", "dbh_cm", "height_m", "status"});
    CHECK(cores[0] == std::vector<std::string>{"core_id", "min_depth_cm", "max_depth_cm", "bulk_density_g_cm3",
                                               "oc_percent", "habitat", "lon", "lat"});

    // Plots lie in the requested area and in their habitat.
    for (const auto& site : sample_plot_sites()) {
        INFO(site.id);
        CHECK(sample_point(site.xy.x, site.xy.y).habitat == site.habitat);
        CHECK(site.lon_deg > 121.85);
        CHECK(site.lon_deg < 121.95);
        CHECK(site.lat_deg > 29.45);
        CHECK(site.lat_deg < 29.55);
    }
    std::set<std::string> plot_ids;
    for (std::size_t i = 1; i < plots.size(); ++i) {
        REQUIRE(plots[i].size() == 7);
        plot_ids.insert(plots[i][0]);
    }

    std::map<std::string, int> species;
    std::set<std::string> tree_ids;
    int missing_height = 0, dead = 0;
    for (std::size_t i = 1; i < trees.size(); ++i) {
        const auto& t = trees[i];
        REQUIRE(t.size() == 6);
        CHECK(plot_ids.count(t[0]) == 1);
        CHECK(tree_ids.insert(t[1]).second);  // unique tree ids
        ++species[t[2]];
        const double dbh = std::stod(t[3]);
        CHECK(dbh > 0);
        CHECK(dbh < 60);
        if (t[4].empty())
            ++missing_height;
        else
            CHECK(std::stod(t[4]) > 1.3);
        CHECK((t[5] == "live" || t[5] == "dead"));
        dead += t[5] == "dead";
    }
    const auto n_trees = static_cast<int>(trees.size()) - 1;
    CHECK(species["Kandelia obovata"] > n_trees / 2);
    CHECK(species["Avicennia marina"] > 0);
    CHECK(species["Avicennia marina"] < species["Kandelia obovata"] / 5);
    CHECK(species["Pinus massoniana"] > 0);
    CHECK(species["Cunninghamia lanceolata"] > 0);
    CHECK(missing_height > 0);
    CHECK(missing_height < n_trees / 2);  // heights mostly present
    CHECK(dead > 0);

    // Cores: consecutive, non-overlapping samples; some reach 100 cm, some stop short.
    std::map<std::string, int> deepest;
    std::map<std::string, int> last_max;
    for (std::size_t i = 1; i < cores.size(); ++i) {
        const auto& c = cores[i];
        REQUIRE(c.size() == 8);
        const int z0 = std::stoi(c[1]), z1 = std::stoi(c[2]);
        CHECK(z0 < z1);
        if (last_max.count(c[0]))
            CHECK(z0 >= last_max[c[0]]);
        last_max[c[0]] = z1;
        deepest[c[0]] = std::max(deepest[c[0]], z1);
        const double bd = std::stod(c[3]), oc = std::stod(c[4]);
        CHECK(bd >= 0.05);
        CHECK(bd <= 2.65);
        CHECK(oc > 0);
        CHECK(oc < 60);
    }
    int full = 0, shallow = 0;
    for (const auto& [id, z] : deepest)
        (z >= 100 ? full : shallow)++;
    CHECK(full >= 3);
    CHECK(shallow >= 2);
    for (const auto& site : sample_core_sites())
        CHECK(sample_point(site.xy.x, site.xy.y).habitat == site.habitat);
}
