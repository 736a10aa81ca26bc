// project.toml -> ProjectConfig: values, path resolution, and errors that name file, line and key.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include "config/config_text.hpp"

#include "sample/sample_project_toml.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
using bluecarbon::test::config_error;
namespace fs = std::filesystem;

namespace {
const fs::path k_file = "/data/proj/project.toml";

// A minimal valid project; tests append or replace lines. Line numbers matter: keep this layout.
std::string minimal(const std::string& extra = "") {
    return "[project]\n"                        // 1
           "climate_zone = \"subtropical\"\n"   // 2
           "[inputs.reflectance]\n"             // 3
           "path = \"refl.tif\"\n"              // 4
           "bands = { red = 2, nir = 3 }\n"     // 5
           "[habitat]\n"                        // 6
           "map = \"classes.tif\"\n"            // 7
           "[habitat.classes]\n"                // 8
           "1 = \"water\"\n"                    // 9
           "2 = \"mangrove\"\n"                 // 10
           + extra;
}
}  // namespace

TEST_CASE("the sample project file parses into the expected configuration", "[config]") {
    const auto cfg = parse_project(sample::sample_project_toml(), k_file);
    CHECK(cfg.name == "xiangshan-sample");
    CHECK(cfg.climate_zone == science::ClimateZone::subtropical);
    CHECK(cfg.output_dir == fs::path("/data/proj/output"));
    CHECK(cfg.primary_input() == "reflectance");
    const auto& refl = cfg.rasters.at("reflectance");
    CHECK(refl.path == fs::path("/data/proj/reflectance.tif"));
    REQUIRE(refl.bands.size() == 4);
    CHECK(refl.bands[2] == std::pair<std::string, std::string>{"nir", "3"});
    REQUIRE(cfg.dem);
    CHECK_FALSE(cfg.dem->heights_above_geoid);
    CHECK(cfg.dem->vertical_unit == std::optional<std::string>("m"));
    REQUIRE(cfg.tidal);
    CHECK(cfg.tidal->datums.mllw_m == -2.3);
    CHECK(cfg.tidal->datums.mhhw_m == 2.2);
    CHECK(cfg.tidal->datums.hat_m == 3.0);
    CHECK(cfg.habitat.source == HabitatSource::map);
    CHECK(cfg.habitat.classes.find(5) == science::Habitat::mangrove);
    CHECK(cfg.habitat.classes.find(6) == science::Habitat::aquaculture_pond);
    CHECK_FALSE(cfg.habitat.classes.find(9).has_value());
    REQUIRE(cfg.habitat.rules.size() == 7);
    CHECK(cfg.habitat.rules[1].habitat == science::Habitat::mangrove);
    CHECK(cfg.habitat.rules[1].expression == "mvi > otsu(mvi) && ndvi > 0.5 && intertidal");
    CHECK_THAT(cfg.habitat.rules[1].origin, Catch::StartsWith("/data/proj/project.toml:") &&
                                                Catch::EndsWith(": habitat.rules[2].when"));
    CHECK(cfg.parcels.present);
    CHECK(cfg.parcels.path == fs::path("/data/proj/parcels.geojson"));
    CHECK(cfg.survey.cores == fs::path("/data/proj/cores.csv"));
}

TEST_CASE("relative paths resolve against the project folder, absolute ones stay", "[config]") {
    const auto cfg = parse_project(minimal("[stock]\nbiomass_model = \"../models/m.json\"\n[tier1]\ntable = \"/t/x.csv\"\n"),
                                   "/a/b/project.toml");
    CHECK(cfg.rasters.at("reflectance").path == fs::path("/a/b/refl.tif"));
    CHECK(cfg.habitat.map->path == fs::path("/a/b/classes.tif"));
    CHECK(cfg.stock.biomass_model == fs::path("/a/models/m.json"));
    CHECK(cfg.tier1.table == fs::path("/t/x.csv"));
}

