// run_tree_survey through the library: plots.csv states its residual-error convention in a header comment and
// still reads back as a table; its carbon columns follow the carbon fractions of AGB and BGB.
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/pipeline/tree_survey.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace bluecarbon;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

TEST_CASE("survey trees: plots.csv carries the residual convention as a comment and reads back",
          "[pipeline][survey]") {
    test::TempDir dir("bc-tree-survey");
    std::ofstream(dir.path() / "plots.csv") << "plot_id,area_m2,habitat\nM1,100,mangrove\n";
    // One Komiyama stem: 0.251 × 0.6 × 10^2.46 = 43.433514 kg AGB; roots 0.199 × 0.6^0.899 × 10^2.22 = 20.864647 kg
    // (test_survey_plots.cpp); expansion factor 100 /ha.
    std::ofstream(dir.path() / "trees.csv") << "plot_id,tree_id,species,dbh_cm,height_m,wood_density_g_cm3\n"
                                               "M1,T1,Ficus unknownii,10,8,0.6\n";
    pipeline::TreeSurveyRequest rq;
    rq.trees = dir.path() / "trees.csv";
    rq.plots = dir.path() / "plots.csv";
    rq.out = dir.path() / "out";
    rq.options.monte_carlo.draws = 50;
    const auto r = pipeline::run_tree_survey(rq, pipeline::RunContext{});

    std::ifstream in(rq.out / "plots.csv");
    std::stringstream text;
    text << in.rdbuf();
    REQUIRE(text.str().rfind("# bluecarbon survey trees", 0) == 0);
    CHECK_THAT(text.str(), Contains("exp(sigma z - sigma^2/2)"));
    CHECK_THAT(text.str(), Contains("BIOMASS's AGBmonteCarlo adds a plain ln-scale error"));
    const auto plots = read_csv(rq.out / "plots.csv");
    REQUIRE(plots.size() == 1);
    const auto col = [&](const char* name) { return *parse_number(plots.field(0, plots.require_column(name))); };
    // carbon = 4.3433514 Mg/ha × 0.45 + 2.0864647 Mg/ha × 0.39 (mangrove roots) = 1.9545081 + 0.8137212.
    CHECK_THAT(col("carbon_mg_c_ha"), WithinRel(4.343351443708668 * 0.45 + 2.0864647434137378 * 0.39, 1e-9));
    CHECK(col("carbon_fraction_bgb") == 0.39);
    CHECK_THAT(col("carbon_fraction_sd"), WithinRel(0.04 / 3.92, 1e-12));
    CHECK(r.survey.plots.size() == 1);
}
