// Soil cores, worked by hand: a core reaching the target depth, one extrapolated, one with compaction; dated
// cores; the Monte Carlo.
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>

#include "support/same_bits.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <cstring>
#include <string>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using bluecarbon::test::same_bits;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

CoreSample sample(std::string id, double top, double bottom, double bd, double oc_fraction,
                  std::optional<double> compaction = std::nullopt, std::optional<double> age = std::nullopt,
                  std::size_t line = 0) {
    CoreSample s;
    s.core_id = std::move(id);
    s.min_depth_cm = top;
    s.max_depth_cm = bottom;
    s.bulk_density_g_cm3 = bd;
    s.oc_fraction = oc_fraction;
    s.compaction_percent = compaction;
    s.age_yr = age;
    s.line = line;
    return s;
}

// Core A, with gaps between samples, reaching past 100 cm:
//   samples 0–10 (ρb 0.5, OC 5 %), 20–30 (0.6, 4 %), 50–60 (0.7, 3 %), 100–120 (0.8, 2 %)
//   layers  0–15 (midpoint of 10 and 20), 15–40, 40–80, 80–120 (the last ends at its sample's bottom)
//   stocks  0.5 × 0.05 × 15 × 100 = 37.5;  0.6 × 0.04 × 25 × 100 = 60;  0.7 × 0.03 × 40 × 100 = 84;
//           0.8 × 0.02 × 40 × 100 = 64;   whole core 245.5 Mg C/ha
//   to 100 cm: 37.5 + 60 + 84 + 64 × (100 − 80)/40 = 181.5 + 32 = 213.5 Mg C/ha
std::vector<CoreSample> core_a() {
    return {sample("A", 0, 10, 0.5, 0.05), sample("A", 20, 30, 0.6, 0.04), sample("A", 50, 60, 0.7, 0.03),
            sample("A", 100, 120, 0.8, 0.02)};
}

// Core B, contiguous 10-cm samples to 40 cm, extrapolated to 100 cm:
//   stocks 0.5·0.04·10·100 = 20; 0.6·0.03·1000 = 18; 0.7·0.025·1000 = 17.5; 0.8·0.02·1000 = 16
//   cumulative y = 20, 38, 55.5, 71.5 at x = 10, 20, 30, 40
//   x̄ = 25, ȳ = 46.25, Sxx = 225 + 25 + 25 + 225 = 500,
//   Sxy = (−15)(−26.25) + (−5)(−8.25) + 5(9.25) + 15(25.25) = 393.75 + 41.25 + 46.25 + 378.75 = 860
//   slope 860/500 = 1.72, intercept 46.25 − 1.72 × 25 = 3.25 → at 100 cm: 3.25 + 172 = 175.25 Mg C/ha
//   residuals −0.45, 0.35, 0.65, −0.55 → RSS 1.05, s = sqrt(1.05/2) = 0.724569
//   se of the fit at 100: s · sqrt(1/4 + (100 − 25)²/500) = 0.724569 × sqrt(11.5) = 2.457132 Mg C/ha
//   (numpy.linalg.lstsq gives the same 175.25 and 2.457132475061108); the stock of this core at 100 cm is a new
//   observation, so its SE is the prediction interval's: s · sqrt(1 + 1/4 + 75²/500) = 0.724569 × sqrt(12.5)
//   = 2.561738 Mg C/ha
std::vector<CoreSample> core_b() {
    return {sample("B", 0, 10, 0.5, 0.04), sample("B", 10, 20, 0.6, 0.03), sample("B", 20, 30, 0.7, 0.025),
            sample("B", 30, 40, 0.8, 0.02)};
}

// Core C, 20 % compaction: samples 0–8 (ρb 0.5, OC 5 %) and 8–40 (0.625, 4 %) as measured in the tube.
//   corrected: depths / 0.8 → 0–10 and 10–50; ρb × 0.8 → 0.4 and 0.5
//   stocks 0.4 × 0.05 × 10 × 100 = 20; 0.5 × 0.04 × 40 × 100 = 80; whole core 100 (compaction keeps the mass)
//   to 40 cm: 20 + 80 × (40 − 10)/40 = 80 Mg C/ha (uncorrected, the core would "reach" 40 cm with all 100)
std::vector<CoreSample> core_c() {
    return {sample("C", 0, 8, 0.5, 0.05, 20.0), sample("C", 8, 40, 0.625, 0.04, 20.0)};
}

}  // namespace

