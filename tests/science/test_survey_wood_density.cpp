// Wood density fallback: measured → species → genus → family → plot mean → site mean, with levels, record counts
// and standard deviations; the shipped GWDD for the mangrove species of the sample.
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/wood_density.hpp>

#include <bluecarbon/io/survey_tables.hpp>
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// A tiny database worked by hand:
//   Rhizophoraceae / Rhizophora stylosa 0.80, 0.90     → species mean 0.85, sd 0.0707107 (n 2)
//   Rhizophoraceae / Rhizophora mucronata 0.70         → genus Rhizophora, the mean of its species' means as
//                                                         BIOMASS: (0.85 + 0.70)/2 = 0.775 (n 2; the mean of
//                                                         records, 0.8, would let stylosa count twice)
//   Rhizophoraceae / Ceriops sp 0.60                   → genus Ceriops 0.6 (n 1); family, the mean of its
//                                                         genera's means: (0.775 + 0.6)/2 = 0.6875 (n 2)
//   Acanthaceae / Avicennia marina 0.65                → species, one record: sd = 10 % = 0.065
WoodDensityDatabase rhizophora_db() {
    return WoodDensityDatabase({{"Rhizophoraceae", "Rhizophora", "stylosa", 0.80, "x"},
                                {"Rhizophoraceae", "Rhizophora", "stylosa", 0.90, "x"},
                                {"Rhizophoraceae", "Rhizophora", "mucronata", 0.70, "x"},
                                {"Rhizophoraceae", "Ceriops", "sp", 0.60, "x"},
                                {"Acanthaceae", "Avicennia", "marina", 0.65, "x"}});
}

}  // namespace

TEST_CASE("Wood density: each fallback level, with record counts and SDs", "[survey][wood_density]") {
    const auto db = rhizophora_db();
    CHECK(db.size() == 5);
    const std::vector<WoodDensityQuery> q{
        {parse_taxon("Rhizophora stylosa"), "", std::nullopt, 0},      // species (2 records)
        {parse_taxon("Rhizophora apiculata"), "", std::nullopt, 0},    // genus (2 species, 3 records)
        {parse_taxon("Ceriops tagal"), "", std::nullopt, 0},           // genus via the "sp" record (1 record)
        {parse_taxon("Bruguiera gymnorhiza"), "", std::nullopt, 0},    // unknown genus, no family given → plot mean
        {parse_taxon("Kandelia obovata"), "Rhizophoraceae", std::nullopt, 0},  // family from the trees file
        {parse_taxon("Avicennia marina"), "", 0.71, 0},                // measured wins over the database
        {parse_taxon("Avicennia marina"), "", std::nullopt, 1},        // species, one record
        {parse_taxon(""), "", std::nullopt, 2},                        // plot 2 has nothing → site mean
    };
    const auto a = assign_wood_density(db, q);
    REQUIRE(a.size() == q.size());

    CHECK(a[0].level == WoodDensityLevel::species);
    CHECK(a[0].n_records == 2);
    CHECK_THAT(a[0].value_g_cm3, WithinRel(0.85, 1e-12));
    CHECK_THAT(a[0].sd_g_cm3, WithinRel(std::sqrt(0.005), 1e-9));  // sqrt(((0.05)² + (0.05)²)/1)

    CHECK(a[1].level == WoodDensityLevel::genus);
    CHECK(a[1].n_records == 2);
    CHECK_THAT(a[1].value_g_cm3, WithinRel(0.775, 1e-12));
    CHECK_THAT(a[1].sd_g_cm3, WithinRel(0.1, 1e-9));  // the 3 records' SD: mean 0.8, sqrt((0 + 0.01 + 0.01)/2)
    CHECK(db.genus("Rhizophora")->n_records == 3);

    CHECK(a[2].level == WoodDensityLevel::genus);
    CHECK(a[2].n_records == 1);
    CHECK_THAT(a[2].value_g_cm3, WithinRel(0.6, 1e-12));
    CHECK_THAT(a[2].sd_g_cm3, WithinRel(0.06, 1e-12));  // one record: 10 %

    CHECK(a[4].level == WoodDensityLevel::family);
    CHECK(a[4].n_records == 2);
    CHECK_THAT(a[4].value_g_cm3, WithinRel(0.6875, 1e-12));
    // SD of the family's 4 records 0.8, 0.9, 0.7, 0.6 (mean 0.75): sqrt((0.0025 + 0.0225 + 0.0025 + 0.0225)/3).
    CHECK_THAT(a[4].sd_g_cm3, WithinRel(std::sqrt(0.05 / 3.0), 1e-9));

    CHECK(a[5].level == WoodDensityLevel::measured);
    CHECK(a[5].value_g_cm3 == 0.71);
    CHECK_THAT(a[5].sd_g_cm3, WithinRel(0.071, 1e-12));

    CHECK(a[6].level == WoodDensityLevel::species);
    CHECK_THAT(a[6].sd_g_cm3, WithinRel(0.065, 1e-12));

    // Plot 0 mean over the trees resolved from data: 0.85, 0.775, 0.6, 0.6875, 0.71 → 3.6225 / 5 = 0.7245.
    CHECK(a[3].level == WoodDensityLevel::plot_mean);
    CHECK(a[3].n_records == 5);
    CHECK_THAT(a[3].value_g_cm3, WithinRel(0.7245, 1e-12));

    // Site mean over all six resolved trees: (3.6225 + 0.65) / 6 = 0.712083.
    CHECK(a[7].level == WoodDensityLevel::site_mean);
    CHECK(a[7].n_records == 6);
    CHECK_THAT(a[7].value_g_cm3, WithinRel(4.2725 / 6.0, 1e-12));
}

