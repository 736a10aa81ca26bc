// `survey calibrate`: plot AGB from the project's trees and plots (no Monte Carlo), predictors sampled at each
// plot (plot_sampling), a least-squares fit with k-fold cross-validation (science), biomass_model.json written
// with the model (io/biomass_model_json) and its provenance. The steps are in calibration_plots.cpp and
// calibration_outputs.cpp.
#include <bluecarbon/pipeline/calibration.hpp>

#include "pipeline/survey/calibration_steps.hpp"

#include <bluecarbon/io/gdal_setup.hpp>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
namespace ss = science::survey;
using namespace calibration;

CalibrationResult run_calibration(const CalibrationRequest& rq, const RunContext& ctx) {
    const auto& cfg = rq.project;
    if (!cfg.survey.trees || !cfg.survey.plots)
        throw ConfigError(cfg.file.string() + ": [survey] needs trees and plots to calibrate a biomass model");
    const config::RasterInput* input = cfg.input(rq.input);
    if (!input)
        throw ConfigError(cfg.file.string() + ": no input named '" + rq.input + "' to sample the predictors from");
    auto predictors = survey::parse_predictors(rq.predictors);
    ensure_gdal_ready();
    const survey::PlotSampler sampler(*input, predictors);
    survey::QaLog qa{rq.drop_invalid, {}};
    const PlotAgb agb = plot_agb(rq, qa);
    const auto wanted = wanted_habitats(rq.habitats);

    Sampled s;
    {
        Phase phase(ctx, "survey calibrate", static_cast<std::int64_t>(agb.plots.size()));
        s = sample_plots(rq, agb, sampler, wanted, phase);
        phase.finish();
    }
    CalibrationResult r;
    r.fit = fit_model(rq, sampler.predictors(), s, wanted, agb.plots_source);
    r.low_coverage_plots = s.low_coverage;
    r.dropped_plots = s.dropped;
    r.dropped_rows = qa.rows.size();
    // A model with no skill is written (to be inspected) but stock refuses it unless [stock] force_model = true.
    if (auto problem = ss::model_skill_problem(r.fit))
        r.warnings.push_back(*problem + "; stock refuses it unless [stock] force_model = true");

    const fs::path out = rq.out.empty() ? cfg.output_dir / "biomass_model.json" : rq.out;
    survey::StagedOutputs outputs(out.has_parent_path() ? out.parent_path() : fs::path("."));
    outputs.add(out.filename().string(), model_file(rq, r.fit, s));
    if (rq.drop_invalid) outputs.add("calibrate_qa.csv", qa.csv());
    r.output = outputs.commit().front();
    r.min_valid = rq.min_valid;
    r.json = calibration_json(r);
    return r;
}

}  // namespace bluecarbon::pipeline
