// Every section of project_config.cpp read with valid values, and every error message it can raise, each
// with the file, line and key it names.
#include "config/config_text.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
using bluecarbon::test::at_line;
using bluecarbon::test::config_error;
using bluecarbon::test::project_text;
using Catch::StartsWith;
namespace fs = std::filesystem;

namespace {
ProjectConfig parse(const std::string& text) {
    return parse_project(text, "/p/project.toml");
}

// The error of `text` starts with "project.toml:<line of needle>: <key_and_message>".
void expect_error(const std::string& text, const std::string& needle, const std::string& key_and_message) {
    INFO(text);
    CHECK_THAT(config_error(text), StartsWith(at_line(text, needle, key_and_message)));
}
} // namespace

// Whole-file errors name line 1 and no key (the message itself names the section).
TEST_CASE("[project] values and errors", "[config][project]") {
    const auto cfg = parse("[project]\nname = \"n\"\ndescription = \"d\"\nclimate_zone = \"tropical_wet\"\n"
                           "output = \"out/run1\"\n[inputs.reflectance]\npath = \"r.tif\"\n"
                           "[habitat]\nmap = \"c.tif\"\n[habitat.classes]\n1 = \"water\"\n");
    CHECK(cfg.name == "n");
    CHECK(cfg.description == "d");
    CHECK(cfg.climate_zone == science::ClimateZone::tropical_wet);
    CHECK(cfg.output_dir == fs::path("/p/out/run1"));
    // No output key: <project folder>/output.
    CHECK(parse(project_text()).output_dir == fs::path("/p/output"));

    CHECK_THAT(config_error("[habitat]\nmap = \"c.tif\"\n"),
               StartsWith("project.toml:1: ") && Catch::Contains("missing [project] section (with climate_zone)"));
    const auto no_habitat = "[project]\nclimate_zone = \"subtropical\"\n[inputs.reflectance]\npath = \"r.tif\"\n";
    CHECK_THAT(config_error(no_habitat),
               StartsWith("project.toml:1: ") &&
                   Catch::Contains("missing [habitat] section (source = \"map\" with classes, or rules)"));
    const auto zone_type = "[project]\nclimate_zone = 3\n";
    CHECK_THAT(config_error(zone_type), StartsWith("project.toml:2: project.climate_zone: expected a string, found an "
                                                   "integer"));
    expect_error(project_text("[nonsense]\n"), "[nonsense]", "nonsense: unknown key");
}

TEST_CASE("[grid] values and errors", "[config][grid]") {
    auto cfg = parse(project_text("[grid]\ncrs = \"EPSG:32650\"\nresolution = [10, 20]\nextent = [0, 0, 100, 200]\n"));
    CHECK(cfg.grid.crs == std::optional<std::string>("EPSG:32650"));
    CHECK(cfg.grid.resolution_x == 10.0);
    CHECK(cfg.grid.resolution_y == 20.0);
    REQUIRE(cfg.grid.extent);
    CHECK(cfg.grid.extent->xmax == 100.0);
    CHECK(cfg.grid.extent->ymax == 200.0);
    cfg = parse(project_text("[grid]\ncrs = \"EPSG:32650\"\nresolution = 30\n"));
    CHECK(cfg.grid.resolution_x == 30.0);
    CHECK(cfg.grid.resolution_y == 30.0);
    cfg = parse(project_text("[grid]\nfrom = \"reflectance\"\n"));
    CHECK(cfg.grid.from_input == std::optional<std::string>("reflectance"));
    CHECK(cfg.primary_input() == "reflectance");

    const std::string crs = "[grid]\ncrs = \"EPSG:32650\"\n";
    expect_error(project_text(crs + "resolution = \"fine\"\n"), "resolution",
                 "grid.resolution: expected a number or [x, y]");
    expect_error(project_text(crs + "resolution = [1, 2, 3]\n"), "resolution",
                 "grid.resolution: expected a number or "
                 "[x, y]");
    expect_error(project_text(crs + "resolution = 0\n"), "resolution", "grid.resolution: must be positive");
    expect_error(project_text(crs + "resolution = [10, -10]\n"), "resolution", "grid.resolution: must be positive");
    expect_error(project_text(crs + "resolution = 10\nextent = [0, 0, 1]\n"), "extent",
                 "grid.extent: expected [xmin, ymin, xmax, ymax]");
    expect_error(project_text(crs + "resolution = 10\nextent = [0, 0, \"1\", 1]\n"), "extent",
                 "grid.extent: expected [xmin, ymin, xmax, ymax]");
    expect_error(project_text(crs + "resolution = 10\nextent = [5, 0, 1, 1]\n"), "extent",
                 "grid.extent: needs xmin < xmax and ymin < ymax");
    expect_error(project_text("[grid]\nfrom = \"reflectance\"\ncrs = \"EPSG:4326\"\n"),
                 "from =", "grid.from: give either from = \"<input>\" or crs/resolution/extent, not both");
    expect_error(project_text(crs), "crs =", "grid.crs: a grid given by its CRS also needs resolution");
    expect_error(project_text("[grid]\nresolution = 10\n"), "resolution",
                 "grid.resolution: needs crs as well (or use from = \"<input>\")");
    expect_error(project_text("[grid]\nextent = [0, 0, 1, 1]\n"), "extent",
                 "grid.extent: needs crs as well (or use from = \"<input>\")");
    expect_error(project_text("[grid]\ncrs = \"EPSG:4326\"\nresolution = 1\nsize = 3\n"), "size",
                 "grid.size: unknown key");
}