TEST_CASE("Core reaching the target depth: midpoint layers and the linear share of the crossing layer",
          "[survey][cores]") {
    const auto s = core_a();
    const auto layers = core_layers(s, 0.0);
    REQUIRE(layers.size() == 4);
    CHECK(layers[0].top_cm == 0.0);
    CHECK(layers[0].bottom_cm == 15.0);
    CHECK(layers[1].bottom_cm == 40.0);
    CHECK(layers[2].bottom_cm == 80.0);
    CHECK(layers[3].bottom_cm == 120.0);
    CHECK_THAT(layers[0].stock_mg_c_ha, WithinRel(37.5, 1e-12));
    CHECK_THAT(layers[1].stock_mg_c_ha, WithinRel(60.0, 1e-12));
    CHECK_THAT(layers[2].stock_mg_c_ha, WithinRel(84.0, 1e-12));
    CHECK_THAT(layers[3].stock_mg_c_ha, WithinRel(64.0, 1e-12));
    const auto st = stock_to_depth(layers, 100.0);
    CHECK_FALSE(st.extrapolated);
    CHECK(std::isnan(st.se_mg_c_ha));
    CHECK_THAT(st.stock_mg_c_ha, WithinRel(213.5, 1e-12));
    // Exactly at a layer boundary, and at the core's bottom.
    CHECK_THAT(stock_to_depth(layers, 80.0).stock_mg_c_ha, WithinRel(181.5, 1e-12));
    CHECK_THAT(stock_to_depth(layers, 120.0).stock_mg_c_ha, WithinRel(245.5, 1e-12));

    CoreOptions opt;
    opt.monte_carlo.draws = 0;
    const auto r = compute_cores(s, opt);
    REQUIRE(r.size() == 1);
    CHECK(r[0].core_id == "A");
    CHECK(r[0].n_samples == 4);
    CHECK(r[0].max_depth_cm == 120.0);
    CHECK_THAT(r[0].stock_whole_core_mg_c_ha, WithinRel(245.5, 1e-12));
    CHECK_THAT(r[0].stock.stock_mg_c_ha, WithinRel(213.5, 1e-12));
    CHECK_FALSE(r[0].stock.extrapolated);
    CHECK_FALSE(r[0].sequestration);
}

TEST_CASE("Core short of the target depth: regression of cumulative stock on depth, with its standard error",
          "[survey][cores]") {
    const auto layers = core_layers(core_b(), 0.0);
    const auto st = stock_to_depth(layers, 100.0);
    CHECK(st.extrapolated);
    CHECK_THAT(st.stock_mg_c_ha, WithinRel(175.25, 1e-12));
    CHECK_THAT(st.se_mg_c_ha, WithinRel(2.5617376914899, 1e-10));
    // Two layers: a prediction but no standard error; one layer: proportional scaling.
    const auto b = core_b();
    const std::vector<CoreSample> two(b.begin(), b.begin() + 2);
    const auto st2 = stock_to_depth(core_layers(two, 0.0), 100.0);
    CHECK(st2.extrapolated);
    // Line through (10, 20) and (20, 38): 2 + 1.8 x → 182 at 100 cm.
    CHECK_THAT(st2.stock_mg_c_ha, WithinRel(182.0, 1e-12));
    CHECK(std::isnan(st2.se_mg_c_ha));
    const std::vector<CoreSample> one(b.begin(), b.begin() + 1);
    const auto st1 = stock_to_depth(core_layers(one, 0.0), 100.0);
    CHECK_THAT(st1.stock_mg_c_ha, WithinRel(200.0, 1e-12));  // 20 × 100/10
    CHECK(std::isnan(st1.se_mg_c_ha));

    CoreOptions opt;
    opt.monte_carlo.draws = 0;
    const auto r = compute_cores(two, opt);
    CHECK_THAT(r[0].note, Catch::Matchers::Contains("no standard error"));
}

TEST_CASE("Core with compaction: depths stretched, bulk density reduced, carbon mass kept", "[survey][cores]") {
    const auto layers = core_layers(core_c(), 20.0);
    REQUIRE(layers.size() == 2);
    CHECK_THAT(layers[0].bottom_cm, WithinRel(10.0, 1e-12));
    CHECK_THAT(layers[1].bottom_cm, WithinRel(50.0, 1e-12));
    CHECK_THAT(layers[0].stock_mg_c_ha, WithinRel(20.0, 1e-12));
    CHECK_THAT(layers[1].stock_mg_c_ha, WithinRel(80.0, 1e-12));
    CHECK_THAT(stock_to_depth(layers, 40.0).stock_mg_c_ha, WithinRel(80.0, 1e-12));
    // Without the correction the same samples give the whole 100 Mg C/ha to 40 cm.
    CHECK_THAT(stock_to_depth(core_layers(core_c(), 0.0), 40.0).stock_mg_c_ha, WithinRel(100.0, 1e-12));

    CoreOptions opt;
    opt.target_depth_cm = 40.0;
    opt.monte_carlo.draws = 0;
    const auto r = compute_cores(core_c(), opt);
    CHECK(r[0].compaction_percent == 20.0);
    CHECK_THAT(r[0].max_depth_cm, WithinRel(50.0, 1e-12));
    CHECK_THAT(r[0].stock_whole_core_mg_c_ha, WithinRel(100.0, 1e-12));
    CHECK_THAT(r[0].stock.stock_mg_c_ha, WithinRel(80.0, 1e-12));
    CHECK_FALSE(r[0].stock.extrapolated);
}

