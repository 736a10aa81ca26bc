// `bluecarbon habitat` / `bluecarbon stock` run in-process on a small synthetic coast: pool totals by hand,
// determinism across threads and tiles, and every bad input (exit 2, one line naming the culprit, nothing
// published in the output folder).
#include <bluecarbon/cli/run_cli.hpp>

#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

// A 150 x 120 scene of 10 m pixels in EPSG:32651 at the sample's origin, west to east in bands of columns:
// forest, aquaculture pond, salt marsh, mangrove, tidal flat, water (class codes 7, 6, 4, 5, 3, 1).
constexpr int k_w = 150, k_h = 120;
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
    GDALDatasetUniquePtr ds(drv->Create(p.string().c_str(), k_w, k_h, bands, type, const_cast<char**>(opts)));
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
            std::vector<std::uint16_t> px(k_w * k_h);
            for (int r = 0; r < k_h; ++r)
                for (int c = 0; c < k_w; ++c) {
                    const double wobble = 0.002 * std::sin(0.3 * c) * std::cos(0.2 * r);
                    px[static_cast<std::size_t>(r * k_w + c)] = static_cast<std::uint16_t>(
                        std::lround((spectrum(class_at(c))[static_cast<std::size_t>(b - 1)] + wobble) * 1e4));
                }
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_w, k_h, px.data(), k_w, k_h, GDT_UInt16, 0, 0) == CE_None);
            static const char* names[] = {"green", "red", "nir", "swir1"};
            band->SetDescription(names[b - 1]);
            band->SetScale(1e-4);
            band->SetOffset(0.0);
            band->SetNoDataValue(0);
        });
        create(dir / "dem.tif", 1, GDT_Float32, [dem_unit](GDALRasterBand* band, int) {
            std::vector<float> px(k_w * k_h);
            for (int r = 0; r < k_h; ++r)
                for (int c = 0; c < k_w; ++c)
                    px[static_cast<std::size_t>(r * k_w + c)] = static_cast<float>(orthometric(class_at(c)) + 14.32);
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_w, k_h, px.data(), k_w, k_h, GDT_Float32, 0, 0) == CE_None);
            band->SetNoDataValue(-9999.0);
            if (dem_unit) band->SetUnitType("m");
        });
        create(dir / "habitat.tif", 1, GDT_Byte, [unmapped_code](GDALRasterBand* band, int) {
            std::vector<std::uint8_t> px(k_w * k_h);
            for (int r = 0; r < k_h; ++r)
                for (int c = 0; c < k_w; ++c)
                    px[static_cast<std::size_t>(r * k_w + c)] =
                        static_cast<std::uint8_t>(unmapped_code && r == 5 && c % 50 == 0 ? unmapped_code + c / 50 : class_at(c));
            REQUIRE(band->RasterIO(GF_Write, 0, 0, k_w, k_h, px.data(), k_w, k_h, GDT_Byte, 0, 0) == CE_None);
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

const std::string k_rules = R"(
[habitat]
source = "rules"
fallback = "other"
[[habitat.rules]]
habitat = "aquaculture_pond"
when = "mndwi > 0.3 && supratidal"
[[habitat.rules]]
habitat = "mangrove"
when = "mvi > otsu(mvi) && ndvi > 0.5 && intertidal"
[[habitat.rules]]
habitat = "salt_marsh"
when = "ndvi > 0.3 && intertidal"
[[habitat.rules]]
habitat = "tidal_flat"
when = "intertidal"
[[habitat.rules]]
habitat = "water"
when = "subtidal"
[[habitat.rules]]
habitat = "forest"
when = "ndvi > 0.6 && supratidal"
)";

struct Run {
    int code;
    std::string out, err;
};
Run run(std::vector<std::string> args) {
    std::ostringstream out, err;
    const int code = run_cli(args, out, err, false);
    return {code, out.str(), err.str()};
}

std::vector<float> read_band(const fs::path& p) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    std::vector<float> px(static_cast<std::size_t>(ds->GetRasterXSize() * ds->GetRasterYSize()));
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), px.data(),
                                           ds->GetRasterXSize(), ds->GetRasterYSize(), GDT_Float32, 0, 0) == CE_None);
    return px;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
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

std::size_t files_in(const fs::path& d) {
    if (!fs::exists(d)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
}

void check_bad_input(const Scene& s, const std::string& project, const std::string& expected) {
    const auto r = run({"stock", s.project(project).string(), "--quiet", "--threads", "2"});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(expected));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    CHECK(files_in(s.out()) == 0);                             // nothing published, no temporary left
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
    // BGB 0.96 x 1012.5 = 972; dead 11.4 x 30 = 342; SOC 386 x 30 = 11580.
    const auto m = csv_row(csv, "mangrove");
    REQUIRE(m.size() >= 9);
    CHECK(m[1] == "3000");
    CHECK(std::stod(m[2]) == Approx(30.0));
    CHECK(std::stod(m[3]) == Approx(1012.5));
    CHECK(std::stod(m[6]) == Approx(972.0));
    CHECK(std::stod(m[9]) == Approx(342.0));
    CHECK(std::stod(m[12]) == Approx(11580.0));
    CHECK(std::stod(m[15]) == Approx(1012.5 + 972 + 342 + 11580));
    // Salt marsh: SOC 255 x 30 ha, nothing else.
    const auto sm = csv_row(csv, "salt_marsh");
    CHECK(std::stod(sm[15]) == Approx(255.0 * 30));
    // Pixel values and the table version in the outputs.
    const auto agb = read_band(s.out() / "stock_agb.tif");
    CHECK(agb[3 * 25 + 1] == 33.75F);  // row 0, column 76: mangrove
    CHECK(agb[0] == Approx(180 * 0.47));  // forest
    CHECK_THAT(slurp(s.out() / "stock_run.json"), Catch::Contains("\"version\": \"2025.1\""));
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
            for (int c = 0; c < k_w; ++c) {
                INFO("column " << c);
                CHECK(hab[static_cast<std::size_t>(60 * k_w + c)] == static_cast<float>(class_at(c)));
            }
            continue;
        }
        CHECK(hab == ref_hab);
        CHECK(total == ref_total);
        CHECK(csv == ref_csv);
    }
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
        const auto negative = replace(table, "soc_1m_mg_c_per_ha,mangrove,*,mineral,386,",
                                      "soc_1m_mg_c_per_ha,mangrove,*,mineral,-386,");
        std::ofstream(s.dir / "neg.csv") << negative;
        check_bad_input(s, project_text(k_rules, "[tier1]\ntable = \"neg.csv\"\n"), "neg.csv:");
        check_bad_input(s, project_text(k_rules, "[tier1]\ntable = \"neg.csv\"\n"), "value must not be negative, got -386");
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