TEST_CASE("[processing] values and errors", "[config][processing]") {
    const auto cfg = parse(project_text("[processing]\ntile = 256\nthreads = 3\ncompression = \"zstd\"\n"
                                        "compression_level = 22\n"));
    CHECK(cfg.processing.tile == 256);
    CHECK(cfg.processing.threads == 3);
    CHECK(cfg.processing.compression == "zstd");
    CHECK(cfg.processing.compression_level == 22);
    CHECK(parse(project_text("[processing]\nthreads = 0\n")).processing.threads == 0); // 0: all cores

    expect_error(project_text("[processing]\nthreads = -1\n"), "threads",
                 "processing.threads: must be 0 (all cores) or a positive count, got -1");
    expect_error(project_text("[processing]\nthreads = 4097\n"), "threads",
                 "processing.threads: must be 0 (all cores) or a positive count, got 4097");
    expect_error(project_text("[processing]\ncompression = \"zstd\"\ncompression_level = 23\n"), "compression_level",
                 "processing.compression_level: must be 0 (the codec's default) or 1-22 for zstd, got 23");
    expect_error(project_text("[processing]\ntile = 0\n"), "tile",
                 "processing.tile: must be a positive number of pixels, got 0");
}

TEST_CASE("[inputs] rasters: bands in the written order, scale, offset, nodata, resampling", "[config][inputs]") {
    const auto text = project_text("", "",
                                   "scale = 0.0001\noffset = -0.1\nnodata = 0\nresampling = \"cubic\"\n"
                                   "[inputs.extra]\npath = \"/abs/x.tif\"\n"
                                   "bands = { swir1 = \"SWIR 1\", green = 1, blue = 4 }\n");
    const auto cfg = parse_project(text, "project.toml");
    const auto& r = cfg.rasters.at("reflectance");
    CHECK(r.scale == 0.0001);
    CHECK(r.offset == -0.1);
    CHECK(r.nodata == 0.0);
    CHECK(r.resampling == Resampling::cubic);
    const auto& x = cfg.rasters.at("extra");
    CHECK(x.path == fs::path("/abs/x.tif"));
    CHECK(r.path == fs::path(fs::absolute(".") / "refl.tif").lexically_normal());
    CHECK(x.resampling == Resampling::bilinear); // the default for continuous inputs
    REQUIRE(x.bands.size() == 3);
    CHECK(x.bands[0] == std::pair<std::string, std::string>{"swir1", "SWIR 1"});
    CHECK(x.bands[1] == std::pair<std::string, std::string>{"green", "1"});
    CHECK(x.bands[2] == std::pair<std::string, std::string>{"blue", "4"});
    CHECK(x.band_origins.at("blue").str() == at_line(text, "swir1", "inputs.extra.bands.blue"));
    for (const auto& [name, value] :
         {std::pair{"nearest", Resampling::nearest}, std::pair{"average", Resampling::average},
          std::pair{"bilinear", Resampling::bilinear}}) {
        const auto c = parse(project_text("", "", std::string("resampling = \"") + name + "\"\n"));
        CHECK(c.rasters.at("reflectance").resampling == value);
    }

    const std::string x_head = "[inputs.x]\npath = \"x.tif\"\n";
    expect_error(project_text("", "", "resampling = \"lanczos\"\n"), "lanczos",
                 "inputs.reflectance.resampling: unknown resampling \"lanczos\" (nearest, bilinear, average, cubic)");
    expect_error(project_text("", "", "scale = 0\n"), "scale = 0", "inputs.reflectance.scale: must not be 0");
    expect_error(project_text("", "", "nodata = \"none\"\n"), "nodata",
                 "inputs.reflectance.nodata: expected a number, found a string");
    expect_error(project_text("", "", x_head + "bands = { red = 0 }\n"), "red = 0",
                 "inputs.x.bands.red: band index must be >= 1, got 0");
    expect_error(project_text("", "", x_head + "bands = { red = \"\" }\n"), "red = \"\"",
                 "inputs.x.bands.red: must not be empty");
    expect_error(project_text("", "", x_head + "bands = { red = true }\n"), "red = true",
                 "inputs.x.bands.red: expected a band index or a band description, found a boolean");
    expect_error(project_text("", "", x_head + "bands = {}\n"), "bands = {}", "inputs.x.bands: names no band");
    expect_error(project_text("", "", "[inputs.x]\nbands = { red = 1 }\n"), "[inputs.x]",
                 "inputs.x: missing key \"path\"");
    expect_error(project_text("", "", x_head + "band = 2\n"), "band = 2", "inputs.x.band: unknown key");
    expect_error(project_text("", "", "[inputs.habitat]\npath = \"c.tif\"\n"), "[inputs.habitat]",
                 "inputs.habitat: the classified habitat raster is given as [habitat] map = \"...\"");
    const auto not_table = "[project]\nclimate_zone = \"subtropical\"\n[inputs]\nndvi = \"n.tif\"\n";
    CHECK_THAT(config_error(not_table),
               StartsWith("project.toml:4: inputs.ndvi: expected a table ([inputs.ndvi] with path = ...)"));
}