TEST_CASE("Sequestration rate from dated samples", "[survey][cores]") {
    // Three contiguous 10-cm samples of 0.5 g/cm³ and 4 % OC: 20 Mg C/ha each. Ages at the samples' bottoms:
    // 10, 30, 60 yr. Time frame 40 yr: between (20 cm, 30 yr) and (30 cm, 60 yr) → depth 20 + 10 × 10/30
    // = 23.333 cm; stock 40 + 20 × 3.333/10 = 46.667 Mg C/ha; rate 46.667 / 40 = 1.166667 Mg C/ha/yr.
    const std::vector<CoreSample> s{sample("D", 0, 10, 0.5, 0.04, {}, 10.0), sample("D", 10, 20, 0.5, 0.04, {}, 30.0),
                                    sample("D", 20, 30, 0.5, 0.04, {}, 60.0)};
    const auto layers = core_layers(s, 0.0);
    auto q = sequestration_rate(s, layers, 0.0, 40.0);
    REQUIRE(q);
    CHECK_THAT(q->depth_cm, WithinRel(70.0 / 3.0, 1e-12));
    CHECK_THAT(q->stock_mg_c_ha, WithinRel(140.0 / 3.0, 1e-12));
    CHECK_THAT(q->rate_mg_c_ha_yr, WithinRel(140.0 / 3.0 / 40.0, 1e-12));
    CHECK(q->timeframe_yr == 40.0);
    // As BlueCarbon: a 100-yr time frame is longer than the oldest age (60 yr), so no rate, with the reason;
    // a 5-yr time frame ends above the first dated sample (10 yr at 10 cm): no rate either.
    std::string why;
    CHECK_FALSE(sequestration_rate(s, layers, 0.0, 100.0, &why));
    CHECK(why == "core younger than the time frame (oldest dated sample 60 yr < 100 yr)");
    CHECK_FALSE(sequestration_rate(s, layers, 0.0, 5.0, &why));
    CHECK(why == "first dated sample older than the time frame (10 yr > 5 yr)");
    // A per-core age repeated on every row (25 yr), time frame 25 yr: the whole core (60 Mg C/ha) / 25 yr = 2.4.
    std::vector<CoreSample> per_core = s;
    for (auto& x : per_core) x.age_yr = 25.0;
    q = sequestration_rate(per_core, layers, 0.0, 25.0);
    REQUIRE(q);
    CHECK_THAT(q->depth_cm, WithinRel(30.0, 1e-12));
    CHECK_THAT(q->rate_mg_c_ha_yr, WithinRel(2.4, 1e-12));
    // No ages → no rate; ages decreasing with depth → error.
    CHECK_FALSE(sequestration_rate(core_a(), core_layers(core_a(), 0.0), 0.0, 100.0));
    auto bad = s;
    bad[2].age_yr = 5.0;
    CHECK_THROWS_AS(sequestration_rate(bad, layers, 0.0, 100.0), std::invalid_argument);
}

TEST_CASE("compute_cores: grouping, sorting and errors naming the line", "[survey][cores]") {
    // Rows of two cores interleaved and out of depth order.
    auto a = core_a();
    auto b = core_b();
    std::vector<CoreSample> rows{b[2], a[3], a[0], b[0], a[1], b[3], a[2], b[1]};
    CoreOptions opt;
    opt.monte_carlo.draws = 0;
    const auto r = compute_cores(rows, opt);
    REQUIRE(r.size() == 2);
    CHECK(r[0].core_id == "B");  // first appearance
    CHECK_THAT(r[0].stock.stock_mg_c_ha, WithinRel(175.25, 1e-12));
    CHECK(r[1].core_id == "A");
    CHECK_THAT(r[1].stock.stock_mg_c_ha, WithinRel(213.5, 1e-12));

    std::vector<CoreSample> overlap{sample("X", 0, 10, 1, 0.01, {}, {}, 2), sample("X", 5, 15, 1, 0.01, {}, {}, 3)};
    CHECK_THROWS_WITH(compute_cores(overlap, opt, serial_for, "cores.csv"),
                      Catch::Matchers::StartsWith("cores.csv:3: core 'X': samples overlap"));
    std::vector<CoreSample> mixed{sample("Y", 0, 10, 1, 0.01, 10.0, {}, 2), sample("Y", 10, 20, 1, 0.01, 0.0, {}, 3)};
    CHECK_THROWS_WITH(compute_cores(mixed, opt, serial_for, "cores.csv"),
                      Catch::Matchers::Contains("compaction_percent differs"));
}

