// Plot biomass and carbon: hand-worked plots (species/genus/default equations, nested expansion factors, dead
// stems, root:shoot, Chave's E height curve), and the Monte Carlo (thread-count determinism, mean vs the
// deterministic value).
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include "support/same_bits.hpp"
#include "science/shipped_allometry.hpp"
#include "test_config.hpp"
#include <bluecarbon/io/survey_tables.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using bluecarbon::test::same_bits;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

WoodDensityDatabase two_species_db() {
    return WoodDensityDatabase({{"Meliaceae", "Xylocarpus", "granatum", 0.60, ""},
                                {"Acanthaceae", "Avicennia", "marina", 0.65, ""}});
}

TreeRecord tree(std::string plot, std::string id, std::string species, double d, std::optional<double> h,
                std::optional<double> wd, TreeStatus status = TreeStatus::live, std::size_t line = 0) {
    TreeRecord t;
    t.plot_id = std::move(plot);
    t.tree_id = std::move(id);
    t.species = std::move(species);
    t.dbh_cm = d;
    t.height_m = h;
    t.wood_density_g_cm3 = wd;
    t.status = status;
    t.line = line;
    return t;
}

// P1: mangrove, 100 m² (expansion factor 100 /ha), subtropical.
// P2: forest, 400 m² with nested classes "0:100;10:400" (D < 10 cm counted in 100 m², EF 100; D ≥ 10 in 400 m²,
//     EF 25), chave_e = 0.1, no measured heights.
struct Fixture {
    std::vector<PlotRecord> plots;
    std::vector<TreeRecord> trees;
    Fixture() {
        PlotRecord p1;
        p1.plot_id = "P1";
        p1.area_m2 = 100;
        p1.habitat = "mangrove";
        p1.line = 2;
        PlotRecord p2;
        p2.plot_id = "P2";
        p2.area_m2 = 400;
        p2.habitat = "forest";
        p2.chave_e = 0.1;
        p2.nested = parse_nested("0:100;10:400");
        p2.line = 3;
        plots = {p1, p2};
        trees = {
            tree("P1", "T1", "Kandelia obovata", 10, 8.0, 0.6, TreeStatus::live, 2),
            tree("P1", "T2", "Avicennia marina", 10, 8.0, 0.6, TreeStatus::live, 3),
            tree("P1", "T3", "Ficus unknownii", 10, 8.0, 0.6, TreeStatus::live, 4),
            tree("P1", "T4", "Avicennia marina", 10, 8.0, std::nullopt, TreeStatus::dead, 5),
            tree("P2", "T5", "Xylocarpus granatum", 5, std::nullopt, std::nullopt, TreeStatus::live, 6),
            tree("P2", "T6", "Xylocarpus granatum", 20, std::nullopt, std::nullopt, TreeStatus::live, 7),
        };
    }
};

}  // namespace

