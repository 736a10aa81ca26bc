// `bluecarbon habitat` / `bluecarbon stock` run in-process on a small synthetic coast: pool totals by hand,
// determinism across threads and tiles, and every bad input (exit 2, one line naming the culprit, nothing
// published in the output folder).

#include <bluecarbon/science/histogram.hpp>

#include "cli/cli_fixtures.hpp"
#include "sample/sample_project_toml.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <gdal_rat.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::entry_count;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

namespace {

// A 150 x 120 scene of 10 m pixels in EPSG:32651 at the sample's origin, west to east in bands of columns:
// forest, aquaculture pond, salt marsh, mangrove, tidal flat, water (class codes 7, 6, 4, 5, 3, 1).
constexpr int k_scene_w = 150, k_scene_h = 120;
constexpr std::array<int, 6> k_codes{7, 6, 4, 5, 3, 1};
int class_at(int col) { return k_codes[static_cast<std::size_t>(col / 25)]; }
// Reflectance (green, red, nir, swir1) per class, as the sample generator's spectra.
std::array<double, 4> spectrum(int code) {
    switch (code) {
        case 7: return {0.055, 0.035, 0.300, 0.150};
        case 6: return {0.090, 0.070, 0.040, 0.015};
        case 4: return {0.070, 0.065, 0.220, 0.170};
        case 5: return {0.045, 0.040, 0.290, 0.085};
        case 3: return {0.080, 0.085, 0.095, 0.060};
        default: return {0.095, 0.090, 0.035, 0.012};
    }
}
// Heights above the geoid per class; the DEM stores ellipsoidal heights h = H + N with N ≈ 14.32 m here
// (EGM96 at 121.87 E 29.5 N).
double orthometric(int code) {
    switch (code) {
        case 7: return 25.0;
        case 6: return 4.0;
        case 4: return 2.0;
        case 5: return 1.0;
        case 3: return -0.5;
        default: return -5.0;
    }
}

void create(const fs::path& p, int bands, GDALDataType type, const std::function<void(GDALRasterBand*, int)>& fill) {
    GDALAllRegister();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* opts[] = {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", nullptr};
    GDALDatasetUniquePtr ds(
        drv->Create(p.string().c_str(), k_scene_w, k_scene_h, bands, type, const_cast<char**>(opts)));
    REQUIRE(ds);
    double gt[6] = {390000.0, 10.0, 0.0, 3266000.0, 0.0, -10.0};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32651);
    ds->SetSpatialRef(&srs);
    for (int b = 1; b <= bands; ++b) fill(ds->GetRasterBand(b), b);
}

struct Scene {
    test::TempDir dir{"bluecarbon-stock"};
    explicit Scene(bool dem_unit = true, int unmapped_code = 0) {
        create(dir / "reflectance.tif", 4, GDT_UInt16, [](GDALRasterBand* band, int b) {
            std::vector<std::uint16_t> px(k_scene_w * k_scene_h);
            for (int r = 0; r < k_scene_h; ++r)
                for (int c = 0; c < k_scene_w; ++c) {
                    const double wobble = 0.002 * std::sin(0.3 * c) * std::cos(0.2 * r);
                    px[static_cast<std::size_t>(r * k_scene_w + c)] = static_cast<std::uint16_t>(
                        std::lround((spectrum(class_at(c))[static_cast<std::size_t>(b - 1)] + wobble) * 1e4));
                }
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_scene_w, k_scene_h, px.data(), k_scene_w, k_scene_h, GDT_UInt16, 0,
                                   0) == CE_None);
            static const char* names[] = {"green", "red", "nir", "swir1"};
            band->SetDescription(names[b - 1]);
            band->SetScale(1e-4);
            band->SetOffset(0.0);
            band->SetNoDataValue(0);
        });
        create(dir / "dem.tif", 1, GDT_Float32, [dem_unit](GDALRasterBand* band, int) {
            std::vector<float> px(k_scene_w * k_scene_h);
            for (int r = 0; r < k_scene_h; ++r)
                for (int c = 0; c < k_scene_w; ++c)
                    px[static_cast<std::size_t>(r * k_scene_w + c)] =
                        static_cast<float>(orthometric(class_at(c)) + 14.32);
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_scene_w, k_scene_h, px.data(), k_scene_w, k_scene_h, GDT_Float32,
                                   0, 0) == CE_None);
            band->SetNoDataValue(-9999.0);
            if (dem_unit)
                band->SetUnitType("m");
        });
        create(dir / "habitat.tif", 1, GDT_Byte, [unmapped_code](GDALRasterBand* band, int) {
            std::vector<std::uint8_t> px(k_scene_w * k_scene_h);
            for (int r = 0; r < k_scene_h; ++r)
                for (int c = 0; c < k_scene_w; ++c)
                    px[static_cast<std::size_t>(r * k_scene_w + c)] = static_cast<std::uint8_t>(
                        unmapped_code && r == 5 && c % 50 == 0 ? unmapped_code + c / 50 : class_at(c));
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_scene_w, k_scene_h, px.data(), k_scene_w, k_scene_h, GDT_Byte, 0,
                                   0) == CE_None);
            band->SetNoDataValue(0);
        });
    }
    [[nodiscard]] fs::path project(const std::string& text) const {
        std::ofstream(dir / "project.toml") << text;
        return dir / "project.toml";
    }
    [[nodiscard]] fs::path out() const { return dir / "output"; }
};

