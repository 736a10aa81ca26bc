// `bluecarbon credits project.toml` on the sample (its monitoring map credits the afforestation and pond-retirement
// parcels) and the bad inputs of issue 13: exit 2 with a one-line error naming the key, and no output.
#include "cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

struct Sample {
    TempDir dir{"bc-credits-cli"};
    Sample() {
        const auto r = run({"sample", "--out", dir.path().string(), "--quiet", "--threads", "2"});
        if (r.code != 0)
            throw std::runtime_error(r.err);
    }
    // The sample's project file with `from` replaced by `to`, written as a new project file.
    [[nodiscard]] std::string edited(const std::string& from, const std::string& to) const {
        std::string text = slurp(dir / "project.toml");
        const auto at = text.find(from);
        if (at == std::string::npos)
            throw std::runtime_error("not in project.toml: " + from);
        text.replace(at, from.size(), to);
        const fs::path p = dir / "edited.toml";
        std::ofstream(p) << text;
        return p.string();
    }
};

} // namespace

TEST_CASE("credits on the sample credits the afforestation and pond-retirement parcels", "[cli][credits]") {
    Sample s;
    const auto r = run({"credits", (s.dir / "project.toml").string(), "--json", "--quiet", "--threads", "2"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["profile"] == "VM0033");
    CHECK(j["profile_version"] == "2.1");
    std::map<std::string, nlohmann::json> parcels;
    for (const auto& p : j["parcels"])
        parcels[p["parcel_id"].get<std::string>()] = p;
    CHECK(parcels.at("P01")["habitat_before"] == "tidal_flat");
    CHECK(parcels.at("P01")["habitat_project"] == "mangrove");
    CHECK(parcels.at("P01")["credits_t_co2e"].get<std::int64_t>() > 1000);
    CHECK(parcels.at("P02")["habitat_before"] == "aquaculture_pond");
    CHECK(parcels.at("P02")["credits_t_co2e"].get<std::int64_t>() > 1000);
    CHECK(parcels.at("P03")["credits_t_co2e"] == 0); // existing mangrove, unchanged: no removal beyond the baseline
    CHECK_THAT(parcels.at("P06")["excluded_reason"].get<std::string>(), Contains("not forest"));
    CHECK(j["summary"]["credits_t_co2e"] == parcels.at("P01")["credits_t_co2e"].get<std::int64_t>() +
                                                parcels.at("P02")["credits_t_co2e"].get<std::int64_t>());
    const auto csv = slurp(s.dir / "output" / "credits.csv");
    CHECK(csv.find("P01,VM0033,2.1,2020,2025,0,-") != std::string::npos);
    CHECK(fs::exists(s.dir / "output" / "parcels.gpkg"));

    // The human summary names the parcels and files.
    const auto h = run({"credits", (s.dir / "project.toml").string(), "--quiet", "--tile", "256"});
    REQUIRE(h.code == 0);
    CHECK_THAT(h.out, Contains("credits: VM0033 2.1, period 2020-2050"));
    CHECK_THAT(h.out, Contains("credits.csv"));
    CHECK(slurp(s.dir / "output" / "credits.csv") == csv); // another tile size, the same table
}

TEST_CASE("credits with CCER-14-002 and the project's precision table", "[cli][credits]") {
    Sample s;
    std::ofstream(s.dir / "precision.csv") << "precision_up_to_pct,discount_pct\n10,0\n20,5\n40,10\n";
    const auto p = s.edited("profile = \"vm0033\"", "profile = \"ccer-14-002\"\nprecision_table = \"precision.csv\"");
    const auto r = run({"credits", p, "--json", "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["profile"] == "CCER-14-002-V01");
    for (const auto& q : j["parcels"]) {
        const std::string id = q["parcel_id"];
        if (id == "P01" || id == "P02") {
            CHECK(q["excluded_reason"] == "");
            CHECK(q["credits_t_co2e"].get<std::int64_t>() > 1000);
        } else {
            // Existing mangrove, marsh, seagrass, forest: not afforestation of a bare flat or retired pond.
            CHECK_THAT(q["excluded_reason"].get<std::string>(), Contains("CCER-14-002-V01 covers"));
        }
    }
}

TEST_CASE("credits bad input", "[cli][credits]") {
    Sample s;
    const auto fails = [&](const std::string& project, const std::string& message) {
        const auto r = run({"credits", project, "--quiet"});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(message));
        CHECK_FALSE(fs::exists(s.dir / "output" / "credits.csv"));
    };
    fails(s.edited("discount_rate = 3", "discount_rate = 3\nvintages = [[2019, 2025]]"),
          "credits.vintages: [2019, 2025] starts before the project (start_year 2020)");
    fails(s.edited("discount_rate = 3", "discount_rate = 3\nvintages = [[2020, 2023], [2022, 2025]]"),
          "credits.vintages: [2022, 2025] overlaps the vintage before it ([2020, 2023])");
    fails(s.edited("buffer_percent = 15", "buffer_percent = 5"),
          "credits.buffer_percent: 5 is below VM0033 2.1's minimum of 10 %");
    fails(s.edited("profile = \"vm0033\"", "profile = \"ccer-14-002\""),
          "credits: missing key \"precision_table\": ccer-14-002 needs the project's precision-discount table");
    fails(s.edited("map = \"habitat_2025.tif\"", "map = \"missing_2025.tif\""), "missing_2025.tif");
    const auto r = run({"credits", (s.dir / "project.toml").string(), "--tile", "0"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("--tile"));
}