TEST_CASE("Plot carbon: a hand-worked mangrove plot and a nested forest plot", "[survey][plots]") {
    const Fixture f;
    const auto table = test::shipped_allometry_table();
    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 0;
    const auto r = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
    REQUIRE(r.trees.size() == 6);
    REQUIRE(r.plots.size() == 2);

    // P1 stems (D 10, H 8, ρ 0.6; values from test_survey_allometry.cpp):
    //   T1 Kandelia obovata without d01_cm: Khan 2005 is fitted on D0.1, so the mangrove default (Komiyama)
    //      0.251 × 0.6 × 10^2.46 = 43.433514 kg, with the reason in equation_note; no Kandelia root equation →
    //      Komiyama roots 0.199 × 0.6^0.899 × 10^2.22 = 20.864647 kg.
    //   T2 Avicennia marina: Comley 2005 AGB 39.994475 kg, roots 18.923436 kg.
    //   T3 unknown species: mangrove default (Komiyama) 43.433514 kg, roots 20.864647 kg.
    //   T4 dead Avicennia marina: same AGB as T2, not counted.
    const auto& t = r.trees;
    CHECK(t[0].equation == "komiyama");
    CHECK(t[0].equation_level == EquationLevel::fallback);
    CHECK_THAT(t[0].equation_note, Catch::Matchers::Contains("'khan2005-kandelia-obovata' is fitted on D0.1"));
    CHECK(t[1].equation_note.empty());
    CHECK(t[0].bgb_equation == "komiyama-roots");
    CHECK_THAT(t[0].agb_kg, WithinRel(43.43351443708668, 1e-12));
    CHECK_THAT(t[0].bgb_kg, WithinRel(20.864647434137378, 1e-12));
    CHECK(t[1].equation == "comley2005-avicennia-marina");
    CHECK(t[1].bgb_equation == "comley2005-avicennia-marina-roots");
    CHECK(t[2].equation == "komiyama");
    CHECK(t[2].equation_level == EquationLevel::fallback);
    CHECK_THAT(t[2].agb_kg, WithinRel(43.43351443708668, 1e-12));
    CHECK_FALSE(t[3].counted);
    CHECK(t[3].wood_density.level == WoodDensityLevel::species);  // dead stem still gets its density
    for (int i = 0; i < 4; ++i) {
        CHECK(t[i].height_source == HeightSource::measured);
        CHECK(t[i].expansion_factor_per_ha == 100.0);
    }

    // P1 per hectare: AGB = (43.433514 + 39.994475 + 43.433514) kg × 100 /ha / 1000 = 12.686150 Mg/ha;
    // BGB = (20.864647 + 18.923436 + 20.864647) × 0.1 = 6.065273 Mg/ha;
    // carbon = 12.686150 × 0.45 (AGB, WS2013 Table 4.2) + 6.065273 × 0.39 (mangrove roots, Kauffman & Donato
    // 2012) = 5.708768 + 2.365457 = 8.074224 Mg C/ha; dead AGB = 39.994475 × 0.1 = 3.999447.
    const auto& p1 = r.plots[0];
    CHECK(p1.n_trees == 3);
    CHECK(p1.n_stems == 3);
    CHECK(p1.n_dead == 1);
    CHECK_THAT(p1.agb_mg_ha, WithinRel(12.68615038502831, 1e-12));
    CHECK_THAT(p1.bgb_mg_ha, WithinRel(6.065273105472451, 1e-12));
    CHECK_THAT(p1.carbon_mg_c_ha, WithinRel(8.074224184396996, 1e-12));

    // With D0.1 measured (d01_cm = 12), T1 takes Khan 2005 on D0.1: 0.04117 × 12² × 8 = 47.42784 kg.
    auto with_d01 = f.trees;
    with_d01[0].d01_cm = 12.0;
    const auto rd = compute_tree_survey(with_d01, f.plots, table, two_species_db(), {}, opt);
    CHECK(rd.trees[0].equation == "khan2005-kandelia-obovata");
    CHECK(rd.trees[0].equation_level == EquationLevel::species);
    CHECK(rd.trees[0].equation_note.empty());
    CHECK_THAT(rd.trees[0].agb_kg, WithinRel(47.42784, 1e-12));
    CHECK_THAT(p1.dead_agb_mg_ha, WithinRel(3.9994474976109737, 1e-12));
    CHECK(p1.carbon_fraction == 0.45);
    CHECK(p1.carbon_fraction_bgb == 0.39);
    CHECK_FALSE(p1.carbon_fraction_bgb_follows_agb);
    CHECK(std::isnan(p1.root_shoot));  // every stem had a root equation

    // P2 (Nouragues-style: E known, no measured height in the plot): "auto" takes Chave 2014's Eq. 7 as refitted
    // in BIOMASS, ln AGB = −2.023977 − 0.89563505 E + 0.92023559 ln ρ + 2.79495823 ln D − 0.04606298 (ln D)²,
    // with E = 0.1 and ρ = 0.6 (Xylocarpus granatum, one record):
    //   D 5:  exp(−2.023977 − 0.089563505 + 0.92023559 ln 0.6 + 2.79495823 ln 5 − 0.04606298 (ln 5)²)
    //         = 6.021731 kg, EF 100 (D < 10 → 100 m² class)
    //   D 20: same with ln 20 → 216.142518 kg, EF 25
    // AGB = (6.021731 × 100 + 216.142518 × 25) / 1000 = 6.005736 Mg/ha; BGB = 0.26 × AGB = 1.561491;
    // carbon = (6.005736 + 1.561491) × 0.4713 (Thomas & Martin 2012, as BIOMASS) = 3.566434 Mg C/ha. Heights are still modelled (Chave's E curve, for
    // the heights column) but the equation does not use them.
    CHECK(t[4].equation == "chave2014-e");
    CHECK(t[5].equation == "chave2014-e");
    CHECK(t[4].equation_level == EquationLevel::fallback);
    CHECK(t[4].bgb_equation == "root_shoot");
    CHECK(t[4].root_shoot == 0.26);
    CHECK(t[4].expansion_factor_per_ha == 100.0);
    CHECK(t[5].expansion_factor_per_ha == 25.0);
    CHECK_THAT(t[4].agb_kg, WithinRel(6.021731365093728, 1e-12));
    CHECK_THAT(t[5].agb_kg, WithinRel(216.14251781177805, 1e-12));
    const auto& p2 = r.plots[1];
    CHECK(std::isnan(p1.height_model_rse));  // every P1 height was measured and no model was available
    CHECK_THAT(p2.agb_mg_ha, WithinRel(6.005736081803824, 1e-12));
    CHECK_THAT(p2.bgb_mg_ha, WithinRel(1.5614913812689943, 1e-12));
    CHECK_THAT(p2.carbon_mg_c_ha, WithinRel(3.5664343033462194, 1e-12));
    CHECK(p2.carbon_fraction == 0.4713);
    CHECK(p2.carbon_fraction_sd == 0.0206);
    CHECK(p2.carbon_fraction_bgb == 0.4713);
    CHECK(p2.carbon_fraction_bgb_follows_agb);
    CHECK(p2.root_shoot == 0.26);

    // Asked for explicitly (--equation chave2014): heights from Chave's E curve (E = 0.1) and Eq. 4:
    //   D 5:  ln H = 0.893 − 0.1 + 0.760 ln 5 − 0.0340 (ln 5)² (+ 0.243²/2) → H = 7.082503 m
    //   D 20: → H = 16.348743 m
    //   D 5:  0.0673 (0.6 × 7.082503 × 25)^0.976 = 6.392378 kg; D 20: 0.0673 (0.6 × 16.348743 × 400)^0.976
    //         = 216.502035 kg
    // AGB = (6.392378 × 100 + 216.502035 × 25) / 1000 = 6.051789 Mg/ha; BGB = 0.26 × AGB = 1.573465;
    // carbon = (6.051789 + 1.573465) × 0.4713 = 3.593782 Mg C/ha.
    opt.default_equation = "chave2014";
    const auto r4 = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
    const auto& t4 = r4.trees;
    CHECK(t4[4].height_source == HeightSource::chave_e);
    CHECK_THAT(t4[4].height_m, WithinRel(7.082503451530112, 1e-12));
    CHECK_THAT(t4[5].height_m, WithinRel(16.348743182836987, 1e-12));
    CHECK(t4[4].equation == "chave2014");
    CHECK_THAT(t4[4].agb_kg, WithinRel(6.392377950788726, 1e-12));
    CHECK_THAT(t4[5].agb_kg, WithinRel(216.50203503358983, 1e-12));
    const auto& p2h = r4.plots[1];
    CHECK(p2h.height_model == HeightSource::chave_e);
    CHECK(p2h.height_model_rse == k_chave_e_height_rse);
    CHECK(p2h.height_model_n == 0);
    CHECK_THAT(p2h.agb_mg_ha, WithinRel(6.051788670918618, 1e-12));
    CHECK_THAT(p2h.bgb_mg_ha, WithinRel(1.5734650544388407, 1e-12));
    CHECK_THAT(p2h.carbon_mg_c_ha, WithinRel(3.59378208076097, 1e-12));
}

