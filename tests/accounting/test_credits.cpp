// Crediting profiles: the shipped versioned tables, the VM0033 and CCER chains on hand-worked parcels, whole
// tonnes with carried remainders, exclusions and bad input.
#include <bluecarbon/accounting/ccer_14_002.hpp>
#include <bluecarbon/accounting/vm0033.hpp>
#include <bluecarbon/io/profile_table.hpp>

#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

using namespace bluecarbon;
using namespace bluecarbon::accounting;
using Catch::Contains;

namespace {
ProfileValues shipped(const char* file) {
    const auto t = read_parameter_table(std::filesystem::path(test::k_data_dir) / "profiles" / file,
                                        {"profile", "version", "revision"});
    ProfileValues v{t.metadata.at("profile"), t.metadata.at("version"), {}};
    for (const auto& r : t.rows) v.values.emplace_back(r.parameter, r.value);
    return v;
}
Vm0033Profile vm0033() { return Vm0033Profile::from_values(shipped("vm0033_v2.1.csv")); }
Ccer14002Profile ccer() { return Ccer14002Profile::from_values(shipped("ccer_14_002_v01.csv")); }
}  // namespace

TEST_CASE("the shipped profile tables", "[credits][profiles]") {
    const auto v = vm0033();
    CHECK(v.version == "2.1");
    CHECK(v.allowable_uncertainty == Approx(0.20));
    CHECK(v.minimum_buffer_pct == 10.0);
    CHECK(v.default_soil_rate_t_c_per_ha_yr == 1.46);
    CHECK(v.co2_per_c == Approx(44.0 / 12.0).epsilon(1e-15));
    CHECK(v.project_habitats == std::vector<std::string>{"mangrove", "salt_marsh", "seagrass"});
    const auto c = ccer();
    CHECK(c.version == "V01");
    CHECK(c.eligible_before == std::vector<std::string>{"tidal_flat", "aquaculture_pond"});
    CHECK(c.project_habitats == std::vector<std::string>{"mangrove"});
    // Every row names its source (read_parameter_table refuses a row without one).
    const auto t = read_parameter_table(std::filesystem::path(test::k_data_dir) / "profiles" / "vm0033_v2.1.csv");
    for (const auto& r : t.rows) CHECK_FALSE(r.source.empty());
    CHECK_THROWS_WITH(Vm0033Profile::from_values(shipped("ccer_14_002_v01.csv")), Contains("not VM0033"));
}

TEST_CASE("VM0033 default soil rate gated by cover", "[credits][vm0033]") {
    const auto p = vm0033();
    CHECK(vm0033_default_soil_rate(p, 0.10) == 0.0);
    CHECK(vm0033_default_soil_rate(p, 0.15) == 0.0);
    // Half-way between 15 % and 50 %: 1.46 x (0.325 - 0.15) / 0.35 = 0.73.
    CHECK(vm0033_default_soil_rate(p, 0.325) == Approx(0.73).epsilon(1e-12));
    // The one formula (science's former cover / 50 % gave 1.46 x 0.6 = 0.876 here, jumping from 0 to 0.438 at
    // 15 %): linear from 0 at 15 % to full at 50 %, at 30 % 1.46 x 0.15 / 0.35 = 0.625714; just above 15 % ~0.
    CHECK(vm0033_default_soil_rate(p, 0.30) == Approx(1.46 * 0.15 / 0.35).epsilon(1e-12));
    CHECK(vm0033_default_soil_rate(p, 0.1501) == Approx(1.46 * 0.0001 / 0.35).epsilon(1e-9));
    CHECK(vm0033_default_soil_rate(p, 0.50) == 1.46);
    CHECK(vm0033_default_soil_rate(p, 0.90) == 1.46);
    CHECK_THROWS_AS(vm0033_default_soil_rate(p, 1.5), ConfigError);
}

TEST_CASE("whole tonnes and carried remainders", "[credits]") {
    auto a = issue_whole_tonnes(10.6, 0.0);
    CHECK(a.credits == 10);
    CHECK(a.carried == Approx(0.6).epsilon(1e-12));
    a = issue_whole_tonnes(10.6, a.carried);  // 11.2
    CHECK(a.credits == 11);
    CHECK(a.carried == Approx(0.2).epsilon(1e-9));
    a = issue_whole_tonnes(-3.2, 0.6);  // a deficit is carried, nothing issued
    CHECK(a.credits == 0);
    CHECK(a.carried == Approx(-2.6));
    CHECK(issue_whole_tonnes(0.1 + 0.2, 2.7).credits == 3);  // 2.9999999999999996: floating-point noise, not a deficit
}

