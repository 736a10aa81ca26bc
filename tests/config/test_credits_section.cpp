// [credits]: values, default vintages, and one error per key naming the file, line and key.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include "config/config_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
using bluecarbon::test::config_error;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {
// Lines 1-6: the core sections; [credits] starts on line 7. Keep the layout: tests check line numbers.
std::string project(const std::string& credits) {
    return "[project]\n"                      // 1
           "climate_zone = \"subtropical\"\n" // 2
           "[habitat]\n"                      // 3
           "map = \"classes.tif\"\n"          // 4
           "[habitat.classes]\n"              // 5
           "5 = \"mangrove\"\n"               // 6
           + credits;
}

// A valid section; `key` names the line to replace with `line` (removed when `line` is empty); a key not in the
// section is added as line 15.
std::string credits(const std::string& key = "", const std::string& line = "") {
    const char* lines[] = {"[credits]",                      // 7
                           "start_year = 2020",              // 8
                           "end_year = 2050",                // 9
                           "profile = \"vm0033\"",           // 10
                           "buffer_percent = 15",            // 11
                           "price = 12.5",                   // 12
                           "currency = \"USD\"",             // 13
                           "discount_rate = 3",              // 14
                           "[[credits.snapshots]]",          // 15
                           "year = 2020",                    // 16
                           "map = \"habitat.tif\"",          // 17
                           "[[credits.snapshots]]",          // 18
                           "year = 2025",                    // 19
                           "map = \"monitoring_2025.tif\""}; // 20
    const auto is_key = [&](const std::string& text) {
        return !key.empty() && (text == key || text.rfind(key + " ", 0) == 0);
    };
    bool found = false;
    for (const char* l : lines)
        found = found || is_key(l);
    std::string s;
    bool replaced = false;
    for (const char* l : lines) {
        const std::string text(l);
        if (found && !replaced && is_key(text)) {
            if (!line.empty())
                s += line + "\n";
            replaced = true;
            continue;
        }
        // A key that is not there goes at the end of [credits] proper (line 15), before the snapshot tables.
        if (!found && !line.empty() && text == "[[credits.snapshots]]" && !replaced) {
            s += line + "\n";
            replaced = true;
        }
        s += text + "\n";
    }
    return s;
}
} // namespace

TEST_CASE("credits section values and default vintages", "[config][credits]") {
    const auto cfg = parse_project(project(credits()), "/data/p/project.toml");
    const auto& c = cfg.credits;
    REQUIRE(c.present);
    CHECK(c.start_year == 2020);
    CHECK(c.end_year == 2050);
    CHECK(c.profile == "vm0033");
    CHECK(c.buffer_percent == 15.0);
    CHECK(c.price == std::optional<double>(12.5));
    CHECK(c.currency == "USD");
    CHECK(c.discount_rate_pct == 3.0);
    REQUIRE(c.snapshots.size() == 2);
    CHECK(c.snapshots[0].year == 2020);
    CHECK(c.snapshots[1].map == fs::path("/data/p/monitoring_2025.tif"));
    CHECK(c.snapshots[1].origin.str() == "/data/p/project.toml:20: credits.snapshots[2].map");
    // One vintage per monitoring period: [2020, 2025).
    REQUIRE(c.vintages.size() == 1);
    CHECK(c.vintages[0].start == 2020);
    CHECK(c.vintages[0].end == 2025);
    CHECK_FALSE(c.baseline_map);
    CHECK_FALSE(c.precision_table);
}

TEST_CASE("credits section explicit vintages and optional paths", "[config][credits]") {
    const auto cfg = parse_project(project(credits("", "baseline_map = \"base.tif\"\nprice_table = \"p.csv\"\n"
                                                       "vintages = [[2020, 2022], [2023, 2025]]")),
                                   "/data/p/project.toml");
    REQUIRE(cfg.credits.vintages.size() == 2);
    CHECK(cfg.credits.vintages[1].start == 2023);
    CHECK(cfg.credits.baseline_map == std::optional<fs::path>("/data/p/base.tif"));
    CHECK(cfg.credits.price_table == std::optional<fs::path>("/data/p/p.csv"));
    // A price table alone is enough.
    CHECK(parse_project(project(credits("price", "price_table = \"p.csv\"")), "/p/project.toml").credits.price_table);
    // Without a [credits] section nothing is present.
    CHECK_FALSE(parse_project(project(""), "/p/project.toml").credits.present);
}