TEST_CASE("[inputs.dem] values and errors", "[config][inputs][dem]") {
    const std::string tidal = "[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\n";
    const auto cfg = parse(project_text(tidal, "",
                                        "[inputs.dem]\npath = \"dem.tif\"\nband = 2\nheights = \"geoid\"\n"
                                        "vertical_unit = \"ft\"\nresampling = \"cubic\"\n"));
    REQUIRE(cfg.dem);
    CHECK(cfg.dem->heights_above_geoid);
    CHECK(cfg.dem->vertical_unit == std::optional<std::string>("ft"));
    CHECK(cfg.dem->raster.path == fs::path("/p/dem.tif"));
    REQUIRE(cfg.dem->raster.bands.size() == 1);
    CHECK(cfg.dem->raster.bands[0] == std::pair<std::string, std::string>{"elevation", "2"});
    CHECK(cfg.dem->raster.resampling == Resampling::cubic);
    // Default: ellipsoidal heights, the band 1, the unit read from the file.
    const auto plain = parse(project_text(tidal, "", "[inputs.dem]\npath = \"dem.tif\"\n"));
    CHECK_FALSE(plain.dem->heights_above_geoid);
    CHECK(plain.dem->raster.bands[0].second == "1");
    CHECK_FALSE(plain.dem->vertical_unit);

    expect_error(project_text(tidal, "", "[inputs.dem]\nband = 1\n"), "[inputs.dem]",
                 "inputs.dem: missing key \"path\"");
    expect_error(project_text(tidal, "", "[inputs.dem]\npath = \"d.tif\"\nband = 0\n"), "band = 0",
                 "inputs.dem.band: must be >= 1");
    expect_error(project_text(tidal, "", "[inputs.dem]\npath = \"d.tif\"\nheights = \"orthometric\"\n"), "heights",
                 "inputs.dem.heights: unknown height reference \"orthometric\" (ellipsoidal or geoid)");
    expect_error(project_text(tidal, "", "[inputs.dem]\npath = \"d.tif\"\nbands = { z = 1 }\n"), "bands = { z",
                 "inputs.dem.bands: unknown key");
}