TEST_CASE("Plot carbon: options change the equations, the dead rule and the Tier-1 factors", "[survey][plots]") {
    const Fixture f;
    const auto table = test::shipped_allometry_table();
    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 0;
    SECTION("dead stems included") {
        opt.dead_trees = DeadTreeRule::include;
        const auto r = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
        CHECK(r.trees[3].counted);
        CHECK(r.plots[0].n_stems == 4);
        // + T4: 39.994475 kg (its ρ is the Avicennia marina record, unused by Comley's equation) × 0.1.
        CHECK_THAT(r.plots[0].agb_mg_ha, WithinRel(12.68615038502831 + 3.9994474976109737, 1e-12));
        CHECK_THAT(r.dead_rule, Catch::Matchers::Contains("counted like live"));
    }
    SECTION("no species equations, root:shoot for all, overridden carbon fraction") {
        opt.species_equations = false;
        opt.bgb = BgbMethod::root_shoot;
        opt.carbon.carbon_fraction = 0.5;
        const auto r = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
        // Every P1 stem: Komiyama 43.433514 kg; BGB = 0.96 (subtropical mangrove) × AGB.
        CHECK(r.trees[0].equation == "komiyama");
        CHECK(r.trees[0].root_shoot == 0.96);
        CHECK_THAT(r.plots[0].agb_mg_ha, WithinRel(3 * 4.343351443708668, 1e-12));
        CHECK_THAT(r.plots[0].bgb_mg_ha, WithinRel(0.96 * 3 * 4.343351443708668, 1e-12));
        // The override applies to roots too (mangrove roots otherwise 0.39), with no error.
        CHECK_THAT(r.plots[0].carbon_mg_c_ha, WithinRel(1.96 * 3 * 4.343351443708668 * 0.5, 1e-12));
        CHECK(r.plots[0].carbon_fraction_sd == 0.0);
        opt.carbon.root_carbon_fraction = 0.4;
        const auto rr = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
        // AGB 3 × 4.343351 × 0.5 + BGB 0.96 × 3 × 4.343351 × 0.4 = 6.515027 + 5.003541 = 11.518568 Mg C/ha.
        CHECK_THAT(rr.plots[0].carbon_mg_c_ha,
                   WithinRel(3 * 4.343351443708668 * 0.5 + 0.96 * 3 * 4.343351443708668 * 0.4, 1e-12));
    }
    SECTION("tropical dry climate and a named default equation") {
        auto plots = f.plots;
        plots[0].climate = Climate::tropical_dry;
        opt.bgb = BgbMethod::root_shoot;
        opt.default_equation = "chave2014-e";
        plots[0].chave_e = 0.1;
        const auto r = compute_tree_survey(f.trees, plots, table, two_species_db(), {}, opt);
        CHECK(r.trees[0].root_shoot == 0.29);
        // T3 falls to the named default: Chave E-form, 36.884356 kg (test_survey_allometry.cpp).
        CHECK(r.trees[2].equation == "chave2014-e");
        CHECK_THAT(r.trees[2].agb_kg, WithinRel(36.88435601950135, 1e-12));
        // P2 stems have no species row either: the named default applies there too.
        CHECK(r.trees[4].equation == "chave2014-e");
    }
    SECTION("errors name the stem and the missing input") {
        auto plots = f.plots;
        plots[1].chave_e.reset();  // P2: no heights and no E → nothing applies
        CHECK_THROWS_WITH(
            compute_tree_survey(f.trees, plots, table, two_species_db(), {}, opt, serial_for, "trees.csv"),
            Catch::Matchers::StartsWith("trees.csv:6: tree 'T5' in plot 'P2': no equation applies"));
        opt.default_equation = "no-such";
        CHECK_THROWS_AS(compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt), ConfigError);
        opt.default_equation = "komiyama-roots";
        CHECK_THROWS_WITH(compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt),
                          Catch::Matchers::Contains("below-ground"));
        opt.default_equation = "auto";
        auto trees = f.trees;
        trees[0].plot_id = "P9";
        CHECK_THROWS_WITH(compute_tree_survey(trees, f.plots, table, two_species_db(), {}, opt),
                          Catch::Matchers::Contains("the plot is not in plots"));
        auto plots2 = f.plots;
        plots2[1].height_region = "Atlantis";
        plots2[1].chave_e.reset();
        CHECK_THROWS_WITH(compute_tree_survey(f.trees, plots2, table, two_species_db(), {}, opt),
                          Catch::Matchers::Contains("height region 'Atlantis'"));
    }
}

