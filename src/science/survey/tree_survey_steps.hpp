#pragma once
// The steps of compute_tree_survey (plot_carbon.hpp), each with one purpose: index the plots, choose the
// plots' height models, prepare each stem (height, equations, mass, expansion factor), sum the plots, and run
// the Monte Carlo. Private to the science module.
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bluecarbon::science::survey::detail {

/// Everything the Monte Carlo needs to recompute one stem.
struct PreparedStem {
    double dbh_cm{0};
    double d01_cm{std::numeric_limits<double>::quiet_NaN()};
    double height_max_m{0};  ///< upper bound of a height drawn with a metre RSE
    double measured_height_m{std::numeric_limits<double>::quiet_NaN()};
    HeightModel height_model;
    double wood_density{std::numeric_limits<double>::quiet_NaN()};
    double wood_density_sd{0};
    double chave_e{std::numeric_limits<double>::quiet_NaN()};
    const AllometricEquation* agb{nullptr};
    const AllometricEquation* bgb{nullptr};  ///< nullptr: root:shoot
    double root_shoot{0};
    double expansion_factor{0};
    bool counted{true};
};

/// The inputs of one survey, as compute_tree_survey was given them.
struct SurveyInputs {
    std::span<const TreeRecord> trees;
    std::span<const PlotRecord> plots;
    const AllometryTable& table;
    const TreeSurveyOptions& options;
    std::string_view trees_source;
    std::string_view plots_source;
};

/// Fills result.plots (id, habitat, climate, carbon fraction) and returns the plots by id. Throws InputError for a
/// plot listed twice or without an area.
[[nodiscard]] std::unordered_map<std::string, std::size_t> index_plots(const SurveyInputs& in,
                                                                        TreeSurveyResult& result);

/// The AGB equation named by options.default_equation, or nullptr for "auto". Throws ConfigError for an unknown
/// or below-ground equation.
[[nodiscard]] const AllometricEquation* named_default_equation(const AllometryTable& table, const std::string& name);

/// Fits the site and plot height models on measured live stems and picks each plot's model (plot fit, site fit,
/// regional curve, Chave's E curve). The models point into `result`'s fits. Throws InputError for an unknown
/// height region.
[[nodiscard]] std::vector<HeightModel> plot_height_models(const SurveyInputs& in,
                                                          std::span<const WeibullHeightCurve> height_curves,
                                                          TreeSurveyResult& result);

/// Per stem: height, AGB and BGB equations, masses, expansion factor (result.trees and the prepared stems).
/// result.trees[i].plot_index and wood_density must be set. Throws InputError naming the stem when no equation
/// applies or it cannot be evaluated.
[[nodiscard]] std::vector<PreparedStem> prepare_stems(const SurveyInputs& in,
                                                      const std::vector<HeightModel>& plot_models,
                                                      const AllometricEquation* named_default,
                                                      TreeSurveyResult& result);

/// The stems of each plot, in input order (so sums are reproducible).
[[nodiscard]] std::vector<std::vector<std::size_t>> stems_by_plot(const TreeSurveyResult& result);

/// Plot totals (Mg/ha) of the deterministic values; sets each prepared stem's height bound.
void sum_plots(const SurveyInputs& in, const std::vector<std::vector<std::size_t>>& stems_of,
               std::vector<PreparedStem>& prepared, TreeSurveyResult& result);

/// The Monte Carlo of every plot (one plot per task through `parallel`): result.plots[p].*_mc.
void plot_monte_carlo(const SurveyInputs& in, const std::vector<std::vector<std::size_t>>& stems_of,
                      const std::vector<PreparedStem>& prepared, const ParallelFor& parallel,
                      TreeSurveyResult& result);

/// The inputs an equation sees: its D is the stem's D0.1 for an equation fitted on D0.1.
[[nodiscard]] AllometryInputs inputs_for(const AllometricEquation& eq, AllometryInputs in, double d01_cm);

/// "<source>:<line>: tree 'id' [stem 's'] in plot 'p'", for messages.
[[nodiscard]] std::string tree_label(const TreeRecord& t, std::string_view source);

}  // namespace bluecarbon::science::survey::detail
