// `survey calibrate`'s outputs: biomass_model.json (the model as stock reads it, then its provenance: sampling,
// input hashes, the per-plot listing) and the run JSON (calibration_steps.hpp).
#include "pipeline/survey/calibration_steps.hpp"

#include <bluecarbon/io/biomass_model_json.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/version.hpp>

namespace bluecarbon::pipeline::calibration {

namespace fs = std::filesystem;
namespace ss = science::survey;
using survey::json;
using survey::jnum;

std::string model_file(const CalibrationRequest& rq, const ss::BiomassModelFit& fit, const Sampled& s) {
    const auto& cfg = rq.project;
    const auto& input = *cfg.input(rq.input);
    json j;
    j["model"] = "bluecarbon biomass model";
    j["tool_version"] = k_version;
    write_biomass_model(j, fit);
    j["fold_seed"] = rq.options.seed;
    j["low_coverage_plots"] = s.low_coverage;
    j["dropped_plots"] = s.dropped;
    if (auto problem = ss::model_skill_problem(fit)) j["warnings"] = json::array({*problem});
    j["sampling"] = {{"input", input.name},
                     {"method", "circle around the plot's lon/lat, 32 x 32 lon/lat lattice, nearest neighbour"},
                     {"radius_m", rq.radius_m ? json(*rq.radius_m) : json("sqrt(area_m2 / pi)")},
                     {"min_valid_fraction", rq.min_valid}};
    j["inputs"] = json::object();
    const auto hashes = hash_inputs({{"project", fs::absolute(cfg.file)},
                                     {"trees", *cfg.survey.trees},
                                     {"plots", *cfg.survey.plots},
                                     {input.name, input.path}});
    for (const auto& h : hashes) j["inputs"][h.name] = {{"path", h.path.string()}, {"sha256", h.sha256}};
    j["plots"] = s.plots;
    return j.dump(2) + "\n";
}

std::string calibration_json(const CalibrationResult& r) {
    const auto& fit = r.fit;
    std::vector<std::string> habitats;
    for (auto h : fit.habitats) habitats.emplace_back(science::habitat_name(h));
    const json s{{"command", "survey calibrate"},
                 {"bluecarbon_version", k_version},
                 {"outputs", json::array({r.output.string()})},
                 {"form", ss::model_form_name(fit.form)},
                 {"predictors", fit.predictors},
                 {"intercept", fit.intercept},
                 {"coefficients", fit.coefficients},
                 {"residual_sigma", jnum(fit.residual_sigma)},
                 {"cv_rmse", jnum(fit.cv_rmse_t_dm_per_ha)},
                 {"cv_r2", jnum(fit.cv_r2)},
                 {"n", fit.n},
                 {"habitats", habitats},
                 {"dropped_plots", r.dropped_plots},
                 {"dropped_rows", r.dropped_rows},
                 {"warnings", r.warnings}};
    return s.dump(2);
}

}  // namespace bluecarbon::pipeline::calibration