TEST_CASE("Plot carbon: local, site and regional height models", "[survey][plots][height]") {
    const auto table = test::shipped_allometry_table();
    // The seven trees of test_survey_height.cpp measured in plot A, plus one unmeasured tree at D = 18 cm.
    PlotRecord a;
    a.plot_id = "A";
    a.area_m2 = 1000;
    a.habitat = "forest";
    PlotRecord b = a;
    b.plot_id = "B";
    PlotRecord c = a;
    c.plot_id = "C";
    c.height_region = "Test";
    std::vector<TreeRecord> trees;
    const double D[] = {5, 8, 12, 15, 20, 25, 30};
    const double H[] = {4.1, 6.0, 8.2, 9.1, 11.5, 12.8, 14.0};
    for (int i = 0; i < 7; ++i) trees.push_back(tree("A", "m" + std::to_string(i), "X y", D[i], H[i], 0.6));
    trees.push_back(tree("A", "u", "X y", 18, std::nullopt, 0.6));
    trees.push_back(tree("B", "u", "X y", 18, std::nullopt, 0.6));
    trees.push_back(tree("C", "u", "X y", 20, std::nullopt, 0.6));
    const WeibullHeightCurve curve{"test", 50.0, 0.05, 0.8, 0.2, "made up"};
    const std::vector<WeibullHeightCurve> curves{curve};

    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 0;
    opt.height_min_trees = 7;
    SECTION("plot A fits its own model; B and C borrow the site model (the same 7 trees)") {
        const auto r = compute_tree_survey(trees, std::vector<PlotRecord>{a, b, c}, table, WoodDensityDatabase{}, curves, opt);
        REQUIRE(r.plots[0].height_fit);
        CHECK(r.plots[0].height_model == HeightSource::plot_model);
        // numpy reference (test_survey_height.cpp): mean height at D 18 = 10.544588374009038 m.
        CHECK_THAT(r.trees[7].height_m, WithinRel(10.544588374009038, 1e-9));
        CHECK(r.trees[7].height_source == HeightSource::plot_model);
        CHECK(r.trees[8].height_source == HeightSource::site_model);
        CHECK_THAT(r.trees[8].height_m, WithinRel(10.544588374009038, 1e-9));
        CHECK(r.trees[9].height_source == HeightSource::site_model);  // the site model outranks the region
        CHECK(r.plots[0].height_model_n == 7);
        CHECK_THAT(r.plots[0].height_model_rse, WithinRel(0.021096447529010694, 1e-8));
        CHECK(r.plots[1].height_model == HeightSource::site_model);
        CHECK(r.plots[1].height_model_n == 7);
        REQUIRE(r.site_height_fit);
        CHECK(r.site_height_fit->n == 7);
    }
    SECTION("with more trees required, plot C uses its regional curve and B has no height") {
        opt.height_min_trees = 8;
        std::vector<TreeRecord> t2(trees.begin(), trees.begin() + 7);
        t2.push_back(tree("C", "u", "X y", 20, std::nullopt, 0.6));
        const auto r = compute_tree_survey(t2, std::vector<PlotRecord>{a, c}, table, WoodDensityDatabase{}, curves, opt);
        CHECK_FALSE(r.site_height_fit);
        CHECK(r.trees[7].height_source == HeightSource::regional);
        // 50 (1 − exp(−0.05 × 20^0.8)) = 21.131740 m.
        CHECK_THAT(r.trees[7].height_m, WithinRel(21.13173965088986, 1e-12));
        t2.push_back(tree("B", "u", "X y", 18, std::nullopt, 0.6));
        CHECK_THROWS_WITH(compute_tree_survey(t2, std::vector<PlotRecord>{a, b, c}, table, WoodDensityDatabase{}, curves, opt),
                          Catch::Matchers::Contains("tree 'u' in plot 'B': no equation applies"));
    }
}

