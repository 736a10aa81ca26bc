// [parcels]: defaults, every key read, and range errors naming file, line and key.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include "config/config_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
using bluecarbon::test::config_error;
namespace fs = std::filesystem;

namespace {

// A minimal project (lines 1-6) followed by the [parcels] section on line 7.
std::string with_parcels(const std::string& keys) {
    return "[project]\n"                      // 1
           "climate_zone = \"subtropical\"\n" // 2
           "[habitat]\n"                      // 3
           "map = \"classes.tif\"\n"          // 4
           "[habitat.classes]\n"              // 5
           "1 = \"mangrove\"\n"               // 6
           "[parcels]\n"                      // 7
           + keys;
}

}  // namespace

TEST_CASE("[parcels] defaults: id, owner, 400 m2, half tidal, 1 m2 tolerance", "[config][parcels]") {
    const auto cfg = parse_project(with_parcels("path = \"parcels.gpkg\"\n"), "/p/project.toml");
    const auto& p = cfg.parcels;
    CHECK(p.present);
    CHECK(p.path == fs::path("/p/parcels.gpkg"));
    CHECK(p.path_origin.str() == "/p/project.toml:8: parcels.path");
    CHECK(p.layer.empty());
    CHECK(p.id_field == "id");
    CHECK(p.owner_field == "owner");
    CHECK(p.min_area_m2 == 400.0);
    CHECK(p.min_tidal_share == 0.5);
    CHECK(p.overlap_tolerance_m2 == 1.0);
    CHECK_FALSE(p.credited);
    CHECK(p.credited_id_field.empty());
}

TEST_CASE("[parcels] every key is read", "[config][parcels]") {
    const auto cfg = parse_project(with_parcels("path = \"in/parcels.gpkg\"\n"
                                                "layer = \"plots\"\n"
                                                "id = \"pid\"\n"
                                                "owner = \"holder\"\n"
                                                "min_area_m2 = 1000\n"
                                                "min_tidal_share = 0.8\n"
                                                "credited = \"/old/credited.shp\"\n"
                                                "credited_id = \"cid\"\n"
                                                "overlap_tolerance_m2 = 2.5\n"),
                                   "/p/project.toml");
    const auto& p = cfg.parcels;
    CHECK(p.path == fs::path("/p/in/parcels.gpkg"));
    CHECK(p.layer == "plots");
    CHECK(p.id_field == "pid");
    CHECK(p.owner_field == "holder");
    CHECK(p.min_area_m2 == 1000.0);
    CHECK(p.min_tidal_share == 0.8);
    CHECK(p.credited == fs::path("/old/credited.shp"));
    CHECK(p.credited_origin.str() == "/p/project.toml:14: parcels.credited");
    CHECK(p.credited_id_field == "cid");
    CHECK(p.overlap_tolerance_m2 == 2.5);
}

TEST_CASE("a project without [parcels] has it absent", "[config][parcels]") {
    const std::string text = with_parcels("");
    const auto cfg = parse_project(text.substr(0, text.rfind("[parcels]")), "/p/project.toml");
    CHECK_FALSE(cfg.parcels.present);
    CHECK_FALSE(cfg.parcels.path);
}

TEST_CASE("[parcels] errors name the line and key", "[config][parcels]") {
    CHECK(config_error(with_parcels("id = \"pid\"\n")) == "project.toml:7: parcels: missing key \"path\"");
    CHECK(config_error(with_parcels("path = \"\"\n")) == "project.toml:8: parcels.path: must not be empty");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\nmin_tidal_share = 1.5\n")) ==
          "project.toml:9: parcels.min_tidal_share: must be between 0 and 1 (got 1.5)");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\nmin_tidal_share = -0.1\n")) ==
          "project.toml:9: parcels.min_tidal_share: must be between 0 and 1 (got -0.1)");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\nmin_area_m2 = -1\n")) ==
          "project.toml:9: parcels.min_area_m2: must be at least 0 (got -1)");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\noverlap_tolerance_m2 = -0.5\n")) ==
          "project.toml:9: parcels.overlap_tolerance_m2: must be at least 0 (got -0.5)");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\nmin_area_m2 = \"big\"\n")) ==
          "project.toml:9: parcels.min_area_m2: expected a number, found a string");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\nid = \"\"\n")) ==
          "project.toml:9: parcels.id: must not be empty");
    CHECK(config_error(with_parcels("path = \"p.gpkg\"\ncredited_id = \"cid\"\n")) ==
          "project.toml:9: parcels.credited_id: needs credited (the previously credited polygons)");
    CHECK_THAT(config_error(with_parcels("path = \"p.gpkg\"\nmin_area = 5\n")),
               Catch::StartsWith("project.toml:9: parcels.min_area: unknown key (known: path, layer, id, owner"));
}
