#pragma once
/// `bluecarbon survey calibrate`: plot AGB (from the project's [survey] trees and plots) against predictors
/// sampled at the plots -> a biomass model with cross-validated error -> biomass_model.json (io/biomass_model_json).
///
/// Sampling: each plot is a circle around its lon/lat (WGS 84) with the plot's own area (or `radius_m`). The
/// input is read, through a GDAL warp with nearest-neighbour resampling, onto a 32 x 32 lon/lat lattice over the
/// circle's bounding box; a predictor is the mean over the lattice cells whose centres fall inside the circle.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/survey/calibration.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct CalibrationRequest {
    config::ProjectConfig project;
    std::vector<std::string> predictors{"ndvi", "mvi"};  ///< index or band names
    std::string input{"reflectance"};                    ///< the project input sampled
    std::optional<double> radius_m;                      ///< else a circle of the plot's area
    std::vector<std::string> habitats;                   ///< empty: those of all plots
    science::survey::CalibrationOptions options;         ///< form, folds, fold seed
    double min_valid{0.5};  ///< least share of a plot's circle with valid pixels for the plot to be used
    std::vector<std::filesystem::path> allometry;
    std::filesystem::path out;  ///< empty: <project output>/biomass_model.json
    /// Leave out bad tree/plot rows (listed in calibrate_qa.csv beside the model) and plots without lon/lat or
    /// outside the sampled input (listed in dropped_plots) instead of stopping.
    bool drop_invalid{false};
};

struct CalibrationResult {
    science::survey::BiomassModelFit fit;
    std::vector<std::string> low_coverage_plots;
    std::vector<std::string> dropped_plots;  ///< "<plot id>: <reason>" (drop_invalid)
    std::size_t dropped_rows{0};             ///< table rows QA dropped (drop_invalid)
    std::vector<std::string> warnings;       ///< e.g. a CV R² ≤ 0 (model_skill_problem)
    std::filesystem::path output;
    double min_valid{0};  ///< the request's min_valid (plots below it are in low_coverage_plots)
    std::string json;  ///< what --json prints
};

/// Throws RequestError ("predictors: ...", "habitats: ...") for a bad request, ConfigError/InputError naming the
/// project key or plot at fault; nothing is written then.
[[nodiscard]] CalibrationResult run_calibration(const CalibrationRequest& request, const RunContext& ctx = {});

[[nodiscard]] inline const std::string& to_json(const CalibrationResult& r) { return r.json; }
/// The human summary: the fitted equation, its cross-validated error, the plots left out, the model file.
[[nodiscard]] std::string summary_text(const CalibrationResult& r);

}  // namespace bluecarbon::pipeline
