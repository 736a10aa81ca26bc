// The tree Monte Carlo against BIOMASS's AGBmonteCarlo (R package BIOMASS, Réjou-Méchain et al. 2017) on a small
// worked plot. The expected figures come from BIOMASS's formulas written out here with their own generator
// (std::mt19937_64), independently of the code under test:
//   D   ~ N(D, (0.0062 D + 0.0904)²) truncated to [0.1, 500] cm   (Dpropag = "chave2004"; with 5 trees
//         round(5 × 5 / 100) = 0 trees get BIOMASS's large 4.64 cm error)
//   ρ   ~ N(ρ, errWD²) truncated to [0.08, 1.39] g/cm³           (errWD = 10 % of ρ, this tool's SD of a
//         measured density)
//   H   measured, errH = 0
//   AGB = exp(ln 0.0673 + 0.976 ln(ρ H D²) + ε) kg, ε ~ N(0, 0.357²)   (Chave 2014 Eq. 4 with its point
//         coefficients; BIOMASS draws them from their posterior, param_4, which this tool does not)
//   AGC = AGB × N(47.13, 2.06²) / 100, drawn per tree and draw      (Carbon = TRUE)
// The one documented difference: BIOMASS adds ε on the log scale, whose mean factor is exp(σ²/2); this tool
// multiplies by the mean-one exp(σz − σ²/2). Every tree's draw is the BIOMASS draw × exp(−σ²/2), so the plot
// sums, their means and every quantile are BIOMASS's × exp(−0.357²/2) = 0.938264.
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace bluecarbon;
using namespace bluecarbon::science::survey;
using Catch::Matchers::WithinRel;