const std::string k_map_classes = R"(
[habitat.classes]
1 = "water"
3 = "tidal_flat"
4 = "salt_marsh"
5 = "mangrove"
6 = "aquaculture_pond"
7 = "forest"
)";

std::string project_text(const std::string& habitat, const std::string& extra = "",
                         const std::string& zone = "subtropical", const std::string& datums = "mllw_m = -2.3\nmhhw_m = 2.2\nhat_m = 3.0\n",
                         const std::string& dem_extra = "") {
    return "[project]\nclimate_zone = \"" + zone + "\"\n"
           "[inputs.reflectance]\npath = \"reflectance.tif\"\nbands = { green = 1, red = 2, nir = 3, swir1 = 4 }\n"
           "[inputs.dem]\npath = \"dem.tif\"\n" + dem_extra +
           "[tidal]\n" + datums + "geoid_grid = \"egm96_15_china.gtx\"\ngeoid_step_px = 4\n" + habitat + extra;
}

// The sample project's rule set (one copy, in the sample).
const std::string k_rules = "\n[habitat]\nsource = \"rules\"\nfallback = \"other\"\n" + sample::sample_habitat_rules_toml();

std::vector<float> read_band(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    std::vector<float> px(static_cast<std::size_t>(ds->GetRasterXSize() * ds->GetRasterYSize()));
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), px.data(),
                                           ds->GetRasterXSize(), ds->GetRasterYSize(), GDT_Float32, 0, 0) == CE_None);
    return px;
}

std::vector<std::string> csv_row(const std::string& csv, const std::string& first) {
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(first + ",", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream ls(line);
        for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
        return cells;
    }
    return {};
}

// Rewrites the unit a DEM's band states (GDAL's Unit Type), as a file exported in feet would carry it.
void set_dem_unit(const fs::path& dem, const char* unit) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(dem.string().c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    REQUIRE(ds);
    REQUIRE(ds->GetRasterBand(1)->SetUnitType(unit) == CE_None);
}

void check_bad_input(const Scene& s, const std::string& project, const std::string& expected) {
    const auto r = run({"stock", s.project(project).string(), "--quiet", "--threads", "2"});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(expected));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    CHECK(entry_count(s.out()) == 0);                          // nothing published, no temporary left
}

}  // namespace