TEST_CASE("[tidal] values and errors", "[config][tidal]") {
    const std::string dem = "[inputs.dem]\npath = \"dem.tif\"\n";
    const auto cfg = parse(project_text("[tidal]\nmllw_m = -2.5\nmhhw_m = 2.25\nhat_m = 3\ngeoid_grid = \"g.tif\"\n"
                                        "geoid_step_px = 8\n",
                                        "", dem));
    REQUIRE(cfg.tidal);
    CHECK(cfg.tidal->datums.mllw_m == -2.5);
    CHECK(cfg.tidal->datums.mhhw_m == 2.25);
    CHECK(cfg.tidal->datums.hat_m == 3.0);
    CHECK(cfg.tidal->geoid_grid == "g.tif");
    CHECK(cfg.tidal->geoid_step_px == 8);

    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\n", "", dem), "[tidal]",
                 "tidal: missing key \"hat_m\"");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = \"high\"\n", "", dem), "hat_m",
                 "tidal.hat_m: expected a number, found a string");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 0.5\n", "", dem), "hat_m",
                 "tidal.hat_m: datums out of order: MHHW (1 m) must not be above HAT (0.5 m)");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\ngeoid_grid = \"\"\n", "", dem),
                 "geoid_grid", "tidal.geoid_grid: must not be empty");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\ngeoid_step_px = 65\n", "", dem),
                 "geoid_step_px", "tidal.geoid_step_px: must be within 1..64");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\ngeoid_step_px = 0\n", "", dem),
                 "geoid_step_px", "tidal.geoid_step_px: must be within 1..64");
    expect_error(project_text("[tidal]\nmllw_m = -1\nmhhw_m = 1\nhat_m = 2\n"), "[tidal]",
                 "tidal: tidal datums need [inputs.dem]");
}

TEST_CASE("[habitat] map and rules: values", "[config][habitat]") {
    const auto map =
        parse(project_text("", "[habitat]\nsource = \"map\"\nmap = \"c.tif\"\nband = 2\nfallback = \"other\"\n"
                               "[habitat.classes]\n-1 = \"water\"\n7 = \"seagrass\"\n"));
    CHECK(map.habitat.source == HabitatSource::map);
    REQUIRE(map.habitat.map);
    CHECK(map.habitat.map->bands[0].second == "2");
    CHECK(map.habitat.map->resampling == Resampling::nearest); // class codes are never interpolated
    CHECK(map.habitat.classes.find(-1) == science::Habitat::water);
    CHECK(map.habitat.classes.find(7) == science::Habitat::seagrass);
    CHECK(map.habitat.fallback == science::Habitat::other);

    // Rules without `source`: inferred from the keys present.
    const auto text = project_text("", "[habitat]\nfallback = \"water\"\n[[habitat.rules]]\nhabitat = \"mangrove\"\n"
                                       "when = \"ndvi > 0.5\"\n");
    const auto rules = parse_project(text, "project.toml");
    CHECK(rules.habitat.source == HabitatSource::rules);
    REQUIRE(rules.habitat.rules.size() == 1);
    CHECK(rules.habitat.rules[0].habitat == science::Habitat::mangrove);
    CHECK(rules.habitat.rules[0].expression == "ndvi > 0.5");
    CHECK(rules.habitat.rules[0].origin == at_line(text, "when", "habitat.rules[1].when"));
}

TEST_CASE("[habitat] errors", "[config][habitat]") {
    const std::string classes = "[habitat.classes]\n1 = \"water\"\n";
    expect_error(project_text("", "[habitat]\nsource = \"table\"\nmap = \"c.tif\"\n" + classes), "source",
                 "habitat.source: unknown habitat source \"table\" (map or rules)");
    expect_error(project_text("", "[habitat]\nsource = \"map\"\nband = 2\n" + classes), "band = 2",
                 "habitat.band: needs map = \"<classified raster>\"");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\nband = 0\n" + classes), "band = 0",
                 "habitat.band: must be >= 1");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\n[habitat.classes]\nfive = \"water\"\n"), "five",
                 "habitat.classes: class code \"five\" is not an integer");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\n[habitat.classes]\n1 = \"water\"\n01 = \"mangrove\"\n"),
                 "1 = \"water\"",
                 // Keys are read in sorted order ("01" before "1"): the second one read is the one named.
                 "habitat.classes: class code 1 is mapped twice");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\nfallback = 3\n" + classes), "fallback",
                 "habitat.fallback: expected a habitat name, found an integer");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\nfallback = \"marsh\"\n" + classes), "fallback",
                 "habitat.fallback: unknown habitat \"marsh\" (one of " + science::habitat_name_list() + ")");
    expect_error(project_text("", "[habitat]\nrules = [1]\n"), "rules",
                 "habitat.rules[1]: expected a table {habitat = ..., when = ...}");
    expect_error(project_text("", "[habitat]\n[[habitat.rules]]\nwhen = \"ndvi > 0\"\n"), "[[habitat.rules]]",
                 "habitat.rules[1]: missing key \"habitat\"");
    expect_error(project_text("", "[habitat]\n[[habitat.rules]]\nhabitat = \"water\"\n"), "[[habitat.rules]]",
                 "habitat.rules[1]: missing key \"when\"");
    expect_error(project_text("", "[habitat]\n[[habitat.rules]]\nhabitat = \"water\"\nwhen = \"1\"\nif = \"x\"\n"),
                 "if =", "habitat.rules[1].if: unknown key");
    expect_error(project_text("", "[habitat]\nsource = \"map\"\n" + classes), "[habitat]",
                 "habitat: source = \"map\" needs map = \"<classified raster>\"");
    expect_error(project_text("", "[habitat]\nmap = \"c.tif\"\n"), "[habitat]",
                 "habitat: source = \"map\" needs [habitat.classes] (code = \"habitat\")");
    expect_error(project_text("", "[habitat]\nsource = \"rules\"\n"), "[habitat]",
                 "habitat: source = \"rules\" needs at least one [[habitat.rules]]");
}