TEST_CASE("Wood density: nothing to fall back on gives level none", "[survey][wood_density]") {
    const WoodDensityDatabase empty;
    const std::vector<WoodDensityQuery> q{{parse_taxon("Rhizophora stylosa"), "", std::nullopt, 0}};
    const auto a = assign_wood_density(empty, q);
    CHECK(a[0].level == WoodDensityLevel::none);
    CHECK(std::isnan(a[0].value_g_cm3));
    CHECK(wood_density_level_name(WoodDensityLevel::plot_mean) == "plot_mean");
    CHECK_THROWS_AS(WoodDensityDatabase({{"F", "", "x", 0.5, ""}}), std::invalid_argument);
    CHECK_THROWS_AS(WoodDensityDatabase({{"F", "G", "x", -0.5, ""}}), std::invalid_argument);
}

TEST_CASE("Wood density: the shipped Global Wood Density Database", "[survey][wood_density]") {
    const auto db = load_wood_density(read_csv(std::string(test::k_data_dir) + "/wood_density/gwdd.csv"));
    CHECK(db.size() == 16467);
    // Avicennia marina: 0.52, 0.689, 0.65, 0.732 → mean 0.64775, sd 0.0915146 (n 4).
    const auto am = db.species("Avicennia", "marina");
    REQUIRE(am);
    CHECK(am->n == 4);
    CHECK_THAT(am->mean, WithinRel(0.64775, 1e-12));
    CHECK_THAT(am->sd, WithinRel(0.09151457078884577, 1e-9));
    // The genus Kandelia: the mean of its species' means, K. candel (0.512 + 0.46 + 0.557)/3 = 0.509667 and
    // K. rheedei 0.57: (0.509667 + 0.57)/2 = 0.539833 (the mean of the 4 records, 0.52475, was SCIENCE.md's 0.525);
    // the SD is the 4 records'.
    CHECK_FALSE(db.species("Kandelia", "obovata"));
    const auto k = db.genus("Kandelia");
    REQUIRE(k);
    CHECK(k->n == 2);
    CHECK(k->n_records == 4);
    CHECK_THAT(k->mean, WithinRel((1.529 / 3.0 + 0.57) / 2.0, 1e-12));
    CHECK_THAT(k->sd, WithinRel(0.0498088010964595, 1e-9));
    CHECK(db.family_of("Kandelia") == "rhizophoraceae");
    // Synonyms resolve before the genus fallback (issue 11): Kandelia obovata takes the K. candel records
    // (0.512 + 0.46 + 0.557)/3 = 0.509667 (n 3); Bruguiera gymnorrhiza the GWDD's B. gymnorhiza,
    // (0.839 + 0.76 + 0.66 + 0.796)/4 = 0.76375 (n 4); the name used is recorded.
    const std::vector<WoodDensityQuery> syn{{parse_taxon("Kandelia obovata"), "", std::nullopt, 0},
                                            {parse_taxon("Bruguiera gymnorrhiza"), "", std::nullopt, 0}};
    const auto sa = assign_wood_density(db, syn);
    CHECK(sa[0].level == WoodDensityLevel::species);
    CHECK(sa[0].n_records == 3);
    CHECK_THAT(sa[0].value_g_cm3, WithinRel(1.529 / 3.0, 1e-12));
    CHECK(sa[0].synonym == "kandelia candel");
    CHECK(sa[1].level == WoodDensityLevel::species);
    CHECK_THAT(sa[1].value_g_cm3, WithinRel(0.76375, 1e-12));
    CHECK(sa[1].synonym == "bruguiera gymnorhiza");
    // Rhizophoraceae: 89 records of 11 genera; the mean of the genera's means (each the mean of its species'
    // means) 0.684399 (checked with Python's csv and statistics modules; the mean of the records is 0.739955).
    const auto fam = db.family("Rhizophoraceae");
    REQUIRE(fam);
    CHECK(fam->n == 11);
    CHECK(fam->n_records == 89);
    CHECK_THAT(fam->mean, WithinRel(0.6843991489571035, 1e-12));
    // Rhizophora stylosa, one record: 0.84 (SCIENCE.md's value).
    CHECK_THAT(db.species("rhizophora", "STYLOSA")->mean, WithinAbs(0.84, 1e-15));
}