TEST_CASE("Core Monte Carlo: deterministic across threads, mean near the deterministic stock", "[survey][cores][mc]") {
    std::vector<CoreSample> rows;
    for (int k = 0; k < 5; ++k) {
        for (auto s : core_a()) {
            s.core_id = "A" + std::to_string(k);
            rows.push_back(s);
        }
        for (auto s : core_b()) {
            s.core_id = "B" + std::to_string(k);
            rows.push_back(s);
        }
    }
    CoreOptions opt;
    opt.monte_carlo.draws = 2000;
    opt.monte_carlo.seed = 9;
    const TileExecutor one(1), four(4);
    auto runner = [](const TileExecutor& ex) -> ParallelFor {
        return [&ex](std::size_t n, const std::function<void(std::size_t)>& body) {
            ex.parallel_for(n, [&body](std::size_t i, int) { body(i); });
        };
    };
    const auto r1 = compute_cores(rows, opt, runner(one));
    const auto r4 = compute_cores(rows, opt, runner(four));
    REQUIRE(r1.size() == 10);
    for (std::size_t c = 0; c < r1.size(); ++c) {
        INFO(r1[c].core_id);
        CHECK(same_bits(r1[c].stock_mc.mean, r4[c].stock_mc.mean));
        CHECK(same_bits(r1[c].stock_mc.sd, r4[c].stock_mc.sd));
        CHECK(same_bits(r1[c].stock_mc.ci90_low, r4[c].stock_mc.ci90_low));
        // 5 % lab errors on ρb and OC: the mean stays within 1 % of the deterministic stock.
        CHECK(std::abs(r1[c].stock_mc.mean / r1[c].stock.stock_mg_c_ha - 1.0) < 0.01);
        CHECK(r1[c].stock_mc.sd > 0.0);
    }
}

TEST_CASE("soc_from_cores: a habitat's mean soil stock and the σ of that mean", "[survey][cores]") {
    auto stock = [](std::string id, std::string habitat, double v, double se, std::size_t line) {
        CoreStock c;
        c.core_id = std::move(id);
        c.habitat = std::move(habitat);
        c.depth_cm = 100;
        c.stock_mg_c_ha = v;
        c.se_mg_c_ha = se;
        c.line = line;
        return c;
    };
    const double none = std::numeric_limits<double>::quiet_NaN();
    std::vector<CoreStock> cores{stock("M1", "mangrove", 200, 4, 2), stock("G1", "seagrass", 60, 0.5, 3),
                                 stock("M2", "mangrove", 220, none, 4), stock("M3", "mangrove", 240, 3, 5)};
    // Mangrove: mean 220; s² = (400 + 0 + 400)/2 = 400, s²/n = 133.333; Σse² / n² = (16 + 9)/9 = 2.777778;
    // σ² = 136.111111 = 1225/9 → σ = 35/3 = 11.666667. Seagrass: one core, σ = its SE 0.5.
    const auto h = soc_by_habitat(cores, 100.0, "cores.csv");
    REQUIRE(h.size() == 2);
    CHECK(h[0].habitat == "mangrove");
    CHECK(h[0].n == 3);
    CHECK_THAT(h[0].mean_mg_c_ha, WithinRel(220.0, 1e-12));
    CHECK_THAT(h[0].sigma_mg_c_ha, WithinRel(35.0 / 3.0, 1e-12));
    CHECK(h[0].cores == std::vector<std::string>{"M1", "M2", "M3"});
    CHECK_THAT(h[1].sigma_mg_c_ha, WithinRel(0.5, 1e-12));
    // A stock to another depth, and a lone core without an SE, are refused naming the line.
    cores[1].depth_cm = 40;
    CHECK_THROWS_WITH(soc_by_habitat(cores, 100.0, "cores.csv"),
                      Catch::Matchers::StartsWith("cores.csv:3: core 'G1': stock to 40 cm, not 100 cm"));
    cores[1].depth_cm = 100;
    cores[1].se_mg_c_ha = none;
    CHECK_THROWS_WITH(soc_by_habitat(cores, 100.0, "cores.csv"),
                      Catch::Matchers::Contains("only seagrass core and has no standard error"));
}
