#pragma once
/// biomass_model.json, the one file format of a calibrated biomass model. `survey calibrate`
// writes it with write_biomass_model(); `stock` reads it with read_biomass_model(). Both sides hold the model as
// science::survey::BiomassModelFit, so there is one prediction formula (BiomassModelFit::predict_t_dm_per_ha).
//
// The model's keys (other keys — plots, inputs, sampling — are provenance and ignored by the reader):
//   "form"             "log" | "linear"
//   "predictors"       band or index names, e.g. ["ndvi", "mvi"]
//   log form:          "log_intercept", "log_coefficients" (ln AGB = b0 + Σ bj xj)
//   linear form:       "intercept", "coefficients"        (AGB = b0 + Σ bj xj)
//   "residual_sigma"   ln scale (log form; enters the prediction as exp(... + σ²/2)) or t d.m./ha (linear)
//   "cv_rmse"          t d.m./ha: the per-pixel σ of AGB_dm in the stock step's uncertainty
//   "habitats"         the habitats the model applies to (stock uses the Tier-1 AGB everywhere else)
// The log form's coefficients have keys of their own, so a reader that knows only the linear form fails loudly
// instead of misreading them.
#include <bluecarbon/science/survey/calibration.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace bluecarbon {

// Adds the model's keys (above, plus formula, residual_sigma_scale, cv_r2, cv_bias, fit_r2, k_folds, n and
// excluded_plots) to `j`.
void write_biomass_model(nlohmann::ordered_json& j, const science::survey::BiomassModelFit& model);

// The model in `j`; `source` names the file in messages. Throws InputError ("<source>: <key>: <what>") for a
// missing or mistyped key, an unknown form or habitat, or a model that cannot be applied (validate()).
[[nodiscard]] science::survey::BiomassModelFit parse_biomass_model(const nlohmann::json& j, const std::string& source);

// Reads and parses `path`. Throws InputError naming the file when it cannot be read or is not JSON.
[[nodiscard]] science::survey::BiomassModelFit read_biomass_model(const std::filesystem::path& path);

}  // namespace bluecarbon