TEST_CASE("[stock] and [survey] values and errors", "[config][stock][survey]") {
    const auto cfg = parse(project_text("[stock]\nsoil = \"organic\"\nbiomass_model = \"m/model.json\"\n"
                                        "[survey]\ntrees = \"t.csv\"\nplots = \"/d/plots.csv\"\ncores = \"c.csv\"\n"));
    CHECK(cfg.stock.soil == science::SoilType::organic);
    CHECK(cfg.stock.biomass_model == fs::path("/p/m/model.json"));
    CHECK(cfg.stock.biomass_model_origin.key == "stock.biomass_model");
    CHECK(cfg.survey.trees == fs::path("/p/t.csv"));
    CHECK(cfg.survey.plots == fs::path("/d/plots.csv"));
    CHECK(cfg.survey.cores == fs::path("/p/c.csv"));
    CHECK(parse(project_text()).stock.soil == science::SoilType::mineral); // the default

    expect_error(project_text("[stock]\nsoil = \"peat\"\n"), "soil",
                 "stock.soil: unknown soil type \"peat\" (mineral or organic)");
    expect_error(project_text("[stock]\nbiomass_model = \"\"\n"), "biomass_model",
                 "stock.biomass_model: must not be empty");
    expect_error(project_text("[survey]\ntrees = 5\n"), "trees", "survey.trees: expected a string, found an integer");
    expect_error(project_text("[survey]\nplot = \"p.csv\"\n"), "plot =", "survey.plot: unknown key");
}

