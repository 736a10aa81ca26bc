// InVEST Coastal Blue Carbon per pixel: every rule on hand-worked pixels, the arithmetic written out.
#include <bluecarbon/accounting/cbc_model.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::accounting;

namespace {
constexpr std::int64_t MANGROVE = 1, POND = 2, BARE = 3;

// mangrove: stocks biomass 100, soil 200, litter 5; half-lives 10 / 20 years; high impact disturbs 80 % of
// biomass and 50 % of soil; grows 2 (biomass), 1 (soil), 0.5 (litter) a year.
// pond: half-lives 2 / 4; medium impact disturbs 50 % / 25 %; no growth. bare: half-lives 0 (nothing decays).
std::vector<CbcClass> three_classes() {
    CbcClass m{MANGROVE, "mangrove", 100, 200, 5, 10, 20, {0.1, 0.5, 0.8}, {0.1, 0.3, 0.5}, 2, 1, 0.5};
    CbcClass p{POND, "pond", 0, 50, 0, 2, 4, {0.2, 0.5, 0.9}, {0.1, 0.25, 0.6}, 0, 0, 0};
    CbcClass b{BARE, "bare", 0, 10, 0, 0, 0, {0, 0, 0}, {0, 0, 0}, 0, 0, 0};
    return {m, p, b};
}
std::vector<CbcTransitionCell> three_class_transitions() {
    return {{MANGROVE, MANGROVE, CbcTransition::accumulate},  {MANGROVE, POND, CbcTransition::high_impact},
            {MANGROVE, BARE, CbcTransition::high_impact},     {POND, MANGROVE, CbcTransition::accumulate},
            {POND, BARE, CbcTransition::medium_impact},       {BARE, POND, CbcTransition::no_change},
            {POND, POND, CbcTransition::no_change}};
}
CbcPixelResult run(const CbcModel& model, std::vector<std::int64_t> codes) {
    CbcPixelResult r;
    model.resize(r);
    model.run_pixel(codes, r);
    return r;
}
}  // namespace

TEST_CASE("baseline and accum periods grow at the class rates", "[cbc]") {
    const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010}, 2015);
    const auto r = run(model, {MANGROVE, MANGROVE});
    REQUIRE(model.stock_years() == std::vector<int>{2000, 2010, 2015});
    // 2000: soil 200 + biomass 100 + the litter *rate* 0.5 (InVEST sums the rate, not the litter stock).
    CHECK(r.stock[0] == Approx(300.5));
    // 2000-2010: (2 + 1 + 0.5) x 10 years; no emissions in the baseline period (InVEST writes none).
    CHECK(r.accumulation[0] == Approx(35.0));
    CHECK(r.net_sequestration[0] == Approx(35.0));
    CHECK(std::isnan(r.emissions[0]));
    // 2010: biomass 100 + 2 x 10 = 120, soil 200 + 10 = 210, + litter rate 0.5.
    CHECK(r.stock[1] == Approx(330.5));
    // 2010-2015 (accum): accumulation map (2 + 1 + 0.5) x 5 = 17.5; net sequestration without litter 3 x 5 = 15.
    CHECK(r.accumulation[1] == Approx(17.5));
    CHECK(r.net_sequestration[1] == Approx(15.0));
    CHECK(std::isnan(r.emissions[1]));  // never disturbed: InVEST's emissions map is nodata there
    // 2015: 130 + 215 + 0.5.
    CHECK(r.stock[2] == Approx(345.5));
    CHECK(r.total_net_sequestration == Approx(50.0));
}

TEST_CASE("one snapshot and an analysis year: the baseline period only", "[cbc]") {
    const CbcModel model(three_classes(), three_class_transitions(), {2000}, 2004);
    const auto r = run(model, {MANGROVE});
    CHECK(r.stock[0] == Approx(300.5));
    CHECK(r.accumulation[0] == Approx(3.5 * 4));
    // 2004: biomass 108 + soil 204 + litter rate 0.5.
    CHECK(r.stock[1] == Approx(312.5));
    CHECK(r.total_net_sequestration == Approx(14.0));
}

