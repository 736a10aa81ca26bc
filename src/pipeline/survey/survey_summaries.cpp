// Human summaries of the survey commands (what the CLI prints without --json).
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/pipeline/calibration.hpp>
#include <bluecarbon/pipeline/core_survey.hpp>
#include <bluecarbon/pipeline/tree_survey.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

namespace {
std::string mc_text(std::size_t draws, std::uint64_t seed) {
    return draws > 0 ? fmt::format("{} draws, seed {}", draws, seed) : std::string("off");
}
std::string dropped_text(std::size_t dropped) {
    return dropped == 0 ? std::string() : fmt::format(", {} rows dropped (see qa.csv)", dropped);
}
std::string ci_text(const science::survey::McSummary& mc) {
    return mc.draws > 0 ? fmt::format("[{:.1f}, {:.1f}]", mc.ci90_low, mc.ci90_high) : std::string("-");
}
}  // namespace

std::string summary_text(const TreeSurveyResult& res) {
    const auto& survey = res.survey;
    std::string s =
        fmt::format("survey trees: {} plots, {} stems{}; Monte Carlo {}\n", survey.plots.size(), survey.trees.size(),
                    dropped_text(res.dropped_rows), mc_text(res.mc_draws, res.mc_seed));
    s += fmt::format("  {:<10} {:<9} {:>5} {:>10} {:>10} {:>11} {:>22}\n", "plot", "habitat", "trees", "AGB Mg/ha",
                     "BGB Mg/ha", "C Mg C/ha", "AGB 90% interval");
    for (const auto& r : survey.plots)
        s += fmt::format("  {:<10} {:<9} {:>5} {:>10.1f} {:>10.1f} {:>11.1f} {:>22}\n", r.plot_id, r.habitat,
                         r.n_trees, r.agb_mg_ha, r.bgb_mg_ha, r.carbon_mg_c_ha, ci_text(r.agb_mc));
    for (const auto& n : res.notices) s += "  note: " + n + "\n";
    for (const auto& w : res.outputs) s += "  -> " + w.string() + "\n";
    return s;
}

std::string summary_text(const CoreSurveyResult& res) {
    std::string s = fmt::format("survey cores: {} cores, {} samples{}; stock to {} cm; Monte Carlo {}\n",
                                res.cores.size(), res.samples, dropped_text(res.dropped_rows),
                                format_number(res.target_depth_cm), mc_text(res.mc_draws, res.mc_seed));
    s += fmt::format("  {:<10} {:>9} {:>12} {:>12} {:>9} {:>20}\n", "core", "depth cm", "whole Mg C/ha", "to depth",
                     "se", "90% interval");
    for (const auto& r : res.cores)
        s += fmt::format("  {:<10} {:>9.1f} {:>12.1f} {:>11.1f}{} {:>9} {:>20}\n", r.core_id, r.max_depth_cm,
                         r.stock_whole_core_mg_c_ha, r.stock.stock_mg_c_ha, r.stock.extrapolated ? "*" : " ",
                         std::isfinite(r.stock.se_mg_c_ha) ? fmt::format("{:.2f}", r.stock.se_mg_c_ha) : "-",
                         ci_text(r.stock_mc));
    if (std::any_of(res.cores.begin(), res.cores.end(), [](const auto& r) { return r.stock.extrapolated; }))
        s += "  * extrapolated below the core (regression of cumulative stock on depth)\n";
    for (const auto& p : res.outputs) s += "  -> " + p.string() + "\n";
    return s;
}

std::string summary_text(const CalibrationResult& r) {
    const auto& fit = r.fit;
    std::vector<std::string> habitats;
    for (auto h : fit.habitats) habitats.emplace_back(science::habitat_name(h));
    std::string terms;
    for (std::size_t i = 0; i < fit.coefficients.size(); ++i)
        terms += fmt::format(" {} {:.4g} {}", fit.coefficients[i] < 0 ? "-" : "+", std::abs(fit.coefficients[i]),
                             fit.predictors[i]);
    std::string s = fmt::format("survey calibrate: {} plots ({}), {}-fold cross-validation\n", fit.n,
                                fmt::join(habitats, ", "), fit.folds);
    if (fit.form == science::survey::ModelForm::log)
        s += fmt::format("  ln AGB = {:.4g}{}   (residual sigma {:.3g} on the ln scale, R2 {:.3f})\n", fit.intercept,
                         terms, fit.residual_sigma, fit.fit_r2);
    else
        s += fmt::format("  AGB = {:.4g}{}   (residual sigma {:.3g} t/ha, R2 {:.3f})\n", fit.intercept, terms,
                         fit.residual_sigma, fit.fit_r2);
    s += fmt::format("  CV RMSE {:.2f} t d.m./ha, CV R2 {:.3f}, CV bias {:+.2f} t d.m./ha\n", fit.cv_rmse_t_dm_per_ha,
                     fit.cv_r2, fit.cv_bias_t_dm_per_ha);
    if (!fit.excluded.empty() || !r.low_coverage_plots.empty())
        s += fmt::format("  left out: {} (AGB <= 0), {} (less than {:.0f} % valid pixels)\n", fit.excluded.size(),
                         r.low_coverage_plots.size(), 100 * r.min_valid);
    if (!r.dropped_plots.empty() || r.dropped_rows > 0)
        s += fmt::format("  dropped: {} table rows, plots {}\n", r.dropped_rows, fmt::join(r.dropped_plots, "; "));
    for (const auto& w : r.warnings) s += "  warning: " + w + "\n";
    return s + "  -> " + r.output.string() + "\n";
}

}  // namespace bluecarbon::pipeline