TEST_CASE("Nested plot designs and expansion factors", "[survey][plots]") {
    const auto n = parse_nested(" 0:50 ; 5:400;20:1000 ");
    REQUIRE(n.size() == 3);
    PlotRecord p;
    p.area_m2 = 1000;
    p.nested = n;
    CHECK(expansion_factor_per_ha(p, 2.0) == 200.0);   // 10000 / 50
    CHECK(expansion_factor_per_ha(p, 5.0) == 25.0);    // 10000 / 400
    CHECK(expansion_factor_per_ha(p, 19.9) == 25.0);
    CHECK(expansion_factor_per_ha(p, 35.0) == 10.0);   // 10000 / 1000
    p.nested = parse_nested("2.5:50;10:400");
    CHECK_FALSE(expansion_factor_per_ha(p, 2.0));     // below the smallest class
    p.nested.clear();
    CHECK(expansion_factor_per_ha(p, 2.0) == 10.0);
    CHECK(parse_nested("").empty());
    CHECK_THROWS_AS(parse_nested("5:400;0:50"), std::invalid_argument);
    CHECK_THROWS_AS(parse_nested("0:50;5"), std::invalid_argument);
    CHECK_THROWS_AS(parse_nested("0:0"), std::invalid_argument);
    CHECK_THROWS_AS(parse_nested("-1:50"), std::invalid_argument);
    CHECK_THROWS_AS(parse_nested("a:b"), std::invalid_argument);
    CHECK(parse_climate("Tropical-Wet") == Climate::tropical_wet);
    CHECK_FALSE(parse_climate("temperate"));
}

