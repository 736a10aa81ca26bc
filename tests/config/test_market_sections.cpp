// [lots] and [report]: values, defaults and one-line errors naming file, line and key.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include "config/config_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
using bluecarbon::test::config_error;

namespace {
std::string head() {
    return "[project]\nclimate_zone = \"subtropical\"\n[inputs.reflectance]\npath = \"refl.tif\"\n"
           "bands = { red = 2, nir = 3 }\n[habitat]\nmap = \"classes.tif\"\n[habitat.classes]\n1 = \"mangrove\"\n";
} // 9 lines: the section under test starts on line 10
}  // namespace

TEST_CASE("lots section values and defaults", "[config][lots]") {
    const auto none = parse_project(head(), "project.toml");
    CHECK_FALSE(none.lots.present);
    const auto cfg = parse_project(head() + "[lots]\ngroup_by = [\"habitat\", \"owner\"]\ntarget_t_co2e = 500\n"
                                            "contiguity_m = 250.5\nstart_price = 80\nincrement = 2.5\n"
                                            "currency = \"USD\"\n",
                                   "project.toml");
    CHECK(cfg.lots.present);
    CHECK(cfg.lots.group_by == std::vector<std::string>{"habitat", "owner"});
    CHECK(cfg.lots.target_t_co2e == 500.0);
    CHECK(cfg.lots.contiguity_m == 250.5);
    CHECK(cfg.lots.start_price == 80.0);
    CHECK(cfg.lots.increment == 2.5);
    CHECK(cfg.lots.currency == "USD");
    const auto defaults = parse_project(head() + "[lots]\n", "project.toml");
    CHECK(defaults.lots.group_by == std::vector<std::string>{"vintage"});
    CHECK_FALSE(defaults.lots.contiguity_m.has_value());
    CHECK(defaults.lots.currency == "CNY");
}

TEST_CASE("lots section errors name the line and key", "[config][lots]") {
    CHECK_THAT(config_error(head() + "[lots]\ngroup_by = [\"vintage\", \"colour\"]\n"),
               Catch::StartsWith("project.toml:11: lots.group_by: expected one of vintage, profile, habitat, owner"));
    CHECK(config_error(head() + "[lots]\ngroup_by = [\"owner\", \"owner\"]\n") ==
          "project.toml:11: lots.group_by: \"owner\" named twice");
    CHECK(config_error(head() + "[lots]\ntarget_t_co2e = 0\n") ==
          "project.toml:11: lots.target_t_co2e: must be greater than 0 (got 0)");
    CHECK(config_error(head() + "[lots]\nstart_price = -1\n") ==
          "project.toml:11: lots.start_price: must not be negative (got -1)");
    CHECK_THAT(config_error(head() + "[lots]\nreserve = 3\n"),
               Catch::StartsWith("project.toml:11: lots.reserve: unknown key"));
}

TEST_CASE("report section layers and title", "[config][report]") {
    const auto cfg = parse_project(head() + "[report]\ntitle = \"Xiangshan\"\nlayers = [\"stock_bgb\", \"habitat\"]\n",
                                   "project.toml");
    CHECK(cfg.report.title == "Xiangshan");
    CHECK(cfg.report.layers == std::vector<std::string>{"stock_bgb", "habitat"});
    CHECK(config_error(head() + "[report]\nlayers = [\"habitat\",\n  \"stock_mangrove\"]\n") ==
          "project.toml:12: report.layers: unknown layer \"stock_mangrove\" (known: habitat, stock_total, stock_agb, "
          "stock_bgb, stock_dead, stock_soc, uncertainty)");
}