TEST_CASE("a high-impact disturbance decays over ten years", "[cbc]") {
    // Mangrove until 2010 (biomass 120, soil 210 at the start of 2010), then pond by a high-impact disturbance:
    // D_biomass = 0.8 x 120 = 96 (H = 10, mangrove's), D_soil = 0.5 x 210 = 105 (H = 20).
    // Emitted in years 2010 .. A-1 telescopes: D x (1 - 0.5^((A - 2010)/H)); the first year (t = r) emits.
    const int analysis = GENERATE(2011, 2012, 2015, 2020);
    const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010}, analysis);
    const auto r = run(model, {MANGROVE, POND});
    const double n = analysis - 2010;
    const double e_biomass = 96.0 * (1.0 - std::pow(0.5, n / 10.0));
    const double e_soil = 105.0 * (1.0 - std::pow(0.5, n / 20.0));
    CHECK(r.emissions[1] == Approx(e_biomass + e_soil).epsilon(1e-12));
    CHECK(r.net_sequestration[1] == Approx(-(e_biomass + e_soil)).epsilon(1e-12));
    CHECK(r.accumulation[1] == Approx(0.0));  // pond grows nothing and a disturbance cell accumulates nothing
    // The stock falls by what has been emitted (not by D at once); pond's litter rate is 0.
    CHECK(r.stock[2] == Approx(120.0 - e_biomass + 210.0 - e_soil).epsilon(1e-12));
    if (analysis == 2011) {
        // First year alone: 96 x (1 - 0.5^0.1) + 105 x (1 - 0.5^0.05).
        CHECK(r.emissions[1] == Approx(96.0 * (1 - 0.9330329915368074) + 105.0 * (1 - 0.9659363289248456)));
    }
    if (analysis == 2020) {
        // Ten years: half of the biomass volume (48) and 105 x (1 - 1/sqrt 2) of the soil volume.
        CHECK(r.emissions[1] == Approx(48.0 + 105.0 * (1.0 - 0.7071067811865476)));
    }
}

TEST_CASE("a second disturbance replaces the first", "[cbc]") {
    // 2000 mangrove, 2010 pond (high impact), 2015 bare (medium impact from pond), analysis 2020.
    const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010, 2015}, 2020);
    const auto r = run(model, {MANGROVE, POND, BARE});
    // Biomass: D1 = 96 (H 10), emitted 2010-2014: 96 x (1 - 0.5^0.5); stock at 2015 = 120 - that.
    const double e1_b = 96.0 * (1.0 - std::pow(0.5, 0.5));
    const double s15_b = 120.0 - e1_b;
    // D2 = 0.5 (pond, medium) x stock; H = pond's 2 (the class left in 2015); 2015-2019: D2 x (1 - 0.5^(5/2)).
    // The rest of D1 (96 - e1_b) is never emitted.
    const double e2_b = 0.5 * s15_b * (1.0 - std::pow(0.5, 2.5));
    // Soil: D1 = 105 (H 20): 105 x (1 - 0.5^0.25); D2 = 0.25 x stock (H 4): D2 x (1 - 0.5^1.25).
    const double e1_s = 105.0 * (1.0 - std::pow(0.5, 0.25));
    const double s15_s = 210.0 - e1_s;
    const double e2_s = 0.25 * s15_s * (1.0 - std::pow(0.5, 1.25));
    CHECK(r.emissions[1] == Approx(e1_b + e1_s).epsilon(1e-12));
    CHECK(r.stock[2] == Approx(s15_b + s15_s).epsilon(1e-12));  // bare's litter rate is 0
    CHECK(r.emissions[2] == Approx(e2_b + e2_s).epsilon(1e-12));
    CHECK(r.stock[3] == Approx(s15_b - e2_b + s15_s - e2_s).epsilon(1e-12));
    CHECK(r.total_net_sequestration == Approx(35.0 - e1_b - e1_s - e2_b - e2_s).epsilon(1e-12));
    // By numbers: e1_b = 28.1177..., e2_b = 37.8202...
    CHECK(e1_b == Approx(28.11775));
    CHECK(e2_b == Approx(37.82017));
}