TEST_CASE("stock from a class map: pool totals per habitat by hand", "[stock]") {
    Scene s;
    const auto r = run({"stock", s.project(project_text("[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" + k_map_classes)).string(),
                        "--quiet", "--threads", "2", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    for (const char* f : {"habitat.tif", "stock_agb.tif", "stock_bgb.tif", "stock_dead.tif", "stock_soc.tif",
                          "stock_total.tif", "uncertainty.tif", "stock_summary.csv", "stock_run.json"})
        CHECK(fs::exists(s.out() / f));
    const auto csv = slurp(s.out() / "stock_summary.csv");
    // Mangrove: 25 columns x 120 rows = 3000 pixels of 100 m² = 30 ha; AGB 33.75 Mg C/ha -> 1012.5 Mg C;
    // BGB 0.96 x 1012.5 = 972; dead 11.4 x 30 = 342; SOC 286 (WS2013 Table 4.11, mineral) x 30 = 8580.
    const auto m = csv_row(csv, "mangrove");
    REQUIRE(m.size() >= 9);
    CHECK(m[1] == "3000");
    CHECK(std::stod(m[2]) == Approx(30.0));
    CHECK(std::stod(m[3]) == Approx(1012.5));
    CHECK(std::stod(m[6]) == Approx(972.0));
    CHECK(std::stod(m[9]) == Approx(342.0));
    CHECK(std::stod(m[12]) == Approx(8580.0));
    CHECK(std::stod(m[15]) == Approx(1012.5 + 972 + 342 + 8580));
    // Salt marsh: SOC 226 (tidal marsh, mineral) x 30 ha, nothing else.
    const auto sm = csv_row(csv, "salt_marsh");
    CHECK(std::stod(sm[15]) == Approx(226.0 * 30));
    CHECK(m.back() == "tier1");  // agb_source: no biomass model here
    CHECK(csv.substr(0, csv.find('\n')).ends_with(",agb_source"));
    // Pixel values and the table version in the outputs.
    const auto agb = read_band(s.out() / "stock_agb.tif");
    CHECK(agb[3 * 25 + 1] == 33.75F);  // row 0, column 76: mangrove
    CHECK(agb[0] == Approx(180 * 0.47));  // forest
    CHECK_THAT(slurp(s.out() / "stock_run.json"), Catch::Contains("\"version\": \"2026.1\""));
    CHECK_THAT(r.out, Catch::Contains("\"command\": \"stock\""));
}

TEST_CASE("rules + tidal masks give the same maps and sums for any thread count and tile size", "[stock][determinism]") {
    Scene s;
    const auto project = s.project(project_text(k_rules));
    std::vector<float> ref_hab, ref_total;
    std::string ref_csv;
    for (auto [threads, tile] : {std::pair<const char*, const char*>{"1", "64"}, {"2", "64"}, {"2", "128"}, {"1", "512"}}) {
        const auto r = run({"stock", project.string(), "--quiet", "--threads", threads, "--tile", tile});
        INFO(r.err);
        REQUIRE(r.code == 0);
        const auto hab = read_band(s.out() / "habitat.tif");
        const auto total = read_band(s.out() / "stock_total.tif");
        const auto csv = slurp(s.out() / "stock_summary.csv");
        if (ref_hab.empty()) {
            ref_hab = hab;
            ref_total = total;
            ref_csv = csv;
            // The rules recover the classes of this scene exactly.
            for (int c = 0; c < k_scene_w; ++c) {
                INFO("column " << c);
                CHECK(hab[static_cast<std::size_t>(60 * k_scene_w + c)] == static_cast<float>(class_at(c)));
            }
            continue;
        }
        CHECK(hab == ref_hab);
        CHECK(total == ref_total);
        CHECK(csv == ref_csv);
    }
}

TEST_CASE("reflectance read without its scale is reported in the summary and the run JSON", "[stock][reflectance]") {
    Scene s;
    auto text = project_text(k_rules);
    const std::string bands = "bands = { green = 1, red = 2, nir = 3, swir1 = 4 }\n";
    // scale = 1 overrides the file's 1e-4: the bands are read as raw DN (350..3000), far above 1.5.
    const auto unscaled = std::string(text).replace(text.find(bands), bands.size(), bands + "scale = 1\n");
    auto r = run({"habitat", s.project(unscaled).string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("  warning: reflectance above 1.5 in "));
    CHECK_THAT(slurp(s.out() / "habitat_run.json"), Catch::Contains("\"warnings\": [\n    \"reflectance above 1.5"));
    // With the file's scale: no warning.
    r = run({"habitat", s.project(text).string(), "--quiet"});
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, !Catch::Contains("warning"));
    CHECK_THAT(slurp(s.out() / "habitat_run.json"), Catch::Contains("\"warnings\": []"));
}

TEST_CASE("habitat command reports the thresholds it chose", "[stock]") {
    Scene s;
    const auto r = run({"habitat", s.project(project_text(k_rules)).string(), "--quiet", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"otsu(mvi)\":"));
    CHECK(fs::exists(s.out() / "habitat.tif"));
    CHECK_FALSE(fs::exists(s.out() / "stock_total.tif"));
}

TEST_CASE("habitat --write-masks writes the elevation and tidal zones the rules saw", "[stock][masks]") {
    Scene s;
    // A class map: the habitat alone reads no DEM, the masks still come from [inputs.dem] and [tidal]. The DEM's
    // heights (H + 14.32 m) taken as above the geoid, so elevation.tif holds them exactly, and the datums raised
    // by 14.32 m with them (the conversion from ellipsoidal heights has its own tests).
    const auto project = s.project(project_text("[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" +
                                                    k_map_classes,
                                                "", "subtropical", "mllw_m = 12.02\nmhhw_m = 16.52\nhat_m = 17.32\n",
                                                "heights = \"geoid\"\n"));
    const auto r = run({"habitat", project.string(), "--quiet", "--write-masks"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto elevation = read_band(s.out() / "elevation.tif");
    const auto zones = read_band(s.out() / "tidal_zones.tif");
    for (int c = 0; c < k_scene_w; c += 5) {
        INFO("column " << c);
        const auto i = static_cast<std::size_t>(60 * k_scene_w + c);
        CHECK(elevation[i] == static_cast<float>(orthometric(class_at(c)) + 14.32));
        // MLLW -2.3, HAT 3.0 (+ 14.32): water (-5 m) subtidal; flat, mangrove, marsh (-0.5..2 m) intertidal; ponds
        // and forest (4, 25 m) supratidal.
        const double h = orthometric(class_at(c));
        CHECK(zones[i] == (h < -2.3 ? 1.0F : h <= 3.0 ? 2.0F : 3.0F));
    }
    const auto run_json = slurp(s.out() / "habitat_run.json");
    CHECK_THAT(run_json, Catch::Contains("elevation.tif") && Catch::Contains("tidal_zones.tif"));
    // Without the flag: no masks. Without [tidal]: refused, naming the option and nothing written.
    fs::remove_all(s.out());
    REQUIRE(run({"habitat", project.string(), "--quiet"}).code == 0);
    CHECK_FALSE(fs::exists(s.out() / "elevation.tif"));
    fs::remove_all(s.out());
    const auto no_tidal = s.project("[project]\nclimate_zone = \"subtropical\"\n[inputs.reflectance]\npath = "
                                    "\"reflectance.tif\"\nbands = { green = 1, red = 2, nir = 3, swir1 = 4 }\n"
                                    "[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" + k_map_classes);
    const auto bad = run({"habitat", no_tidal.string(), "--quiet", "--write-masks"});
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--write-masks: needs [inputs.dem] and [tidal]"));
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    CHECK(entry_count(s.out()) == 0);
    CHECK(run({"stock", project.string(), "--quiet", "--write-masks"}).code == 2);  // a habitat option only
}

TEST_CASE("bad inputs: exit 2, one line naming the culprit, nothing written", "[stock][errors]") {
    SECTION("unknown band or index name in a rule") {
        Scene s;
        check_bad_input(s, project_text("[habitat]\nsource = \"rules\"\n[[habitat.rules]]\nhabitat = \"mangrove\"\nwhen = \"mvii > 3\"\n"),
                        "habitat.rules[1].when: unknown name \"mvii\" at position 1");
    }
    SECTION("rule syntax error") {
        Scene s;
        check_bad_input(s, project_text("[habitat]\nsource = \"rules\"\n[[habitat.rules]]\nhabitat = \"mangrove\"\nwhen = \"ndvi > > 0.3\"\n"),
                        "syntax error at position 8");
    }
    SECTION("habitat codes in the raster but not in the mapping") {
        Scene s(true, 9);  // codes 9, 10, 11 appear in row 5
        check_bad_input(s, project_text("[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" + k_map_classes),
                        "class codes 9, 10, 11 occur in habitat.tif but are not in [habitat.classes]");
    }
    SECTION("DEM without a vertical unit when conversion is asked") {
        Scene s(false);
        check_bad_input(s, project_text(k_rules), "dem.tif has no vertical unit");
        check_bad_input(s, project_text(k_rules), "set inputs.dem.vertical_unit (accepted: m, cm, mm, ft, us-ft)");
    }
    SECTION("a DEM whose file states feet while the project states metres") {
        Scene s;
        set_dem_unit(s.dir / "dem.tif", "ft");
        check_bad_input(s, project_text(k_rules, "", "subtropical", "mllw_m = -2.3\nmhhw_m = 2.2\nhat_m = 3.0\n",
                                        "vertical_unit = \"m\"\n"),
                        "inputs.dem.vertical_unit = \"m\" contradicts dem.tif, whose band states \"ft\"");
        // The same unit spelt another way agrees: "metre" in the file, "m" in the project.
        set_dem_unit(s.dir / "dem.tif", "metre");
        const auto r = run({"habitat",
                            s.project(project_text(k_rules, "", "subtropical",
                                                   "mllw_m = -2.3\nmhhw_m = 2.2\nhat_m = 3.0\n", "vertical_unit = \"m\"\n"))
                                .string(),
                            "--quiet"});
        INFO(r.err);
        CHECK(r.code == 0);
    }
    SECTION("a missing DEM or class map names the project line and key") {
        Scene s;
        // project_text: [project] 2 lines, [inputs.reflectance] 3, so [inputs.dem]'s path is on line 7.
        auto text = project_text("[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" + k_map_classes);
        const auto dem = std::string(text).replace(text.find("\"dem.tif\""), 9, "\"dem_missing.tif\"");
        check_bad_input(s, dem, (s.dir / "project.toml").string() + ":7: inputs.dem.path: " +
                                    (s.dir / "dem_missing.tif").string() + ": no such file");
        const auto map = std::string(text).replace(text.find("\"habitat.tif\""), 13, "\"classes.tif\"");
        const auto map_line = std::count(map.begin(), map.begin() + static_cast<long>(map.find("map = ")), '\n') + 1;
        check_bad_input(s, map, (s.dir / "project.toml").string() + ":" + std::to_string(map_line) +
                                    ": habitat.map: " + (s.dir / "classes.tif").string() + ": no such file");
    }
    SECTION("missing geoid grid") {
        Scene s;
        auto text = project_text(k_rules);
        text.replace(text.find("egm96_15_china.gtx"), 18, "egm2008_missing.gtx");
        check_bad_input(s, text, "geoid grid \"egm2008_missing.gtx\" not found");
    }
    SECTION("datums out of order") {
        Scene s;
        check_bad_input(s, project_text(k_rules, "", "subtropical", "mllw_m = 2.5\nmhhw_m = 2.2\nhat_m = 3.0\n"),
                        "tidal.mllw_m: datums out of order: MLLW (2.5 m) must be below MHHW (2.2 m)");
    }
    SECTION("negative and non-numeric Tier-1 table values") {
        Scene s;
        const auto table = slurp(fs::path(test::k_data_dir) / "tier1_pools.csv");
        auto replace = [](std::string text, const std::string& from, const std::string& to) {
            const auto at = text.find(from);
            REQUIRE(at != std::string::npos);
            return text.replace(at, from.size(), to);
        };
        const auto negative = replace(table, "soc_1m_mg_c_per_ha,mangrove,*,mineral,286,",
                                      "soc_1m_mg_c_per_ha,mangrove,*,mineral,-286,");
        std::ofstream(s.dir / "neg.csv") << negative;
        check_bad_input(s, project_text(k_rules, "[tier1]\ntable = \"neg.csv\"\n"), "neg.csv:");
        check_bad_input(s, project_text(k_rules, "[tier1]\ntable = \"neg.csv\"\n"), "value must not be negative, got -286");
        const auto text = replace(table, "dead_wood_mg_c_per_ha,mangrove,*,*,10.7,", "dead_wood_mg_c_per_ha,mangrove,*,*,ten,");
        std::ofstream(s.dir / "nan.csv") << text;
        check_bad_input(s, project_text(k_rules, "[tier1]\ntable = \"nan.csv\"\n"), "value: \"ten\" is not a number");
    }
    SECTION("a habitat without a Tier-1 row for the climate zone") {
        Scene s;
        check_bad_input(s, project_text(k_rules, "", "temperate"),
                        "no Tier-1 row for mangrove in climate zone temperate (soil mineral): agb_t_dm_per_ha");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// habitat.tif's class names, and a calibrated biomass model (as `survey calibrate` writes it) through the stock
// step.

#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/tier1_table.hpp>

TEST_CASE("habitat.tif carries class names and colours in its .aux.xml side file", "[stock]") {
    Scene s;
    const auto r = run({"habitat", s.project(project_text(k_rules)).string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(fs::exists(s.out() / "habitat.tif.aux.xml"));
    // GDAL (and so QGIS) reads the side file when it opens the raster.
    GDALDatasetUniquePtr ds(GDALDataset::Open((s.out() / "habitat.tif").string().c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    auto* band = ds->GetRasterBand(1);
    // (GDAL 3.6 reads the side file lazily, and GetCategoryNames() alone does not trigger it: GetDefaultRAT(),
    // GetMetadata() and the like do, as gdalinfo and QGIS call them.)
    const GDALRasterAttributeTable* rat = band->GetDefaultRAT();
    REQUIRE(rat != nullptr);
    CHECK(rat->GetRowCount() == 8);
    REQUIRE(rat->GetColumnCount() == 6);
    CHECK(rat->GetUsageOfCol(0) == GFU_MinMax);
    CHECK(rat->GetUsageOfCol(1) == GFU_Name);
    CHECK(rat->GetUsageOfCol(3) == GFU_Red);
    CHECK(rat->GetValueAsInt(4, 0) == 5);
    CHECK(std::string(rat->GetValueAsString(4, 1)) == "mangrove");
    char** names = band->GetCategoryNames();
    REQUIRE(names != nullptr);
    REQUIRE(CSLCount(names) == 9);
    CHECK(std::string(names[0]).empty());
    CHECK(std::string(names[1]) == "Water");
    CHECK(std::string(names[5]) == "Mangrove");
    CHECK(std::string(names[6]) == "Aquaculture pond");
    // The colour table stays in the GeoTIFF itself.
    REQUIRE(band->GetColorTable() != nullptr);
    CHECK(band->GetColorTable()->GetColorEntry(5)->c1 == rat->GetValueAsInt(4, 3));
}

namespace {
// Tier-1 carbon fraction of a habitat in the shipped table.
double carbon_fraction(science::Habitat h) {
    const auto table = science::Tier1Table::load(fs::path(test::k_data_dir) / "tier1_pools.csv");
    const std::array<science::Habitat, 1> hs{h};
    return science::PoolModel(table, science::ClimateZone::subtropical, science::SoilType::mineral, hs)
        .habitat(h)
        .carbon_fraction;
}
const std::string k_map_mode = "[habitat]\nsource = \"map\"\nmap = \"habitat.tif\"\n" + k_map_classes;
}  // namespace

TEST_CASE("stock applies a log-form biomass model on its habitats: a pixel by hand", "[stock][model]") {
    Scene s;
    std::ofstream(s.dir / "model.json") << R"({
  "model": "bluecarbon biomass model", "form": "log", "predictors": ["ndvi"],
  "log_intercept": 1.0, "log_coefficients": [2.5], "residual_sigma": 0.4, "residual_sigma_scale": "ln",
  "cv_rmse": 12.0, "n": 30, "habitats": ["mangrove"] })";
    const auto r = run({"stock", s.project(project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n")).string(),
                        "--quiet", "--threads", "2", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto agb = read_band(s.out() / "stock_agb.tif");
    const auto bgb = read_band(s.out() / "stock_bgb.tif");
    // Row 0, column 76 (mangrove): wobble 0.002 sin(22.8) cos(0) = -0.001447, so DN green 436, red 386,
    // nir 2886, swir1 836; NDVI = (2886 - 386) / (2886 + 386) = 2500 / 3272 = 0.7640587;
    // AGB = exp(1 + 2.5 x 0.7640587 + 0.4^2 / 2) = exp(2.9901467) = 19.88860 t d.m./ha; x CF 0.45 = 8.949870.
    CHECK(carbon_fraction(science::Habitat::mangrove) == 0.45);
    CHECK(agb[76] == Approx(8.949870).epsilon(1e-6));
    CHECK(bgb[76] == Approx(8.949870 * 0.96).epsilon(1e-6));
    // Every mangrove pixel follows the model; the other habitats keep their Tier-1 AGB (stock_summary.csv's
    // agb_source says which).
    const auto summary = slurp(s.out() / "stock_summary.csv");
    CHECK(csv_row(summary, "mangrove").back() == "model");
    CHECK(csv_row(summary, "forest").back() == "tier1");
    const auto hab = read_band(s.out() / "habitat.tif");
    for (std::size_t i = 0; i < hab.size(); ++i) {
        if (hab[i] == 7.0F) CHECK(agb[i] == Approx(180 * 0.47));
        if (hab[i] == 4.0F) CHECK(agb[i] == 0.0F);
        if (hab[i] == 5.0F) CHECK(agb[i] != 33.75F);
    }
    // The CV RMSE is the per-pixel σ of AGB_dm in the uncertainty.
    const auto table = science::Tier1Table::load(fs::path(test::k_data_dir) / "tier1_pools.csv");
    science::survey::BiomassModelFit m;
    m.predictors = {"ndvi"};
    m.intercept = 1.0;
    m.coefficients = {2.5};
    m.residual_sigma = 0.4;
    m.cv_rmse_t_dm_per_ha = 12.0;
    m.habitats = {science::Habitat::mangrove};
    const std::array<science::Habitat, 1> hs{science::Habitat::mangrove};
    const science::PoolModel pm(table, science::ClimateZone::subtropical, science::SoilType::mineral, hs, &m);
    std::array<double, 5> d{}, sd{};
    pm.model_pixel(science::Habitat::mangrove, 19.88860, d, sd);
    CHECK(read_band(s.out() / "uncertainty.tif")[76] == Approx(1.6448536269514722 * sd[4]).epsilon(1e-5));
    const auto m_row = csv_row(slurp(s.out() / "stock_summary.csv"), "mangrove");
    CHECK(m_row.back() == "model");
    CHECK(csv_row(slurp(s.out() / "stock_summary.csv"), "forest").back() == "tier1");
    CHECK_THAT(r.out, Catch::Contains("\"form\": \"log\""));
}

TEST_CASE("stock applies a linear-form biomass model: a pixel by hand, negative predictions are 0", "[stock][model]") {
    Scene s;
    std::ofstream(s.dir / "model.json") << R"({
  "form": "linear", "predictors": ["ndvi", "nir"], "intercept": 285.0, "coefficients": [10.0, -1000.0],
  "residual_sigma": 9.0, "cv_rmse": 15.0, "habitats": ["mangrove", "forest"] })";
    const auto r = run({"stock", s.project(project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n")).string(),
                        "--quiet", "--threads", "1"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto agb = read_band(s.out() / "stock_agb.tif");
    const auto bgb = read_band(s.out() / "stock_bgb.tif");
    const auto hab = read_band(s.out() / "habitat.tif");
    // Row 0, column 76 (mangrove), as above: AGB = 285 + 10 x 0.7640587 - 1000 x 0.2886 = 4.040587 t d.m./ha;
    // x 0.45 = 1.818264 Mg C/ha.
    CHECK(agb[76] == Approx(1.818264).epsilon(1e-5));
    // Forest (NDVI ~0.79, nir ~0.300 +- 0.002): 285 + 7.9 - 300 < 0 everywhere, so AGB (and BGB) are 0, not the
    // Tier-1 84.6.
    std::size_t forest = 0;
    for (std::size_t i = 0; i < hab.size(); ++i) {
        if (hab[i] != 7.0F) continue;
        ++forest;
        CHECK(agb[i] == 0.0F);
        CHECK(bgb[i] == 0.0F);
    }
    CHECK(forest == 25u * k_scene_h);
    CHECK(csv_row(slurp(s.out() / "stock_summary.csv"), "forest").back() == "model");
}

TEST_CASE("stock refuses a biomass model it cannot apply", "[stock][model][errors]") {
    SECTION("a model file that is not there") {
        Scene s;
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"missing.json\"\n"),
                        "stock.biomass_model: cannot read the biomass model");
    }
    SECTION("a log model read as linear would be wrong: its keys are required by its form") {
        Scene s;
        std::ofstream(s.dir / "model.json")
            << R"({"form": "log", "predictors": ["ndvi"], "intercept": 1, "coefficients": [2], "residual_sigma": 0.1,
                  "cv_rmse": 1, "habitats": ["mangrove"]})";
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"),
                        "model.json: log_intercept: missing");
    }
    SECTION("no habitats") {
        Scene s;
        std::ofstream(s.dir / "model.json")
            << R"({"form": "linear", "predictors": ["ndvi"], "intercept": 1, "coefficients": [2], "residual_sigma": 0.1,
                  "cv_rmse": 1, "habitats": []})";
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"),
                        "biomass model: no habitats");
    }
    SECTION("an unknown habitat") {
        Scene s;
        std::ofstream(s.dir / "model.json")
            << R"({"form": "linear", "predictors": ["ndvi"], "intercept": 1, "coefficients": [2], "residual_sigma": 0.1,
                  "cv_rmse": 1, "habitats": ["mangrov"]})";
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"),
                        "habitats: unknown habitat \"mangrov\"");
    }
    SECTION("a model with CV R2 <= 0 unless forced (issue 17, item 4)") {
        Scene s;
        std::ofstream(s.dir / "model.json")
            << R"({"form": "linear", "predictors": ["ndvi"], "intercept": 1, "coefficients": [2], "residual_sigma": 0.1,
                  "cv_rmse": 1, "cv_r2": -2.07, "habitats": ["mangrove"]})";
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"),
                        "cross-validated R² = -2.07 ≤ 0");
        const auto r = run({"stock",
                            s.project(project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"
                                                               "force_model = true\n"))
                                .string(),
                            "--quiet", "--threads", "2", "--json"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK_THAT(nlohmann::json::parse(r.out)["biomass_model"]["forced_despite"].get<std::string>(),
                   Catch::Contains("-2.07"));
    }
    SECTION("a predictor the project does not offer") {
        Scene s;
        std::ofstream(s.dir / "model.json")
            << R"({"form": "linear", "predictors": ["evi"], "intercept": 1, "coefficients": [2], "residual_sigma": 0.1,
                  "cv_rmse": 1, "habitats": ["mangrove"]})";
        check_bad_input(s, project_text(k_map_mode, "[stock]\nbiomass_model = \"model.json\"\n"),
                        "biomass model predictor \"evi\" is not an available band or index");
    }
}