namespace {

bool same_summary(const McSummary& a, const McSummary& b) {
    return a.draws == b.draws && same_bits(a.mean, b.mean) && same_bits(a.median, b.median) &&
           same_bits(a.sd, b.sd) && same_bits(a.ci90_low, b.ci90_low) && same_bits(a.ci90_high, b.ci90_high);
}

ParallelFor executor_for(const TileExecutor& ex) {
    return [&ex](std::size_t count, const std::function<void(std::size_t)>& body) {
        ex.parallel_for(count, [&body](std::size_t i, int) { body(i); });
    };
}

// As executor_for, but the plots really run on several threads at once: the first plot waits (up to 2 s) until
// another worker has started one, so a result that depended on which thread ran a plot, or on shared state
// between concurrent plots, would show. `workers` receives the set of worker slots that ran plots.
ParallelFor concurrent_executor(const TileExecutor& ex, std::set<int>& workers) {
    return [&ex, &workers](std::size_t count, const std::function<void(std::size_t)>& body) {
        std::mutex m;
        std::condition_variable cv;
        ex.parallel_for(count, [&](std::size_t i, int slot) {
            {
                std::unique_lock lock(m);
                workers.insert(slot);
                cv.notify_all();
                if (i == 0) cv.wait_for(lock, std::chrono::seconds(2), [&] { return workers.size() > 1; });
            }
            body(i);
        });
    };
}

// Twelve plots of the Fixture's two kinds, so threads really share the work.
std::pair<std::vector<PlotRecord>, std::vector<TreeRecord>> many_plots() {
    const Fixture f;
    std::vector<PlotRecord> plots;
    std::vector<TreeRecord> trees;
    for (int k = 0; k < 6; ++k)
        for (std::size_t p = 0; p < 2; ++p) {
            auto pr = f.plots[p];
            pr.plot_id += "-" + std::to_string(k);
            plots.push_back(pr);
            for (const auto& t : f.trees)
                if (t.plot_id == f.plots[p].plot_id) {
                    auto tr = t;
                    tr.plot_id = pr.plot_id;
                    trees.push_back(tr);
                }
        }
    return {plots, trees};
}

}  // namespace

TEST_CASE("Monte Carlo: bit-identical for 1, 2 and 4 threads, and independent of plot order", "[survey][plots][mc]") {
    const auto table = test::shipped_allometry_table();
    const auto [plots, trees] = many_plots();
    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 1000;
    opt.monte_carlo.seed = 42;
    const TileExecutor one(1), two(2), four(4);
    const auto r1 = compute_tree_survey(trees, plots, table, two_species_db(), {}, opt, executor_for(one));
    const auto r2 = compute_tree_survey(trees, plots, table, two_species_db(), {}, opt, executor_for(two));
    const auto r4 = compute_tree_survey(trees, plots, table, two_species_db(), {}, opt, executor_for(four));
    const auto rs = compute_tree_survey(trees, plots, table, two_species_db(), {}, opt);
    for (std::size_t p = 0; p < plots.size(); ++p) {
        INFO(plots[p].plot_id);
        CHECK(r1.plots[p].agb_mc.draws == 1000);
        CHECK(same_summary(r1.plots[p].agb_mc, r2.plots[p].agb_mc));
        CHECK(same_summary(r1.plots[p].agb_mc, r4.plots[p].agb_mc));
        CHECK(same_summary(r1.plots[p].agb_mc, rs.plots[p].agb_mc));
        CHECK(same_summary(r1.plots[p].carbon_mc, r4.plots[p].carbon_mc));
        CHECK(same_summary(r1.plots[p].bgb_mc, r4.plots[p].bgb_mc));
    }
    // Plots computed concurrently on two threads give the one-thread bits.
    std::set<int> workers;
    const auto rc =
        compute_tree_survey(trees, plots, table, two_species_db(), {}, opt, concurrent_executor(two, workers));
    CHECK(workers.size() == 2);
    for (std::size_t p = 0; p < plots.size(); ++p) {
        CHECK(same_summary(r1.plots[p].agb_mc, rc.plots[p].agb_mc));
        CHECK(same_summary(r1.plots[p].carbon_mc, rc.plots[p].carbon_mc));
    }
    // Streams are keyed by plot id: reversing the plots file changes nothing.
    std::vector<PlotRecord> reversed(plots.rbegin(), plots.rend());
    const auto rr = compute_tree_survey(trees, reversed, table, two_species_db(), {}, opt, executor_for(two));
    for (std::size_t p = 0; p < plots.size(); ++p)
        CHECK(same_summary(r1.plots[p].agb_mc, rr.plots[plots.size() - 1 - p].agb_mc));
    // Identical plots under different ids get different (independent) draws; a different seed changes them too.
    CHECK_FALSE(same_bits(r1.plots[0].agb_mc.mean, r1.plots[2].agb_mc.mean));
    opt.monte_carlo.seed = 43;
    const auto other = compute_tree_survey(trees, plots, table, two_species_db(), {}, opt);
    CHECK_FALSE(same_bits(r1.plots[0].agb_mc.mean, other.plots[0].agb_mc.mean));
}