TEST_CASE("an older emission goes on with the half-life of the class left at the latest transition", "[cbc]") {
    SECTION("pond back to mangrove: emission continues with pond's half-life and takes precedence over accum") {
        const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010, 2015}, 2020);
        const auto r = run(model, {MANGROVE, POND, MANGROVE});
        // Biomass: D = 96 from 2010; 2015-2019 are ages 5..9 with H = 2 (pond): 96 x (0.5^(5/2) - 0.5^(10/2)).
        // Soil: D = 105; ages 5..9 with H = 4: 105 x (0.5^(5/4) - 0.5^(10/4)).
        const double e_b = 96.0 * (std::pow(0.5, 2.5) - std::pow(0.5, 5.0));
        const double e_s = 105.0 * (std::pow(0.5, 1.25) - std::pow(0.5, 2.5));
        CHECK(r.emissions[2] == Approx(e_b + e_s).epsilon(1e-12));
        // Net sequestration is -E every year (emitting pixels do not accumulate: InVEST's precedence rule).
        CHECK(r.net_sequestration[2] == Approx(-(e_b + e_s)).epsilon(1e-12));
        // The accumulation map still shows the accum rates: (2 + 1 + 0.5) x 5.
        CHECK(r.accumulation[2] == Approx(17.5));
    }
    SECTION("leaving a class with half-life 0 stops the emission; accumulation resumes") {
        // 2000 mangrove, 2010 bare (high impact: D from mangrove), 2015 pond (NCC): class left in 2015 is bare (H 0).
        const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010, 2015}, 2020);
        const auto r = run(model, {MANGROVE, BARE, POND});
        const double e_b = 96.0 * (1.0 - std::pow(0.5, 0.5));
        const double e_s = 105.0 * (1.0 - std::pow(0.5, 0.25));
        CHECK(r.emissions[1] == Approx(e_b + e_s).epsilon(1e-12));
        CHECK(r.emissions[2] == 0.0);
        CHECK(r.net_sequestration[2] == 0.0);  // NCC: rate 0
        CHECK(r.stock[3] == Approx(120.0 - e_b + 210.0 - e_s).epsilon(1e-12));
    }
}

TEST_CASE("net present value with a price table and with inflation", "[cbc][npv]") {
    // 2000 mangrove, 2002 mangrove (accum), analysis 2004: net sequestration 3.5 in 2000 and 2001 (litter counts
    // in the baseline period), 3 in 2002 and 2003. Discount rate 10 %.
    const std::vector<std::int64_t> codes{MANGROVE, MANGROVE};
    SECTION("price table 10, 11, 12, 13") {
        const std::vector<double> prices{10, 11, 12, 13};
        const CbcModel invest(three_classes(), three_class_transitions(), {2000, 2002}, 2004,
                              CbcValuation{prices, 0.10, NpvMethod::invest});
        const auto a = run(invest, codes);
        // InVEST: (sum of period sums) x sum of discounted prices.
        // At 2002: 7 x (10 + 11/1.1) = 140. At 2004: 13 x (10 + 10 + 12/1.21 + 13/1.331).
        CHECK(a.npv[0] == Approx(140.0).epsilon(1e-12));
        CHECK(a.npv[1] == Approx(13.0 * (20.0 + 12.0 / 1.21 + 13.0 / 1.331)).epsilon(1e-12));
        CHECK(invest.invest_valuation_factor(2004) == Approx(20.0 + 9.917355371900827 + 9.767092411720511).epsilon(1e-12));
        const CbcModel yearly(three_classes(), three_class_transitions(), {2000, 2002}, 2004,
                              CbcValuation{prices, 0.10, NpvMethod::yearly});
        const auto b = run(yearly, codes);
        // Yearly: 3.5 x 10 + 3.5 x 11/1.1 = 70; + 3 x 12/1.21 + 3 x 13/1.331 = 129.05334...
        CHECK(b.npv[0] == Approx(70.0).epsilon(1e-12));
        CHECK(b.npv[1] == Approx(70.0 + 36.0 / 1.21 + 39.0 / 1.331).epsilon(1e-12));
        CHECK(b.npv[1] == Approx(129.0533433));
    }
    SECTION("price 10 with 5 % inflation") {
        const auto prices = prices_with_inflation(10.0, 0.05, 2000, 2004);
        REQUIRE(prices.size() == 5);
        CHECK(prices[3] == Approx(10.0 * 1.05 * 1.05 * 1.05).epsilon(1e-15));
        const CbcModel yearly(three_classes(), three_class_transitions(), {2000, 2002}, 2004,
                              CbcValuation{prices, 0.10, NpvMethod::yearly});
        const auto b = run(yearly, codes);
        // 3.5 x (10 + 10.5/1.1) + 3 x (11.025/1.21 + 11.57625/1.331)
        CHECK(b.npv[1] == Approx(3.5 * (10.0 + 10.5 / 1.1) + 3.0 * (11.025 / 1.21 + 11.57625 / 1.331)).epsilon(1e-12));
        const CbcModel invest(three_classes(), three_class_transitions(), {2000, 2002}, 2004,
                              CbcValuation{prices, 0.10, NpvMethod::invest});
        const auto a = run(invest, codes);
        CHECK(a.npv[1] == Approx(13.0 * (10.0 + 10.5 / 1.1 + 11.025 / 1.21 + 11.57625 / 1.331)).epsilon(1e-12));
    }
    SECTION("prices must cover every year before the analysis year") {
        CHECK_THROWS_WITH(CbcModel(three_classes(), three_class_transitions(), {2000, 2002}, 2004,
                                   CbcValuation{{10, 11, 12}, 0.1, NpvMethod::invest}),
                          Catch::Contains("every year to 2003"));
    }
}

