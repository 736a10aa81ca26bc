#pragma once
/// A satellite biomass model calibrated on survey plots: plot AGB (t d.m./ha = Mg/ha, from `survey trees`)
/// against predictors sampled at the plots (spectral indices, bands), by ordinary least squares, with k-fold
/// cross-validation.
///
///   log form (default):  ln AGB = b0 + Σ bj xj + ε, ε ~ N(0, σ²); prediction exp(b0 + Σ bj xj + σ²/2), the mean of
///                        the log-normal AGB (the same ½σ² correction as the height model). Plots with AGB ≤ 0
///                        cannot enter and are listed as excluded.
///   linear form:         AGB = b0 + Σ bj xj + ε; predictions below 0 are 0.
///
/// Cross-validation: plots are put in k folds by a seeded hash of their id (so the folds do not depend on row
/// order); each fold is predicted by the model fitted on the others. CV RMSE and R² are on the AGB scale
/// (t d.m./ha), R² = 1 − Σ(pred − obs)² / Σ(obs − mean obs)². The CV RMSE is the per-pixel prediction error the
/// stock step's uncertainty uses. Plain C++; thread-safe.
///
/// The same type is what the stock step applies per pixel (science::PoolModel): calibrate writes it to
/// biomass_model.json and stock reads it back (cli/biomass_model_json.hpp), so both sides share one prediction
/// formula, predict_t_dm_per_ha().
#include <bluecarbon/science/habitat.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science::survey {

enum class ModelForm : std::uint8_t { log, linear };
[[nodiscard]] std::string_view model_form_name(ModelForm form) noexcept;

/// One plot: its id, its AGB and its predictor values (in the order of the model's predictor names).
struct CalibrationSample {
    std::string plot_id;
    double agb_t_dm_per_ha{0};
    std::vector<double> predictors;
};

/// A fitted model, as written to biomass_model.json and applied per pixel by the stock step.
struct BiomassModelFit {
    ModelForm form{ModelForm::log};
    std::vector<std::string> predictors;
    double intercept{0};
    std::vector<double> coefficients;
    /// Residual standard error: ln scale for the log form, t d.m./ha for the linear form.
    double residual_sigma{0};
    double fit_r2{std::numeric_limits<double>::quiet_NaN()};  ///< on the fitted (response) scale
    double cv_rmse_t_dm_per_ha{std::numeric_limits<double>::quiet_NaN()};
    double cv_r2{std::numeric_limits<double>::quiet_NaN()};
    double cv_bias_t_dm_per_ha{std::numeric_limits<double>::quiet_NaN()};  ///< mean(pred − obs)
    std::size_t n{0};
    std::size_t folds{0};
    std::vector<std::string> excluded;  ///< plot ids left out (AGB ≤ 0 in the log form)
    std::vector<double> cv_predictions; ///< per used sample, in input order (t d.m./ha)
    /// The habitats the model applies to (those of the plots it was fitted on); the stock step uses the model
    /// for AGB on these habitats only and the Tier-1 value elsewhere.
    std::vector<Habitat> habitats;

    /// b0 + Σ bj xj. `x` must hold one value per predictor.
    [[nodiscard]] double linear_predictor(std::span<const double> x) const;
    /// AGB in t d.m./ha (see the header comment for each form).
    [[nodiscard]] double predict_t_dm_per_ha(std::span<const double> x) const;
    [[nodiscard]] bool applies_to(Habitat h) const noexcept;
    /// Checks that the model can be applied: at least one predictor, one coefficient per predictor, finite
    /// coefficients and intercept, a finite residual σ ≥ 0 (it enters the log form's prediction), a finite CV
    /// RMSE ≥ 0 (the per-pixel σ of the stock step) and at least one habitat. Throws std::invalid_argument
    /// saying which part is wrong.
    void validate() const;
};

/// Why a fitted model has no predictive skill, or nullopt when it has some: its cross-validated R² is not a finite
/// number > 0 (R² ≤ 0 means the model predicts the plots' AGB no better than their mean). Calibrate warns with
/// this text; stock refuses such a model unless the user forces it.
[[nodiscard]] std::optional<std::string> model_skill_problem(const BiomassModelFit& fit);

struct CalibrationOptions {
    ModelForm form{ModelForm::log};
    std::size_t folds{5};  ///< capped at the number of plots (leave-one-out)
    std::uint64_t seed{1};
};

/// Fits the model on `samples`. Throws InputError when fewer than p + 2 usable plots remain (p = predictors + 1),
/// when a predictor value is not finite, or when the predictors are collinear over the plots.
[[nodiscard]] BiomassModelFit calibrate_biomass_model(std::span<const CalibrationSample> samples,
                                                      std::span<const std::string> predictor_names,
                                                      const CalibrationOptions& options = {});

}  // namespace bluecarbon::science::survey