namespace {

struct WorkedTree {
    double d_cm, h_m, rho;
};
// One 1000 m² forest plot (10 stems per ha per stem), heights and wood densities measured.
const std::vector<WorkedTree> k_plot{{12, 11, 0.55}, {25, 18, 0.62}, {40, 24, 0.71}, {8, 9, 0.48}, {60, 30, 0.80}};
constexpr double k_expansion = 10000.0 / 1000.0;
constexpr double k_rse = 0.357;

double truncated_normal(std::mt19937_64& g, double mean, double sd, double lo, double hi) {
    std::normal_distribution<double> n(mean, sd);
    for (;;) {
        const double v = n(g);
        if (v >= lo && v <= hi) return v;
    }
}

// R's quantile type 7.
double quantile7(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double h = (static_cast<double>(v.size()) - 1.0) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

struct Figures {
    double mean, q05, q95;
};
Figures figures(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return {s / static_cast<double>(v.size()), quantile7(v, 0.05), quantile7(v, 0.95)};
}

// BIOMASS's AGBmonteCarlo on k_plot, per hectare (Mg/ha): AGB and AGC sums of `n` draws.
std::pair<Figures, Figures> biomass_agb_monte_carlo(std::size_t n) {
    std::mt19937_64 g(20261207);
    std::normal_distribution<double> eps(0.0, k_rse), carbon_pct(47.13, 2.06);
    std::vector<double> agb(n), agc(n);
    for (std::size_t k = 0; k < n; ++k) {
        double sum_agb = 0, sum_agc = 0;
        for (const auto& t : k_plot) {
            const double d = truncated_normal(g, t.d_cm, 0.0062 * t.d_cm + 0.0904, 0.1, 500.0);
            const double rho = truncated_normal(g, t.rho, 0.1 * t.rho, 0.08, 1.39);
            const double a = std::exp(std::log(0.0673) + 0.976 * std::log(rho * t.h_m * d * d) + eps(g)) / 1000.0;
            sum_agb += a;
            sum_agc += a * carbon_pct(g) / 100.0;
        }
        agb[k] = sum_agb * k_expansion;
        agc[k] = sum_agc * k_expansion;
    }
    return {figures(agb), figures(agc)};
}

TreeRecord stem(const std::string& plot, const std::string& id, double d_cm, double h_m, double rho) {
    TreeRecord t;
    t.plot_id = plot;
    t.tree_id = id;
    t.species = "Incognita incognita";
    t.dbh_cm = d_cm;
    t.height_m = h_m;
    t.wood_density_g_cm3 = rho;
    return t;
}

}  // namespace

TEST_CASE("Tree Monte Carlo: plot mean and 90 % interval as BIOMASS's AGBmonteCarlo gives them",
          "[survey][plots][mc][biomass]") {
    std::vector<PlotRecord> plots(1);
    plots[0].plot_id = "W1";
    plots[0].area_m2 = 1000;
    plots[0].habitat = "forest";
    std::vector<TreeRecord> trees;
    for (std::size_t i = 0; i < k_plot.size(); ++i)
        trees.push_back(stem("W1", "T" + std::to_string(i + 1), k_plot[i].d_cm, k_plot[i].h_m, k_plot[i].rho));
    const auto table = load_allometry(read_csv(std::string(test::k_data_dir) + "/allometry.csv"));
    TreeSurveyOptions opt;
    opt.bgb = BgbMethod::root_shoot;
    opt.carbon.root_shoot = 0.0;  // AGB only, as AGBmonteCarlo
    opt.monte_carlo.draws = 20000;
    opt.monte_carlo.seed = 11;
    const auto r = compute_tree_survey(trees, plots, table, WoodDensityDatabase{}, {}, opt);
    const auto& p = r.plots[0];
    REQUIRE(r.trees[0].equation == "chave2014");

    // Deterministic AGB: Σ 0.0673 (ρ H D²)^0.976 kg × 10 /ha / 1000.
    double agb = 0;
    for (const auto& t : k_plot) agb += 0.0673 * std::pow(t.rho * t.h_m * t.d_cm * t.d_cm, 0.976) * k_expansion / 1000;
    CHECK_THAT(p.agb_mg_ha, WithinRel(agb, 1e-12));
    CHECK_THAT(p.carbon_mg_c_ha, WithinRel(agb * 0.4713, 1e-12));

    const auto [b_agb, b_agc] = biomass_agb_monte_carlo(400000);
    const double k = std::exp(-k_rse * k_rse / 2);  // 0.938264: the residual convention
    INFO("BIOMASS AGB mean " << b_agb.mean << " [" << b_agb.q05 << ", " << b_agb.q95 << "]; ours " << p.agb_mc.mean
                             << " [" << p.agb_mc.ci90_low << ", " << p.agb_mc.ci90_high << "]");
    // The mean within 4 standard errors of our 20,000 draws (BIOMASS's 400,000 add ~5 % to that SE).
    CHECK(std::abs(p.agb_mc.mean - k * b_agb.mean) < 4.0 * p.agb_mc.sd / std::sqrt(20000.0));
    CHECK(std::abs(p.carbon_mc.mean - k * b_agc.mean) < 4.0 * p.carbon_mc.sd / std::sqrt(20000.0));
    // The 5 % and 95 % quantiles within 1.5 % (their sampling error at 20,000 draws is about 0.5 % here).
    CHECK_THAT(p.agb_mc.ci90_low, WithinRel(k * b_agb.q05, 0.015));
    CHECK_THAT(p.agb_mc.ci90_high, WithinRel(k * b_agb.q95, 0.015));
    CHECK_THAT(p.carbon_mc.ci90_low, WithinRel(k * b_agc.q05, 0.015));
    CHECK_THAT(p.carbon_mc.ci90_high, WithinRel(k * b_agc.q95, 0.015));

    // Without the carbon fraction's error the carbon interval is the AGB interval × 0.4713 exactly: the fraction's
    // error is what widens it.
    opt.monte_carlo.carbon_fraction_error = false;
    const auto fixed = compute_tree_survey(trees, plots, table, WoodDensityDatabase{}, {}, opt);
    CHECK_THAT(fixed.plots[0].carbon_mc.ci90_low, WithinRel(fixed.plots[0].agb_mc.ci90_low * 0.4713, 1e-12));
    CHECK(p.carbon_mc.sd > fixed.plots[0].carbon_mc.sd);
}

TEST_CASE("Tree Monte Carlo: wood density draws truncated to BIOMASS's [0.08 1.39] g/cm3",
          "[survey][plots][mc][biomass]") {
    // One mangrove stem (Komiyama, W = 0.251 ρ D^2.46: linear in ρ) with ρ = 1.35 measured and a 500 % SD, every
    // other error off: ρ is drawn from N(1.35, 6.75²) cut to [0.08, 1.39], nearly uniform there (the density
    // varies by exp(−1.27² / (2 × 6.75²)) = 0.98 across it), so the 5 % and 95 % quantiles of AGB are those of a
    // uniform ρ, 0.08 + 0.05 × 1.31 = 0.1455 and 0.08 + 0.95 × 1.31 = 1.3245, times 0.251 × 10^2.46 × 100 / 1000.
    std::vector<PlotRecord> plots(1);
    plots[0].plot_id = "M1";
    plots[0].area_m2 = 100;
    const std::vector<TreeRecord> trees{stem("M1", "T1", 10, 8, 1.35)};
    TreeSurveyOptions opt;
    opt.wood_density.default_relative_sd = 5.0;
    opt.monte_carlo.draws = 20000;
    opt.monte_carlo.dbh_error = opt.monte_carlo.height_error = opt.monte_carlo.residual_error = false;
    const auto table = load_allometry(read_csv(std::string(test::k_data_dir) + "/allometry.csv"));
    const auto r = compute_tree_survey(trees, plots, table, WoodDensityDatabase{}, {}, opt);
    const double per_rho = 0.251 * std::pow(10.0, 2.46) * 100 / 1000;  // Mg/ha per g/cm³
    const auto& agb = r.plots[0].agb_mc;
    CHECK(agb.ci90_low > 0.08 * per_rho);
    CHECK(agb.ci90_high < 1.39 * per_rho);
    CHECK_THAT(agb.ci90_low, WithinRel(0.1455 * per_rho, 0.05));
    CHECK_THAT(agb.ci90_high, WithinRel(1.3245 * per_rho, 0.02));
}