TEST_CASE("VM0033 chain on a hand-worked parcel", "[credits][vm0033]") {
    const CreditParcel parcel{"P1", "tidal_flat", "mangrove", 2020, 15.0};
    const std::vector<Vm0033Vintage> vintages{
        {{2020, 2025}, 10.0, -200.0, 5.0, 0.0, 190.0, {30.0, 40.0}, 20.0},
        {{2025, 2030}, 10.0, -150.0, 0.0, 0.0, 150.0, {10.0, 10.0}, 25.0},
    };
    const auto rows = vm0033_credits(vm0033(), parcel, vintages);
    REQUIRE(rows.size() == 2);
    const auto& a = rows[0];
    CHECK(a.profile == "VM0033");
    CHECK(a.profile_version == "2.1");
    // NER = 10 - (-200) - 5 = 205; U = sqrt(30² + 40²) / 205 = 50 / 205 = 24.39 % > 20 %:
    // adjusted = 205 x (1 - 50/205 + 0.20) = 246 - 50 = 196.
    CHECK(a.ner_t_co2e == Approx(205.0));
    CHECK(a.ner_t_co2e == Approx(a.baseline_t_co2e - a.project_t_co2e - a.leakage_t_co2e));
    CHECK(a.uncertainty_pct == Approx(100.0 * 50.0 / 205.0));
    CHECK(a.adjusted_ner_t_co2e == Approx(196.0).epsilon(1e-12));
    // buffer = 190 x (1.2 - 50/205) x 15 % = 27.2488...; 196 - 27.2488 = 168.7512 -> 168 credits, 0.7512 carried.
    const double factor = 1.2 - 50.0 / 205.0;
    const double buffer1 = 190.0 * factor * 0.15;
    CHECK(a.buffer_t_co2e == Approx(buffer1).epsilon(1e-12));
    CHECK(a.credits_t_co2e == 168);
    CHECK(a.carried_t_co2e == Approx(196.0 - buffer1 - 168.0).epsilon(1e-9));
    CHECK(a.value == Approx(168 * 20.0));
    CHECK(a.excluded_reason.empty());
    const auto& b = rows[1];
    // NER 160; U = sqrt(200) / 160 = 8.84 % (no deduction); buffer 150 x 15 % = 22.5;
    // 160 - 22.5 + 0.7512 = 138.2512 -> 138 credits.
    CHECK(b.uncertainty_pct == Approx(100.0 * std::sqrt(200.0) / 160.0));
    CHECK(b.adjusted_ner_t_co2e == 160.0);
    CHECK(b.buffer_t_co2e == Approx(22.5));
    CHECK(b.credits_t_co2e == 138);
    CHECK(b.carried_t_co2e == Approx(160.0 - 22.5 + (196.0 - buffer1 - 168.0) - 138.0).epsilon(1e-9));
    CHECK(b.value == Approx(138 * 25.0));
}

TEST_CASE("VM0033 bad input and exclusions", "[credits][vm0033]") {
    const std::vector<Vm0033Vintage> one{{{2020, 2025}, 0.0, -10.0, 0.0, 0.0, 10.0, {}, 0.0}};
    SECTION("a buffer below 10 %") {
        CHECK_THROWS_WITH(vm0033_credits(vm0033(), {"P1", "tidal_flat", "mangrove", 2020, 5.0}, one),
                          Contains("buffer_percent 5.000000 is below VM0033's minimum of 10"));
    }
    SECTION("a vintage before the project start") {
        CHECK_THROWS_WITH(vm0033_credits(vm0033(), {"P1", "tidal_flat", "mangrove", 2021, 10.0}, one),
                          Contains("parcel P1: vintage 2020-2025 starts before the project (2021)"));
    }
    SECTION("overlapping vintages") {
        auto two = one;
        two.push_back({{2024, 2028}, 0.0, -10.0, 0.0, 0.0, 10.0, {}, 0.0});
        CHECK_THROWS_WITH(vm0033_credits(vm0033(), {"P1", "tidal_flat", "mangrove", 2020, 10.0}, two),
                          Contains("vintage 2024-2028 overlaps the vintage before it (2020-2025)"));
    }
    SECTION("a parcel the profile does not cover is excluded, not credited") {
        const auto rows = vm0033_credits(vm0033(), {"F1", "forest", "forest", 2020, 10.0}, one);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].credits_t_co2e == 0);
        CHECK(rows[0].excluded_reason ==
              "VM0033 covers tidal wetland and seagrass restoration (mangrove, salt_marsh, seagrass), not forest");
    }
}