TEST_CASE("credits section errors name the key and line", "[config][credits]") {
    CHECK(config_error(project(credits("start_year"))) == "project.toml:7: credits: missing key \"start_year\"");
    CHECK(config_error(project(credits("start_year", "start_year = \"2020\""))) ==
          "project.toml:8: credits.start_year: expected an integer, found a string");
    CHECK(config_error(project(credits("start_year", "start_year = 20"))) ==
          "project.toml:8: credits.start_year: must be a four-digit year (got 20)");
    CHECK(config_error(project(credits("end_year"))) == "project.toml:7: credits: missing key \"end_year\"");
    CHECK(config_error(project(credits("end_year", "end_year = 2020"))) ==
          "project.toml:9: credits.end_year: must be after start_year (2020 <= 2020)");
    CHECK(config_error(project(credits("profile"))) == "project.toml:7: credits: missing key \"profile\"");
    CHECK(config_error(project(credits("profile", "profile = \"vm0007\""))) ==
          "project.toml:10: credits.profile: unknown profile \"vm0007\" (vm0033 or ccer-14-002)");
    CHECK(config_error(project(credits("buffer_percent"))) ==
          "project.toml:7: credits: missing key \"buffer_percent\"");
    CHECK(config_error(project(credits("buffer_percent", "buffer_percent = 120"))) ==
          "project.toml:11: credits.buffer_percent: must be a percentage, 0 to 100 (got 120)");
    CHECK(config_error(project(credits("price"))) ==
          "project.toml:7: credits: missing key \"price\" (or a price_table)");
    CHECK(config_error(project(credits("price", "price = -1"))) ==
          "project.toml:12: credits.price: must not be negative (got -1)");
    CHECK(config_error(project(credits("price_table", "price_table = \"\""))) ==
          "project.toml:15: credits.price_table: must not be empty");
    CHECK(config_error(project(credits("currency"))) == "project.toml:7: credits: missing key \"currency\"");
    CHECK(config_error(project(credits("discount_rate", "discount_rate = 100"))) ==
          "project.toml:14: credits.discount_rate: must be a percentage per year, 0 to < 100 (got 100)");
    CHECK(config_error(project(credits("", "colour = 1"))) ==
          "project.toml:15: credits.colour: unknown key (known: start_year, end_year, profile, buffer_percent, "
          "price, currency, price_table, discount_rate, snapshots, baseline_map, vintages, precision_table)");
    CHECK(config_error(project(credits("baseline_map", "baseline_map = 3"))) ==
          "project.toml:15: credits.baseline_map: expected a string, found an integer");
}

TEST_CASE("credits snapshots errors", "[config][credits]") {
    // Only one snapshot (line 18 removed: its keys then belong to the first table, which repeats them).
    const std::string one = "[credits]\nstart_year = 2020\nend_year = 2050\nprofile = \"vm0033\"\nbuffer_percent = 15\n"
                            "price = 1\ncurrency = \"USD\"\n[[credits.snapshots]]\nyear = 2020\nmap = \"h.tif\"\n";
    CHECK_THAT(config_error(project(one)),
               Contains("project.toml:7: credits: needs at least two [[credits.snapshots]]"));
    CHECK(config_error(project(credits("year = 2025", "year = 2019"))) ==
          "project.toml:19: credits.snapshots[2].year: snapshots must be in time order (2019 is not after 2020)");
    CHECK(config_error(project(credits("year = 2020", "year = 2021"))) ==
          "project.toml:16: credits.snapshots[1].year: the first snapshot (2021) is the state before the project: it "
          "must not be after start_year (2020)");
    CHECK(config_error(project(credits("year = 2025", "year = 2051"))) ==
          "project.toml:19: credits.snapshots[2].year: 2051 is after the crediting period (end_year 2050)");
    CHECK(config_error(project(credits("map = \"monitoring_2025.tif\""))) ==
          "project.toml:18: credits.snapshots[2]: missing key \"map\"");
    CHECK(config_error(project(credits("year = 2025", "when = 2025"))) ==
          "project.toml:19: credits.snapshots[2].when: unknown key (known: year, map)");
    // Monitoring must come after the start: a start in 2025 with a 2025 snapshot.
    CHECK(config_error(project(credits("start_year", "start_year = 2025"))) ==
          "project.toml:19: credits.snapshots[2].year: a monitoring snapshot (2025) must be after start_year (2025)");
}

TEST_CASE("credits vintages errors", "[config][credits]") {
    CHECK(config_error(project(credits("", "vintages = [[2019, 2022]]"))) ==
          "project.toml:15: credits.vintages: [2019, 2022] starts before the project (start_year 2020)");
    CHECK(config_error(project(credits("", "vintages = [[2020, 2023], [2022, 2025]]"))) ==
          "project.toml:15: credits.vintages: [2022, 2025] overlaps the vintage before it ([2020, 2023])");
    CHECK(config_error(project(credits("", "vintages = [[2022, 2022]]"))) ==
          "project.toml:15: credits.vintages: [2022, 2022] must end after it starts");
    CHECK(config_error(project(credits("", "vintages = [[2020, 2030]]"))) ==
          "project.toml:15: credits.vintages: [2020, 2030] is not monitored (the last snapshot is 2025)");
    CHECK(config_error(project(credits("", "vintages = [2020, 2025]"))) ==
          "project.toml:15: credits.vintages: each vintage is [start_year, end_year]");
    CHECK(config_error(project(credits("", "vintages = []"))) ==
          "project.toml:15: credits.vintages: must not be empty (leave it out for one vintage per monitoring period)");
}

TEST_CASE("ccer-14-002 needs its precision-discount table", "[config][credits]") {
    CHECK(config_error(project(credits("profile", "profile = \"ccer-14-002\""))) ==
          "project.toml:7: credits: missing key \"precision_table\": ccer-14-002 needs the project's "
          "precision-discount table (90 % reliability); it is never guessed");
    const auto cfg =
        parse_project(project(credits("profile", "profile = \"ccer-14-002\"\nprecision_table = \"precision.csv\"")),
                      "/p/project.toml");
    CHECK(cfg.credits.precision_table == std::optional<fs::path>("/p/precision.csv"));
}