TEST_CASE("errors name the file, the line and the key", "[config]") {
    SECTION("unknown habitat in the class mapping") {
        auto text = minimal();
        text.replace(text.find("\"mangrove\""), 10, "\"mangrov\"");
        CHECK_THAT(config_error(text),
                   Catch::StartsWith("project.toml:10: habitat.classes: unknown habitat \"mangrov\""));
    }
    SECTION("unknown key (a typo)") {
        CHECK_THAT(config_error(minimal("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\ngeoid_grdi = \"x.gtx\"\n")),
                   Catch::StartsWith("project.toml:15: tidal.geoid_grdi: unknown key"));
        CHECK_THAT(config_error(minimal("[projcet]\nname = \"x\"\n")),
                   Catch::StartsWith("project.toml:11: projcet: unknown key"));
    }
    SECTION("datums out of order") {
        CHECK_THAT(
            config_error(minimal("[inputs.dem]\npath = \"dem.tif\"\n[tidal]\nmllw_m = 1.5\nmhhw_m = 1.0\nhat_m = 2\n")),
            Catch::StartsWith(
                "project.toml:14: tidal.mllw_m: datums out of order: MLLW (1.5 m) must be below MHHW (1 m)"));
    }
    SECTION("wrong value type") {
        CHECK_THAT(config_error(minimal("[processing]\ntile = \"big\"\n")),
                   Catch::StartsWith("project.toml:12: processing.tile: expected an integer, found a string"));
        CHECK_THAT(config_error(minimal("[processing]\ntile = -5\n")),
                   Catch::StartsWith("project.toml:12: processing.tile: must be a positive number of pixels"));
        CHECK_THAT(config_error(minimal("[processing]\ncompression = \"zstdd\"\n")),
                   Catch::StartsWith("project.toml:12: processing.compression: unknown compression \"zstdd\" "
                                     "(deflate, zstd, lzw or none)"));
        CHECK_THAT(config_error(minimal("[processing]\ncompression = \"deflate\"\ncompression_level = 13\n")),
                   Catch::StartsWith("project.toml:13: processing.compression_level: must be 0 (the codec's "
                                     "default) or 1-12 for deflate, got 13"));
    }
    SECTION("TOML syntax error") {
        CHECK_THAT(config_error(minimal("[grid\n")), Catch::StartsWith("project.toml:11: "));
    }
    SECTION("missing climate zone and unknown zone") {
        CHECK_THAT(config_error("[project]\nname = \"x\"\n"),
                   Catch::StartsWith("project.toml:1: project: missing key \"climate_zone\""));
        auto text = minimal();
        text.replace(text.find("subtropical"), 11, "tropcal");
        CHECK_THAT(config_error(text),
                   Catch::StartsWith("project.toml:2: project.climate_zone: unknown climate zone \"tropcal\""));
    }
    SECTION("negative and non-numeric override values") {
        const std::string head = "[tier1]\n[[tier1.override]]\nparameter = \"agb_t_dm_per_ha\"\nhabitat = \"mangrove\"\n";
        CHECK_THAT(config_error(minimal(head + "value = -3\nsource = \"x\"\n")),
                   Catch::StartsWith("project.toml:15: tier1.override[1].value: value must not be negative"));
        CHECK_THAT(config_error(minimal(head + "value = \"lots\"\nsource = \"x\"\n")),
                   Catch::StartsWith("project.toml:15: tier1.override[1].value: expected a number, found a string"));
        CHECK_THAT(
            config_error(minimal(head + "value = 80\nci95 = [90, 120]\nsource = \"x\"\n")),
            Catch::StartsWith("project.toml:16: tier1.override[1].ci95: the 95 % interval [90, 120] must contain"));
        CHECK_THAT(config_error(minimal(head + "value = 80\n")),
                   Catch::StartsWith("project.toml:12: tier1.override[1]: missing key \"source\""));
        // Without ci95 the value would enter σ as exact (± 0): the interval is required (issue 17, item 7).
        CHECK_THAT(config_error(minimal(head + "value = 80\nsource = \"x\"\n")),
                   Catch::StartsWith("project.toml:12: tier1.override[1]: missing key \"ci95\""));
    }
    SECTION("stock: soil types and the model keys") {
        CHECK_THAT(config_error(minimal("[stock]\nsoil = \"peat\"\n")),
                   Catch::StartsWith("project.toml:12: stock.soil: unknown soil type \"peat\" (mineral, organic or "
                                     "unknown)"));
        CHECK(parse_project(minimal("[stock]\nsoil = \"unknown\"\n"), "project.toml").stock.soil ==
              science::SoilType::unknown);
        CHECK_THAT(config_error(minimal("[stock]\nforce_model = true\n")),
                   Catch::StartsWith("project.toml:12: stock.force_model: needs biomass_model"));
        CHECK_THAT(config_error(minimal("[stock]\nbiomass_model = \"m.json\"\nforce_model = 1\n")),
                   Catch::StartsWith("project.toml:13: stock.force_model: expected true or false"));
    }
    SECTION("rules: habitat names and empty expressions") {
        CHECK_THAT(config_error(minimal("[[habitat.rules]]\nhabitat = \"mangroove\"\nwhen = \"ndvi > 0\"\n")),
                   Catch::StartsWith("project.toml:12: habitat.rules[1].habitat: unknown habitat \"mangroove\""));
        CHECK_THAT(config_error(minimal("[[habitat.rules]]\nhabitat = \"mangrove\"\nwhen = \"\"\n")),
                   Catch::StartsWith("project.toml:13: habitat.rules[1].when: must not be empty"));
    }
    SECTION("grid from an input that does not exist") {
        CHECK_THAT(config_error(minimal("[grid]\nfrom = \"landsat\"\n")),
                   Catch::Contains("grid.from: no input named \"landsat\" (inputs: reflectance, habitat)"));
    }
    SECTION("a DEM with ellipsoidal heights needs the tidal section") {
        CHECK_THAT(config_error(minimal("[inputs.dem]\npath = \"dem.tif\"\n")),
                   Catch::StartsWith("project.toml:12: inputs.dem: ellipsoidal DEM heights need [tidal]"));
    }
}

TEST_CASE("overrides default to the project's climate zone and keep their origin", "[config]") {
    const auto cfg = parse_project(minimal("[[tier1.override]]\nparameter = \"root_shoot_ratio\"\nhabitat = \"mangrove\"\n"
                                           "value = 0.8\nci95 = [0.6, 1.0]\nsource = \"local study\"\n"),
                                   "project.toml");
    REQUIRE(cfg.tier1.overrides.size() == 1);
    const auto& o = cfg.tier1.overrides[0];
    CHECK(o.climate_zone == "subtropical");
    CHECK(o.soil == "*");
    CHECK(o.value == 0.8);
    CHECK(o.ci95_low == 0.6);
    CHECK(o.origin == "project.toml:11");
}