TEST_CASE("stock run record: inputs with SHA-256, rules, datums, the default geoid grid and a rule with no pixel",
          "[stock]") {
    Scene s;
    auto text = project_text(k_rules + "[[habitat.rules]]\nhabitat = \"seagrass\"\nwhen = \"ndvi > 5\"\n");
    const std::string geoid_line = "geoid_grid = \"egm96_15_china.gtx\"\n";
    text.erase(text.find(geoid_line), geoid_line.size());
    const auto r = run({"stock", s.project(text).string(), "--threads", "2"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    // Both silent choices are reported in the summary and the run record (issue 17, item 8).
    CHECK_THAT(r.out, Catch::Contains("note: [tidal] geoid_grid not set: the default egm96_15_china.gtx"));
    CHECK_THAT(r.out, Catch::Contains("note: no pixel became seagrass: "));
    // The sample's seven rules come first, so the added one is rules[8], on the project's line 47.
    CHECK_THAT(r.out, Catch::Contains("project.toml:47: habitat.rules[8].when matched no pixel"));
    const auto j = nlohmann::json::parse(slurp(s.out() / "stock_run.json"));
    REQUIRE(j["notices"].size() == 2);
    CHECK(j["tidal"]["geoid_grid_default"] == true);
    CHECK(j["tidal"]["mhhw_m"] == 2.2);
    CHECK(j["rules"]["rules"].size() == 8);
    CHECK(j["rules"]["rules"][7]["when"] == "ndvi > 5");
    for (const char* k : {"project", "reflectance", "dem", "geoid_grid", "tier1_table"}) {
        INFO(k);
        REQUIRE(j["inputs"].contains(k));
        CHECK(fs::path(j["inputs"][k]["path"].get<std::string>()).is_absolute());
        CHECK(j["inputs"][k]["sha256"].get<std::string>().size() == 64);
    }
    CHECK(j["tier1"]["values"]["mangrove"]["densities"]["soc"]["mg_c_ha"] == 286.0);
}

TEST_CASE("stock with soc_from_cores: each habitat's SOC is the mean of its cores, their SE in sigma", "[stock]") {
    Scene s;
    // cores.csv as `survey cores` writes it (the columns soc_from_cores reads, plus the passed-through habitat).
    std::ofstream(s.dir / "cores.csv") << "core_id,target_depth_cm,stock_mg_c_ha,stock_se_mg_c_ha,habitat\n"
                                          "M1,100,200,4,mangrove\nM2,100,220,,mangrove\nM3,100,240,3,mangrove\n";
    const auto r = run({"stock", s.project(project_text(k_map_mode, "[stock]\nsoc_from_cores = \"cores.csv\"\n")).string(),
                        "--quiet", "--threads", "2"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    // Mangrove SOC = mean 220 Mg C/ha (σ = 35/3, test_survey_cores.cpp) x 30 ha = 6600 Mg C; salt marsh keeps the
    // Tier-1 226 x 30. The 90 % half-width of mangrove SOC alone is 1.644854 x 35/3 x 30 = 575.70 Mg C.
    const auto csv = slurp(s.out() / "stock_summary.csv");
    const auto m = csv_row(csv, "mangrove");
    CHECK(std::stod(m[12]) == Approx(6600.0));
    CHECK(std::stod(m[14]) - std::stod(m[12]) == Approx(1.6448536269514722 * 35.0 / 3.0 * 30.0).epsilon(1e-4));
    CHECK(std::stod(csv_row(csv, "salt_marsh")[12]) == Approx(226.0 * 30));
    const auto j = nlohmann::json::parse(slurp(s.out() / "stock_run.json"));
    CHECK(j["inputs"].contains("soc_from_cores"));
    const auto rows = j["tier1"]["values"]["mangrove"]["rows"];
    bool found = false;
    for (const auto& row : rows)
        if (row["parameter"] == "soc_1m_mg_c_per_ha") {
            found = true;
            CHECK(row["value"] == 220.0);
            CHECK_THAT(row["source"].get<std::string>(), Catch::StartsWith("mean of 3 soil core(s) (M1, M2, M3)"));
        }
    CHECK(found);
}

TEST_CASE("percentile() and otsu() of elevation are the exact statistics of the elevation the rules saw",
          "[stock][statistics]") {
    // The DEM's ellipsoidal heights less the geoid leave thousands of distinct floats, a few thousand to a coarse
    // bucket, so each statistic takes a second, exact read of the buckets that can hold it. The second method:
    // every value of elevation.tif (--write-masks, the values the rules saw) in one exact histogram.
    Scene s;
    const std::string rules = "\n[habitat]\nsource = \"rules\"\nfallback = \"other\"\n"
                              "[[habitat.rules]]\nhabitat = \"water\"\nwhen = \"elevation < percentile(elevation, 37)\"\n"
                              "[[habitat.rules]]\nhabitat = \"forest\"\nwhen = \"elevation > otsu(elevation)\"\n";
    const auto project = s.project(project_text(rules));
    std::optional<double> otsu, p37;
    for (auto [threads, tile] : {std::pair<const char*, const char*>{"1", "32"}, {"2", "64"}, {"2", "512"}}) {
        const auto r = run({"habitat", project.string(), "--quiet", "--json", "--write-masks", "--threads", threads,
                            "--tile", tile});
        INFO(r.err);
        REQUIRE(r.code == 0);
        const auto thresholds = nlohmann::json::parse(r.out).at("thresholds");
        std::vector<float> elevation;
        for (const float v : read_band(s.out() / "elevation.tif"))
            if (v != -9999.0F) elevation.push_back(v);
        science::SceneHistogram exact;
        exact.add(elevation, std::vector<std::uint8_t>(elevation.size(), 1));
        REQUIRE(exact.entries().size() > 1000);
        INFO(threads << " threads, tile " << tile);
        CHECK(thresholds.at("otsu(elevation)").get<double>() == exact.otsu());
        CHECK(thresholds.at("percentile(elevation, 37)").get<double>() == exact.percentile(37));
        // And the same numbers whatever the threads and tiles.
        if (!otsu) {
            otsu = exact.otsu();
            p37 = exact.percentile(37);
        }
        CHECK(exact.otsu() == otsu);
        CHECK(exact.percentile(37) == p37);
    }
}