TEST_CASE("[tier1] overrides: values and errors", "[config][tier1]") {
    const auto ok = "[[tier1.override]]\nparameter = \"soc_1m_mg_c_per_ha\"\nhabitat = \"seagrass\"\n"
                    "climate_zone = \"*\"\nsoil = \"organic\"\nvalue = 150\nci95 = [100, 200]\nsource = \"s\"\n"
                    "notes = \"n\"\n";
    const auto cfg = parse(project_text(std::string("[tier1]\ntable = \"t.csv\"\n") + ok));
    CHECK(cfg.tier1.table == fs::path("/p/t.csv"));
    REQUIRE(cfg.tier1.overrides.size() == 1);
    const auto& o = cfg.tier1.overrides[0];
    CHECK(o.habitat == science::Habitat::seagrass);
    CHECK(o.climate_zone == "*");
    CHECK(o.soil == "organic");
    CHECK(o.value == 150.0);
    CHECK(o.ci95_high == 200.0);
    CHECK(o.notes == "n");

    const std::string head = "[tier1]\n[[tier1.override]]\n";
    const std::string rest = "habitat = \"mangrove\"\nvalue = 80\nci95 = [60, 100]\nsource = \"s\"\n";
    const std::string agb = "parameter = \"agb_t_dm_per_ha\"\n";
    expect_error(project_text("[tier1]\noverride = [3]\n"), "override", "tier1.override[1]: expected a table");
    {
        const auto t = project_text(head + "parameter = \"agb\"\n" + rest);
        INFO(t);
        CHECK_THAT(config_error(t), StartsWith(at_line(t, "parameter",
                                                       "tier1.override[1].parameter: unknown parameter "
                                                       "\"agb\" (one of ")));
    }
    expect_error(project_text(head + "value = 1\nsource = \"s\"\n"), "[[tier1.override]]",
                 "tier1.override[1]: missing key \"parameter\"");
    expect_error(project_text(head + agb + "value = 80\nci95 = [60, 100]\nsource = \"s\"\n"), "[[tier1.override]]",
                 "tier1.override[1]: missing key \"habitat\"");
    expect_error(project_text(head + agb + "habitat = \"mangrove\"\nsource = \"s\"\n"), "[[tier1.override]]",
                 "tier1.override[1]: missing key \"value\"");
    expect_error(project_text(head + agb + "climate_zone = \"arctic\"\n" + rest), "arctic",
                 "tier1.override[1].climate_zone: unknown climate zone \"arctic\" (one of " +
                     science::climate_zone_name_list() + ", or *)");
    expect_error(project_text(head + agb + "soil = \"sandy\"\n" + rest), "sandy",
                 "tier1.override[1].soil: unknown soil type \"sandy\" (mineral, organic or *)");
    expect_error(project_text(head + agb + "habitat = \"mangrove\"\nvalue = 80\nci95 = [60]\nsource = \"s\"\n"), "ci95",
                 "tier1.override[1].ci95: expected [low, high]");
    expect_error(project_text(head + agb + "habitat = \"mangrove\"\nvalue = 80\nci95 = [-1, 100]\nsource = \"s\"\n"),
                 "ci95", "tier1.override[1].ci95: interval bounds must not be negative");
    expect_error(project_text(head + "parameter = \"carbon_fraction\"\nhabitat = \"mangrove\"\nvalue = 1.5\n"
                                     "ci95 = [1, 2]\nsource = \"s\"\n"),
                 "value = 1.5", "tier1.override[1].value: a carbon fraction must be within 0..1, got 1.5");
    expect_error(project_text(head + agb + "habitat = \"mangrove\"\nvalue = 80\nci95 = [60, 100]\nsource = \"\"\n"),
                 "source = \"\"", "tier1.override[1].source: must not be empty");
    expect_error(project_text(head + agb + rest + "unit = \"t\"\n"), "unit", "tier1.override[1].unit: unknown key");
    {
        const auto t = project_text(head + agb + rest + "[[tier1.override]]\n" + agb + rest);
        const auto second = t.find("[[tier1.override]]", t.find("[[tier1.override]]") + 1);
        const int second_line = test::line_with(t.substr(0, second) + "@@", "@@");
        const int first_line = test::line_with(t, "[[tier1.override]]");
        CHECK_THAT(config_error(t),
                   StartsWith("project.toml:" + std::to_string(second_line) + ": tier1.override[2]: overrides ") &&
                       Catch::Contains("twice (first at project.toml:" + std::to_string(first_line) + ")"));
    }
}

TEST_CASE("checks across sections", "[config][cross]") {
    const auto no_grid = "[project]\nclimate_zone = \"subtropical\"\n[habitat]\nsource = \"rules\"\n"
                         "[[habitat.rules]]\nhabitat = \"water\"\nwhen = \"1\"\n";
    CHECK_THAT(config_error(no_grid), StartsWith("project.toml:1: ") &&
                                          Catch::Contains("habitat rules need inputs: add [inputs.reflectance]"));
    CHECK_THAT(config_error("[project]\nclimate_zone = \"subtropical\"\n[habitat]\nsource = \"map\"\n"
                            "[habitat.classes]\n1 = \"water\"\n"),
               StartsWith("project.toml:3: habitat: source = \"map\" needs map"));
    const auto dem_only = parse("[project]\nclimate_zone = \"subtropical\"\n[inputs.dem]\npath = \"d.tif\"\n"
                                "heights = \"geoid\"\n[habitat]\n[[habitat.rules]]\nhabitat = \"water\"\n"
                                "when = \"elevation < 0\"\n");
    CHECK(dem_only.primary_input() == "dem");
    // A CRS grid and no input: the grid alone defines it.
    const auto grid_only =
        parse("[project]\nclimate_zone = \"subtropical\"\n[grid]\ncrs = \"EPSG:32650\"\n"
              "resolution = 10\nextent = [0, 0, 100, 100]\n[inputs.dem]\npath = \"d.tif\"\n"
              "heights = \"geoid\"\n[habitat]\n[[habitat.rules]]\nhabitat = \"water\"\nwhen = \"1\"\n");
    CHECK(grid_only.grid.crs == std::optional<std::string>("EPSG:32650"));
}

TEST_CASE("a project file that cannot be read is an input error naming it", "[config]") {
    CHECK_THROWS_AS(load_project("/nonexistent/dir/project.toml"), InputError);
    CHECK_THROWS_WITH(load_project("/nonexistent/dir/project.toml"),
                      "/nonexistent/dir/project.toml: cannot read the project file");
}