TEST_CASE("Monte Carlo: ids whose 32-bit hashes collide still get their own draws", "[survey][plots][mc]") {
    // FNV-1a 32 of "plot:P232789" and of "plot:P429192" are both 0x12e4af0b (found by a birthday search): with the
    // old 32-bit stream key the two plots below, identical but for their ids, drew the same numbers.
    CHECK(stream_key("plot", "P232789") != stream_key("plot", "P429192"));
    const Fixture f;
    std::vector<PlotRecord> plots;
    std::vector<TreeRecord> trees;
    for (const char* id : {"P232789", "P429192"}) {
        auto pr = f.plots[0];
        pr.plot_id = id;
        plots.push_back(pr);
        for (const auto& t : f.trees)
            if (t.plot_id == "P1") {
                auto tr = t;
                tr.plot_id = id;
                trees.push_back(tr);
            }
    }
    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 200;
    const auto r = compute_tree_survey(trees, plots, test::shipped_allometry_table(), two_species_db(), {}, opt);
    CHECK(same_bits(r.plots[0].agb_mg_ha, r.plots[1].agb_mg_ha));
    CHECK_FALSE(same_bits(r.plots[0].agb_mc.mean, r.plots[1].agb_mc.mean));
    // The collision check itself: equal ids are fine, distinct ids with distinct keys pass.
    const std::vector<std::string_view> ids{"A", "B", "A"};
    CHECK_NOTHROW(check_distinct_stream_keys("plot", ids, "plots.csv"));
}

TEST_CASE("Monte Carlo: the mean is within 4 standard errors of the deterministic value", "[survey][plots][mc]") {
    const auto table = test::shipped_allometry_table();
    const Fixture f;
    TreeSurveyOptions opt;
    opt.monte_carlo.draws = 2000;
    opt.monte_carlo.dbh_sd_slope = 0.002;        // σ_D = 0.002 D + 0.02 cm
    opt.monte_carlo.dbh_sd_intercept_cm = 0.02;
    opt.monte_carlo.default_residual_sd = 0.05;  // for equations without an rse
    opt.wood_density.default_relative_sd = 0.02;
    const auto r = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
    // The Monte-Carlo mean is unbiased (mean-one error factors), so it lies within 4 standard errors of the mean
    // (SE = sd / sqrt(draws)) of the deterministic value; P2's modelled heights (σ 0.243) dominate its spread.
    const double n_draws = 2000.0;
    for (const auto& p : r.plots) {
        INFO(p.plot_id);
        CHECK(std::abs(p.agb_mc.mean - p.agb_mg_ha) < 4.0 * p.agb_mc.sd / std::sqrt(n_draws));
        CHECK(std::abs(p.bgb_mc.mean - p.bgb_mg_ha) < 4.0 * p.bgb_mc.sd / std::sqrt(n_draws));
        CHECK(std::abs(p.carbon_mc.mean - p.carbon_mg_c_ha) < 4.0 * p.carbon_mc.sd / std::sqrt(n_draws));
        CHECK(p.agb_mc.ci90_low < p.agb_mg_ha);
        CHECK(p.agb_mc.ci90_high > p.agb_mg_ha);
        CHECK(p.agb_mc.sd > 0.0);
    }
    // With every error switched off, each draw equals the deterministic value.
    opt.monte_carlo.dbh_error = opt.monte_carlo.wood_density_error = false;
    opt.monte_carlo.height_error = opt.monte_carlo.residual_error = false;
    opt.monte_carlo.draws = 10;
    const auto z = compute_tree_survey(f.trees, f.plots, table, two_species_db(), {}, opt);
    for (const auto& p : z.plots) {
        CHECK_THAT(p.agb_mc.mean, WithinRel(p.agb_mg_ha, 1e-12));
        CHECK_THAT(p.agb_mc.sd, WithinAbs(0.0, 1e-12));
    }
}

