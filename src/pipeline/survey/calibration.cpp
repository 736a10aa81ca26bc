// `survey calibrate`: plot AGB from the project's trees and plots (no Monte Carlo), predictors sampled at each
// plot (plot_sampling), a least-squares fit with k-fold cross-validation (science), biomass_model.json written
// with the model (io/biomass_model_json) and its provenance (sampling, input hashes, per-plot listing).
#include <bluecarbon/pipeline/calibration.hpp>

#include "pipeline/input_file.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/survey/plot_sampling.hpp"
#include "pipeline/survey/survey_support.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/io/biomass_model_json.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/science/survey/plot_carbon.hpp>
#include <bluecarbon/science/survey/taxon.hpp>
#include <bluecarbon/version.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

namespace bluecarbon::pipeline {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;
using survey::json;
using survey::jnum;

/// The project's plots and their AGB from its trees (deterministic; no Monte Carlo needed here).
struct PlotAgb {
    std::string plots_source;
    std::vector<ss::PlotRecord> plots;
    ss::TreeSurveyResult survey;
};

PlotAgb plot_agb(const CalibrationRequest& rq, survey::QaLog& qa) {
    const auto& cfg = rq.project;
    const CsvTable plots_csv = read_csv(*cfg.survey.plots);
    const CsvTable trees_csv = read_csv(*cfg.survey.trees);
    auto pp = parse_plots(plots_csv);
    const auto pq = ss::check_plots(pp.records);
    pp.issues.insert(pp.issues.end(), pq.begin(), pq.end());
    qa.handle(plots_csv, pp.issues);
    const auto plots = ss::drop_flagged<ss::PlotRecord>(pp.records, pq);
    auto pt = parse_trees(trees_csv);
    const auto tq = ss::check_trees(pt.records, plots);
    pt.issues.insert(pt.issues.end(), tq.begin(), tq.end());
    qa.handle(trees_csv, pt.issues);
    const auto trees = ss::drop_flagged<ss::TreeRecord>(pt.records, tq);
    std::vector<CsvTable> extra;
    for (const auto& p : rq.allometry) extra.push_back(survey::read_table(p, "allometry"));
    const auto table = load_allometry_tables(extra);
    const auto wood_density = load_wood_density(read_csv(data_dir() / "wood_density" / "gwdd.csv"));
    ss::TreeSurveyOptions topt;
    topt.monte_carlo.draws = 0;
    PlotAgb out{plots_csv.source(), plots, {}};
    out.survey = ss::compute_tree_survey(trees, plots, table, wood_density, {}, topt, ss::serial_for,
                                         trees_csv.source(), plots_csv.source());
    return out;
}

std::set<std::string> wanted_habitats(const std::vector<std::string>& names) {
    std::set<std::string> wanted;
    for (const auto& name : names) {
        const auto h = ss::normalize_name(name);
        if (h.empty()) continue;
        if (!science::parse_habitat(h))
            throw RequestError("habitats", "unknown habitat '" + h + "' (" + science::habitat_name_list() + ")");
        wanted.insert(h);
    }
    return wanted;
}

/// The plots sampled: the fit's samples (plots with enough valid pixels), their habitats, and the per-plot
/// listing of biomass_model.json.
struct Sampled {
    std::vector<ss::CalibrationSample> samples;
    std::vector<science::Habitat> habitats;  // parallel to samples
    json plots = json::array();
    std::vector<std::string> low_coverage;
    std::vector<std::string> dropped;  // "<plot>: <reason>" (drop_invalid)
};

Sampled sample_plots(const CalibrationRequest& rq, const PlotAgb& agb, const survey::PlotSampler& sampler,
                     const std::set<std::string>& wanted, Phase& phase) {
    Sampled s;
    const auto& input = *rq.project.input(rq.input);
    for (std::size_t p = 0; p < agb.plots.size(); ++p) {
        phase.tick();
        const auto& rec = agb.plots[p];
        const auto& res = agb.survey.plots[p];
        if (!wanted.empty() && !wanted.count(res.habitat)) continue;
        const std::string where = agb.plots_source + ":" + std::to_string(rec.line) + ": plot '" + rec.plot_id + "'";
        // A plot that cannot be sampled stops the run, or with drop_invalid is left out and listed.
        auto invalid = [&](const std::string& why) {
            if (!rq.drop_invalid) throw InputError(where + why + " (drop_invalid (--drop-invalid) leaves it out)");
            s.dropped.push_back(rec.plot_id + ":" + why);
        };
        if (!rec.lon || !rec.lat) {
            invalid(" has no lon/lat to sample the predictors at");
            continue;
        }
        if (!science::parse_habitat(res.habitat))
            throw InputError(where + ": habitat '" + res.habitat + "' is not one of " + science::habitat_name_list());
        const double radius = rq.radius_m.value_or(std::sqrt(rec.area_m2 / std::numbers::pi));
        survey::PlotPredictors pv;
        try {
            pv = sampler.sample(*rec.lon, *rec.lat, radius);
        } catch (const GridMismatchError&) {
            invalid(" lies outside " + input.path.string());
            continue;
        }
        json pj{{"plot_id", rec.plot_id},
                {"habitat", res.habitat},
                {"agb_t_dm_per_ha", res.agb_mg_ha},
                {"radius_m", radius},
                {"valid_fraction", pv.valid_fraction}};
        for (std::size_t j = 0; j < sampler.predictors().size(); ++j)
            pj[sampler.predictors()[j].name] = jnum(pv.values[j]);
        const bool used = pv.valid_fraction >= rq.min_valid;
        pj["used"] = used;
        s.plots.push_back(std::move(pj));
        if (!used) {
            s.low_coverage.push_back(rec.plot_id);
            continue;
        }
        s.samples.push_back({rec.plot_id, res.agb_mg_ha, pv.values});
        s.habitats.push_back(*science::parse_habitat(res.habitat));
    }
    return s;
}

/// The fit; it applies to the habitats of the plots it was fitted on (in the order they first occur), and each
/// wanted habitat must have such plots. The CV predictions go back into the per-plot listing.
ss::BiomassModelFit fit_model(const CalibrationRequest& rq, const std::vector<survey::Predictor>& predictors,
                              Sampled& s, const std::set<std::string>& wanted, const std::string& plots_source) {
    std::vector<std::string> names;
    for (const auto& p : predictors) names.push_back(p.name);
    auto fit = ss::calibrate_biomass_model(s.samples, names, rq.options);
    auto excluded = [&](const std::string& id) {
        return std::find(fit.excluded.begin(), fit.excluded.end(), id) != fit.excluded.end();
    };
    for (std::size_t i = 0; i < s.samples.size(); ++i)
        if (!excluded(s.samples[i].plot_id) && !fit.applies_to(s.habitats[i])) fit.habitats.push_back(s.habitats[i]);
    for (const auto& h : wanted)
        if (!fit.applies_to(*science::parse_habitat(h)))
            throw RequestError("habitats", "no usable plot of habitat '" + h + "' to fit the model on (plots of " +
                                               plots_source + ")");
    std::size_t r = 0;
    for (auto& pj : s.plots) {
        if (!pj["used"].get<bool>()) continue;
        if (excluded(pj["plot_id"].get<std::string>())) {
            pj["used"] = false;
            continue;
        }
        pj["cv_prediction_t_dm_per_ha"] = jnum(fit.cv_predictions[r++]);
    }
    return fit;
}

/// biomass_model.json: the model (the format stock reads), then provenance.
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
    json s{{"command", "survey calibrate"},
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
    // The model file's names too (`intercept` stays: keys are added, never renamed).
    if (fit.form == ss::ModelForm::log) {
        s["log_intercept"] = fit.intercept;
        s["log_coefficients"] = fit.coefficients;
    }
    return s.dump(2);
}

}  // namespace

CalibrationResult run_calibration(const CalibrationRequest& rq, const RunContext& ctx) {
    const auto& cfg = rq.project;
    if (!cfg.survey.trees || !cfg.survey.plots)
        throw ConfigError(cfg.file.string() + ": [survey] needs trees and plots to calibrate a biomass model");
    require_input_file(*cfg.survey.trees, cfg.survey.trees_origin);
    require_input_file(*cfg.survey.plots, cfg.survey.plots_origin);
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
