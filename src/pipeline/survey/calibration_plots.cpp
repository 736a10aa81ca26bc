// `survey calibrate`'s steps before the fit is written: the plots' AGB from the project's trees, the habitats asked
// for, the plots sampled at the predictors, and the fit (calibration_steps.hpp).
#include "pipeline/survey/calibration_steps.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/science/survey/taxon.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bluecarbon::pipeline::calibration {

namespace ss = science::survey;
using survey::json;
using survey::jnum;

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

}  // namespace bluecarbon::pipeline::calibration