TEST_CASE("CCER-14-002-V01 chain on a hand-worked parcel", "[credits][ccer]") {
    const CreditParcel parcel{"P2", "aquaculture_pond", "mangrove", 2021, 0.0};
    // The project's own precision-discount table (test values): up to 10 % none, up to 20 % 5 %, up to 30 % 10 %.
    const std::vector<PrecisionDiscountRow> table{{10, 0}, {20, 5}, {30, 10}};
    const std::vector<Ccer14002Vintage> vintages{{{2021, 2026}, 30.0, 6.0, 15.0, 50.0},
                                                 {{2026, 2031}, 20.0, 4.5, 8.0, 50.0}};
    const auto rows = ccer_14_002_credits(ccer(), parcel, vintages, table);
    REQUIRE(rows.size() == 2);
    // Removal = (30 + 6) x 44/12 = 132; baseline 0, leakage 0; NER 132; precision 15 % -> 5 % discount:
    // 132 x 0.95 = 125.4 -> 125 credits, 0.4 carried.
    CHECK(rows[0].profile == "CCER-14-002-V01");
    CHECK(rows[0].baseline_t_co2e == 0.0);
    CHECK(rows[0].project_t_co2e == Approx(-132.0).epsilon(1e-12));
    CHECK(rows[0].ner_t_co2e == Approx(132.0).epsilon(1e-12));
    CHECK(rows[0].adjusted_ner_t_co2e == Approx(125.4).epsilon(1e-12));
    CHECK(rows[0].credits_t_co2e == 125);
    CHECK(rows[0].carried_t_co2e == Approx(0.4).epsilon(1e-9));
    CHECK(rows[0].value == Approx(125 * 50.0));
    // (20 + 4.5) x 44/12 = 89.8333; precision 8 % -> no discount; + 0.4 = 90.2333 -> 90, 0.2333 carried.
    CHECK(rows[1].ner_t_co2e == Approx(24.5 * 44.0 / 12.0).epsilon(1e-12));
    CHECK(rows[1].credits_t_co2e == 90);
    CHECK(rows[1].carried_t_co2e == Approx(24.5 * 44.0 / 12.0 + 0.4 - 90.0).epsilon(1e-9));
}

TEST_CASE("CCER-14-002-V01 refuses to guess and excludes what it does not cover", "[credits][ccer]") {
    const std::vector<Ccer14002Vintage> one{{{2021, 2026}, 30.0, 6.0, 15.0, 0.0}};
    SECTION("no precision-discount table") {
        CHECK_THROWS_WITH(ccer_14_002_credits(ccer(), {"P2", "tidal_flat", "mangrove", 2021, 0.0}, one, std::nullopt),
                          Contains("needs the project's precision-discount table"));
    }
    SECTION("a precision beyond the table") {
        const std::vector<PrecisionDiscountRow> table{{10, 0}};
        CHECK_THROWS_WITH(ccer_14_002_credits(ccer(), {"P2", "tidal_flat", "mangrove", 2021, 0.0}, one, table),
                          Contains("is beyond the precision-discount table"));
    }
    SECTION("a mangrove profile on forest") {
        const std::vector<PrecisionDiscountRow> table{{100, 0}};
        const auto rows = ccer_14_002_credits(ccer(), {"F1", "forest", "mangrove", 2021, 0.0}, one, table);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].credits_t_co2e == 0);
        CHECK(rows[0].excluded_reason == "CCER-14-002-V01 covers mangrove afforestation on tidal_flat or "
                                         "aquaculture_pond before the project, not forest");
    }
}

TEST_CASE("credit rows map 1:1 to the credits.csv columns", "[credits]") {
    CHECK(k_credit_columns.front() == "parcel_id");
    CHECK(k_credit_columns.back() == "excluded_reason");
    CreditRow r;
    r.parcel_id = "P";
    r.vintage_start = 2020;
    r.credits_t_co2e = 7;
    r.value = 1.5;
    const auto f = credit_row_fields(r);
    CHECK(std::get<std::string>(f[0]) == "P");
    CHECK(std::get<std::int64_t>(f[3]) == 2020);
    CHECK(std::get<std::int64_t>(f[12]) == 7);
    CHECK(std::get<double>(f[14]) == 1.5);
}