TEST_CASE("nodata: a sum is nodata only when all its terms are", "[cbc][nodata]") {
    const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010}, 2015);
    SECTION("nodata throughout") {
        const auto r = run(model, {CbcModel::k_no_class, CbcModel::k_no_class});
        for (double v : r.stock) CHECK(std::isnan(v));
        CHECK(std::isnan(r.total_net_sequestration));
    }
    SECTION("nodata at the baseline, mangrove later") {
        const auto r = run(model, {CbcModel::k_no_class, MANGROVE});
        CHECK(std::isnan(r.stock[0]));
        CHECK(std::isnan(r.accumulation[0]));
        // 2010: soil and biomass stocks are nodata, the litter rate (0.5) is not: the sum is 0.5 (InVEST does so).
        CHECK(r.stock[1] == Approx(0.5));
        CHECK(std::isnan(r.accumulation[1]));  // a product: nodata when any factor is
        CHECK(std::isnan(r.net_sequestration[1]));
        CHECK(std::isnan(r.total_net_sequestration));
    }
}

TEST_CASE("CBC validation errors", "[cbc][validation]") {
    SECTION("a code missing from the table") {
        const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010}, 2015);
        CbcPixelResult r;
        model.resize(r);
        const std::vector<std::int64_t> codes{MANGROVE, 9};
        CHECK_THROWS_AS(model.run_pixel(codes, r), UnknownClassError);
        CHECK_THROWS_WITH(model.run_pixel(codes, r),
                          "landcover code 9 in the snapshot of 2010 is not in the biophysical table's lucode column");
    }
    SECTION("duplicate class names") {
        auto c = three_classes();
        c[1].name = "Mangrove";
        CHECK_THROWS_WITH(CbcModel(c, three_class_transitions(), {2000}, 2010), Catch::Contains("must be unique"));
    }
    SECTION("analysis year not after the last snapshot") {
        CHECK_THROWS_AS(CbcModel(three_classes(), three_class_transitions(), {2000}, 2000), ConfigError);
        CHECK_THROWS_WITH(CbcModel(three_classes(), three_class_transitions(), {2000, 2010}, 2005),
                          Catch::Contains("analysis year 2005 must be after the latest snapshot year (2010)"));
    }
    SECTION("transition naming a class the table does not have") {
        auto m = three_class_transitions();
        m.push_back({MANGROVE, 42, CbcTransition::accumulate});
        CHECK_THROWS_WITH(CbcModel(three_classes(), m, {2000}, 2010), Catch::Contains("class code 42"));
    }
    SECTION("a disturbance fraction above 1") {
        auto c = three_classes();
        c[0].soil_disturb[2] = 1.5;
        CHECK_THROWS_WITH(CbcModel(c, three_class_transitions(), {2000}, 2010),
                          Catch::Contains("soil-high-impact-disturb"));
    }
}

TEST_CASE("analysis year equal to the last snapshot: the last period is empty (InVEST without analysis_year)", "[cbc]") {
    const CbcModel model(three_classes(), three_class_transitions(), {2000, 2010}, 2010);
    const auto r = run(model, {MANGROVE, MANGROVE});
    CHECK(model.period_start(1) == model.period_end(1));
    CHECK(r.stock[1] == Approx(330.5));
    CHECK(r.stock[2] == Approx(330.5));
    CHECK(std::isnan(r.net_sequestration[1]));  // no year in the period
    CHECK(r.total_net_sequestration == Approx(35.0));
}
