// compute_tree_survey's Monte Carlo: per plot and draw, every stem recomputed with drawn D, D0.1, wood density,
// height and allometric residual (plot_carbon.hpp gives the distributions).
#include "science/survey/tree_survey_steps.hpp"

#include <cmath>
#include <cstdint>

namespace bluecarbon::science::survey::detail {

namespace {

// Monte-Carlo variable ids (part of the random-number counter; never renumber them).
constexpr std::uint32_t k_var_dbh = 0;
constexpr std::uint32_t k_var_wood_density = 1;
constexpr std::uint32_t k_var_height = 2;
constexpr std::uint32_t k_var_residual_agb = 3;
constexpr std::uint32_t k_var_residual_bgb = 4;
constexpr std::uint32_t k_var_d01 = 5;
constexpr std::uint32_t k_var_carbon_fraction = 6;

// BIOMASS's AGBmonteCarlo bounds: D within [0.1, 500] cm; wood density within the Global Wood Density Database's
// range [0.08, 1.39] g/cm³; a height drawn with an error in metres within [1.3 m, the highest height + 15 m].
constexpr double k_d_min_cm = 0.1;
constexpr double k_d_max_cm = 500.0;
constexpr double k_wd_min = 0.08;
constexpr double k_wd_max = 1.39;
constexpr double k_height_min_m = 1.3;

struct StemDraw {
    double agb_kg{0};
    double bgb_kg{0};
};

// One stem in one draw.
StemDraw draw_stem(const TreeMonteCarloOptions& mc, const PreparedStem& s, const CounterRng& rng, std::uint32_t it) {
    auto diameter = [&](double d, std::uint32_t var) {
        if (!mc.dbh_error || !std::isfinite(d)) return d;
        return rng.truncated_normal(d, mc.dbh_sd_slope * d + mc.dbh_sd_intercept_cm, k_d_min_cm, k_d_max_cm, it, var);
    };
    const double D = diameter(s.dbh_cm, k_var_dbh);
    const double d01 = diameter(s.d01_cm, k_var_d01);
    double rho = s.wood_density;
    if (mc.wood_density_error && std::isfinite(rho))
        rho = rng.truncated_normal(rho, s.wood_density_sd, k_wd_min, k_wd_max, it, k_var_wood_density);
    double H = s.measured_height_m;
    if (std::isnan(H) && s.height_model.available()) {
        H = s.height_model.predict_m(D);
        const double sh = s.height_model.rse();
        if (mc.height_error && sh > 0 && s.height_model.rse_in_metres())
            H = rng.truncated_normal(H, sh, k_height_min_m, s.height_max_m, it, k_var_height);
        else if (mc.height_error && sh > 0)
            H *= std::exp(sh * rng.normal(it, k_var_height) - 0.5 * sh * sh);
    }
    const AllometryInputs in{D, H, rho, s.chave_e};
    // The mean-one residual factor exp(σz − σ²/2) (plot_carbon.hpp: why not BIOMASS's plain exp(σz)).
    auto residual = [&](const AllometricEquation& eq, std::uint32_t var) {
        if (!mc.residual_error) return 1.0;
        const double sr = eq.rse.value_or(mc.default_residual_sd);
        if (!(sr > 0)) return 1.0;
        return std::exp(sr * rng.normal(it, var) - 0.5 * sr * sr);
    };
    StemDraw out;
    out.agb_kg = evaluate_kg(*s.agb, inputs_for(*s.agb, in, d01)) * residual(*s.agb, k_var_residual_agb);
    out.bgb_kg = s.bgb ? evaluate_kg(*s.bgb, inputs_for(*s.bgb, in, d01)) * residual(*s.bgb, k_var_residual_bgb)
                       : s.root_shoot * out.agb_kg;
    return out;
}

}  // namespace

void plot_monte_carlo(const SurveyInputs& in, const std::vector<std::vector<std::size_t>>& stems_of,
                      const std::vector<PreparedStem>& prepared, const ParallelFor& parallel,
                      TreeSurveyResult& result) {
    const auto& mc = in.options.monte_carlo;
    if (mc.draws == 0) return;
    std::vector<std::string_view> plot_ids;
    for (const auto& pl : result.plots) plot_ids.push_back(pl.plot_id);
    check_distinct_stream_keys("plot", plot_ids, in.plots_source);
    parallel(result.plots.size(), [&](std::size_t p) {
        auto& out = result.plots[p];
        const std::uint64_t key = stream_key("plot", out.plot_id);
        std::vector<double> agb(mc.draws), bgb(mc.draws), carbon(mc.draws);
        for (std::size_t k = 0; k < mc.draws; ++k) {
            const CounterRng rng(mc.seed, key, static_cast<std::uint32_t>(k));
            double sum_agb = 0, sum_bgb = 0, sum_carbon = 0;
            std::uint32_t item = 0;
            for (std::size_t i : stems_of[p]) {
                const auto& s = prepared[i];
                const std::uint32_t it = item++;
                if (!s.counted) continue;
                const StemDraw d = draw_stem(mc, s, rng, it);
                // The carbon fraction drawn per stem and draw, as BIOMASS's AGBmonteCarlo (Carbon = TRUE).
                double cf = out.carbon_fraction;
                if (mc.carbon_fraction_error && out.carbon_fraction_sd > 0)
                    cf += out.carbon_fraction_sd * rng.normal(it, k_var_carbon_fraction);
                const double cf_bgb = out.carbon_fraction_bgb_follows_agb ? cf : out.carbon_fraction_bgb;
                sum_agb += d.agb_kg * s.expansion_factor / 1000.0;
                sum_bgb += d.bgb_kg * s.expansion_factor / 1000.0;
                sum_carbon += (d.agb_kg * cf + d.bgb_kg * cf_bgb) * s.expansion_factor / 1000.0;
            }
            agb[k] = sum_agb;
            bgb[k] = sum_bgb;
            carbon[k] = sum_carbon;
        }
        out.agb_mc = summarize(agb);
        out.bgb_mc = summarize(bgb);
        out.carbon_mc = summarize(carbon);
    });
}

}  // namespace bluecarbon::science::survey::detail
