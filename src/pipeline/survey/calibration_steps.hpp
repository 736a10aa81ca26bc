// Private to `survey calibrate` (pipeline/calibration.hpp): its steps, each with one purpose. The plots' AGB from
// the project's trees, the habitats asked for, the plots sampled at the predictors, the fit, and the outputs
// (biomass_model.json with its provenance, the run JSON).
#pragma once
#include <bluecarbon/pipeline/calibration.hpp>

#include "pipeline/phase.hpp"
#include "pipeline/survey/plot_sampling.hpp"
#include "pipeline/survey/survey_support.hpp"

#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/survey/calibration.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>

#include <set>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::calibration {

/// The project's plots and their AGB from its trees (deterministic; no Monte Carlo needed here).
struct PlotAgb {
    std::string plots_source;
    std::vector<science::survey::PlotRecord> plots;
    science::survey::TreeSurveyResult survey;
};
[[nodiscard]] PlotAgb plot_agb(const CalibrationRequest& rq, survey::QaLog& qa);

/// The habitats named (normalised); RequestError for an unknown one.
[[nodiscard]] std::set<std::string> wanted_habitats(const std::vector<std::string>& names);

/// The plots sampled: the fit's samples (plots with enough valid pixels), their habitats, and the per-plot
/// listing of biomass_model.json.
struct Sampled {
    std::vector<science::survey::CalibrationSample> samples;
    std::vector<science::Habitat> habitats;  // parallel to samples
    survey::json plots = survey::json::array();
    std::vector<std::string> low_coverage;
    std::vector<std::string> dropped;  // "<plot>: <reason>" (drop_invalid)
};
[[nodiscard]] Sampled sample_plots(const CalibrationRequest& rq, const PlotAgb& agb,
                                   const survey::PlotSampler& sampler, const std::set<std::string>& wanted,
                                   Phase& phase);

/// The fit; it applies to the habitats of the plots it was fitted on (in the order they first occur), and each
/// wanted habitat must have such plots. The CV predictions go back into the per-plot listing.
[[nodiscard]] science::survey::BiomassModelFit fit_model(const CalibrationRequest& rq,
                                                         const std::vector<survey::Predictor>& predictors,
                                                         Sampled& s, const std::set<std::string>& wanted,
                                                         const std::string& plots_source);

/// biomass_model.json: the model (the format stock reads), then provenance.
[[nodiscard]] std::string model_file(const CalibrationRequest& rq, const science::survey::BiomassModelFit& fit,
                                     const Sampled& s);

/// What `survey calibrate --json` prints.
[[nodiscard]] std::string calibration_json(const CalibrationResult& r);

}  // namespace bluecarbon::pipeline::calibration