TEST_CASE("Monte-Carlo summaries and the counter-based generator", "[survey][mc]") {
    // 1..10: mean 5.5, median 5.5, sd sqrt(82.5/9) = 3.0276504; type-7 quantiles: 5 % at h = 0.45 → 1.45,
    // 95 % at h = 8.55 → 9.55.
    const std::vector<double> v{3, 1, 2, 10, 9, 8, 7, 6, 5, 4};
    const auto s = summarize(v);
    CHECK(s.draws == 10);
    CHECK_THAT(s.mean, WithinRel(5.5, 1e-15));
    CHECK_THAT(s.median, WithinRel(5.5, 1e-15));
    CHECK_THAT(s.sd, WithinRel(std::sqrt(82.5 / 9.0), 1e-14));
    CHECK_THAT(s.ci90_low, WithinRel(1.45, 1e-14));
    CHECK_THAT(s.ci90_high, WithinRel(9.55, 1e-14));
    CHECK(summarize(std::vector<double>{}).draws == 0);

    // The generator: same counter, same number; uniforms in (0, 1) with mean ≈ 0.5; normals with mean ≈ 0, sd ≈ 1.
    const CounterRng a(7, stream_key("plot", "P1"), 3);
    const CounterRng b(7, stream_key("plot", "P1"), 3);
    CHECK(same_bits(a.normal(1, 2), b.normal(1, 2)));
    CHECK_FALSE(same_bits(a.normal(1, 2), a.normal(1, 3)));
    CHECK(stream_key("plot", "P1") != stream_key("core", "P1"));
    double sum = 0, sum2 = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double z = CounterRng(1, 5, static_cast<std::uint32_t>(i)).normal(0, 0);
        sum += z;
        sum2 += z * z;
        const double u = CounterRng(1, 5, static_cast<std::uint32_t>(i)).uniform(1, 0);
        REQUIRE(u > 0.0);
        REQUIRE(u < 1.0);
    }
    CHECK(std::abs(sum / n) < 0.03);  // 4 standard errors (1/sqrt(20000) = 0.007)
    CHECK(std::abs(sum2 / n - 1.0) < 0.04);
    for (std::uint32_t i = 0; i < 200; ++i) {
        const double x = a.truncated_normal(1.0, 5.0, 0.1, 2.0, i, 0);
        REQUIRE(x >= 0.1);
        REQUIRE(x <= 2.0);
    }
    CHECK(a.truncated_normal(3.0, 0.0, 0.1, 2.0, 0, 0) == 2.0);
}

TEST_CASE("Plot carbon: a regional curve with its RSE in metres draws heights as BIOMASS does", "[survey][plots][height]") {
    // Feldpausch et al. 2012's South-East Asia curve as shipped (data/height_regions.csv): RSE 5.691 m.
    const auto curves = load_height_curves(read_csv(std::string(test::k_data_dir) + "/height_regions.csv"));
    REQUIRE(curves.size() == 1);
    CHECK(curves[0].region == "SEAsia");
    CHECK(curves[0].rse_in_metres);
    // An equation linear in H isolates the height draw: AGB = 0.05 D² H kg.
    AllometryTable table;
    AllometricEquation eq;
    eq.name = "d2h";
    eq.form = AllometryForm::d2h_power;
    eq.a = 0.05;
    eq.b = 1.0;
    table.add(eq);
    PlotRecord p;
    p.plot_id = "S";
    p.area_m2 = 1000;  // EF 10 /ha
    p.habitat = "forest";
    p.height_region = "SEAsia";
    const std::vector<TreeRecord> trees{tree("S", "1", "X y", 20, std::nullopt, 0.6)};
    TreeSurveyOptions opt;
    opt.default_equation = "d2h";
    opt.monte_carlo.draws = 20000;
    opt.monte_carlo.dbh_error = false;
    opt.monte_carlo.wood_density_error = false;
    opt.monte_carlo.residual_error = false;
    const auto r = compute_tree_survey(trees, std::vector<PlotRecord>{p}, table, WoodDensityDatabase{}, curves, opt);
    // Ĥ = 57.122 (1 − exp(−0.0332 × 20^0.8468)) = 19.575693 m; AGB = 0.05 × 400 × Ĥ × 10 / 1000 = 0.2 Ĥ
    // = 3.915139 Mg/ha.
    CHECK_THAT(r.trees[0].height_m, WithinRel(19.575692884396037, 1e-12));
    CHECK_THAT(r.plots[0].agb_mg_ha, WithinRel(3.9151385768792073, 1e-12));
    CHECK(r.plots[0].height_model_rse == 5.691);
    CHECK(r.plots[0].height_model_rse_in_metres);
    // Draws: H ~ N(Ĥ, 5.691²) truncated to [1.3, Ĥ + 15] (α = −3.2113, β = 2.6357): E[H] = Ĥ + σ (φ(α) − φ(β)) /
    // (Φ(β) − Φ(α)) = 19.518101 m → mean AGB 0.2 × 19.518101 = 3.903620 Mg/ha (read as a log-scale σ, 5.691 would
    // give heights × exp(5.691 z − 16.19)). Every draw lies within 0.2 × [1.3, 34.575693].
    CHECK_THAT(r.plots[0].agb_mc.mean, WithinRel(3.903620149721662, 0.01));
    CHECK(r.plots[0].agb_mc.ci90_low >= 0.2 * 1.3);
    CHECK(r.plots[0].agb_mc.ci90_high <= 0.2 * (19.575692884396037 + 15.0));
}
