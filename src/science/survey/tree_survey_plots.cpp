// compute_tree_survey's plot steps: plots by id, the default equation, the plots' height models, plot sums.
#include "science/survey/tree_survey_steps.hpp"

#include <bluecarbon/error.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace bluecarbon::science::survey::detail {

std::string tree_label(const TreeRecord& t, std::string_view source) {
    std::string s = std::string(source) + ":" + std::to_string(t.line) + ": tree '" + t.tree_id + "'";
    if (!t.stem_id.empty()) s += " stem '" + t.stem_id + "'";
    return s + " in plot '" + t.plot_id + "'";
}

std::unordered_map<std::string, std::size_t> index_plots(const SurveyInputs& in, TreeSurveyResult& result) {
    std::unordered_map<std::string, std::size_t> plot_index;
    result.plots.resize(in.plots.size());
    for (std::size_t p = 0; p < in.plots.size(); ++p) {
        const auto& pr = in.plots[p];
        const std::string where = std::string(in.plots_source) + ":" + std::to_string(pr.line) + ": plot '" +
                                  pr.plot_id + "'";
        if (!plot_index.emplace(pr.plot_id, p).second) throw InputError(where + " appears twice");
        if (!(pr.area_m2 > 0.0)) throw InputError(where + " has no area");
        auto& out = result.plots[p];
        out.plot_id = pr.plot_id;
        out.habitat = pr.habitat.empty() ? normalize_name(in.options.default_habitat) : normalize_name(pr.habitat);
        out.climate = pr.climate.value_or(in.options.default_climate);
        const auto cf = carbon_fractions_for(out.habitat, in.options.carbon);
        out.carbon_fraction = cf.agb;
        out.carbon_fraction_sd = cf.agb_sd;
        out.carbon_fraction_bgb = cf.bgb;
        out.carbon_fraction_bgb_follows_agb = cf.bgb_follows_agb;
    }
    return plot_index;
}

const AllometricEquation* named_default_equation(const AllometryTable& table, const std::string& name) {
    if (normalize_name(name) == "auto") return nullptr;
    const AllometricEquation* eq = table.find(name);
    if (!eq) {
        std::string names;
        for (const auto& e : table.equations())
            if (e.component == Component::agb) names += (names.empty() ? "" : ", ") + e.name;
        throw ConfigError("--equation: unknown equation '" + name + "' (auto, " + names + ")");
    }
    if (eq->component != Component::agb) throw ConfigError("--equation: '" + name + "' is a below-ground equation");
    return eq;
}

namespace {

// The regional curve a plot names (or the options' default region); nullptr when neither names one.
const WeibullHeightCurve* regional_curve(const SurveyInputs& in, const PlotRecord& plot,
                                         std::span<const WeibullHeightCurve> curves) {
    const std::string region = plot.height_region.empty() ? in.options.default_height_region : plot.height_region;
    if (region.empty()) return nullptr;
    for (const auto& c : curves)
        if (normalize_name(c.region) == normalize_name(region)) return &c;
    std::string names;
    for (const auto& c : curves) names += (names.empty() ? "" : ", ") + c.region;
    throw InputError(std::string(in.plots_source) + ":" + std::to_string(plot.line) + ": height region '" + region +
                     "' is not in the height table" +
                     (names.empty() ? std::string(" (no table given)") : " (" + names + ")"));
}

}  // namespace

std::vector<HeightModel> plot_height_models(const SurveyInputs& in, std::span<const WeibullHeightCurve> height_curves,
                                            TreeSurveyResult& result) {
    const std::size_t n_plots = in.plots.size();
    // Fits on measured live stems: the site (all plots) and each plot.
    std::vector<std::vector<double>> plot_d(n_plots), plot_h(n_plots);
    std::vector<double> site_d, site_h;
    for (std::size_t i = 0; i < in.trees.size(); ++i) {
        const auto& t = in.trees[i];
        if (t.status != TreeStatus::live || !t.height_m) continue;
        const std::size_t p = result.trees[i].plot_index;
        plot_d[p].push_back(t.dbh_cm);
        plot_h[p].push_back(*t.height_m);
        site_d.push_back(t.dbh_cm);
        site_h.push_back(*t.height_m);
    }
    const std::size_t min_trees = std::max<std::size_t>(in.options.height_min_trees, 4);
    if (site_d.size() >= min_trees) result.site_height_fit = fit_log_quadratic(site_d, site_h);
    for (std::size_t p = 0; p < n_plots; ++p)
        if (plot_d[p].size() >= min_trees) result.plots[p].height_fit = fit_log_quadratic(plot_d[p], plot_h[p]);

    // Models reference fits stored in `result`; take the pointers only after every fit is in place.
    std::vector<HeightModel> models(n_plots);
    for (std::size_t p = 0; p < n_plots; ++p) {
        auto& out = result.plots[p];
        HeightModel m;
        if (out.height_fit) {
            m.source = HeightSource::plot_model;
            m.fit = &*out.height_fit;
        } else if (result.site_height_fit) {
            m.source = HeightSource::site_model;
            m.fit = &*result.site_height_fit;
        } else if (const auto* curve = regional_curve(in, in.plots[p], height_curves)) {
            m.source = HeightSource::regional;
            m.curve = curve;
        } else if (in.plots[p].chave_e) {
            m.source = HeightSource::chave_e;
            m.chave_e = *in.plots[p].chave_e;
        }
        out.height_model = m.source;
        if (m.available()) out.height_model_rse = m.rse();
        out.height_model_rse_in_metres = m.rse_in_metres();
        if (m.fit) out.height_model_n = m.fit->n;
        models[p] = m;
    }
    return models;
}

std::vector<std::vector<std::size_t>> stems_by_plot(const TreeSurveyResult& result) {
    std::vector<std::vector<std::size_t>> stems_of(result.plots.size());
    for (std::size_t i = 0; i < result.trees.size(); ++i) stems_of[result.trees[i].plot_index].push_back(i);
    return stems_of;
}

void sum_plots(const SurveyInputs& in, const std::vector<std::vector<std::size_t>>& stems_of,
               std::vector<PreparedStem>& prepared, TreeSurveyResult& result) {
    // BIOMASS's bound for a height drawn with a metre RSE: the plot's highest height + 15 m.
    constexpr double k_height_headroom_m = 15.0;
    for (std::size_t p = 0; p < stems_of.size(); ++p) {
        double hmax = 0;
        for (std::size_t i : stems_of[p])
            if (std::isfinite(result.trees[i].height_m)) hmax = std::max(hmax, result.trees[i].height_m);
        for (std::size_t i : stems_of[p]) prepared[i].height_max_m = hmax + k_height_headroom_m;
    }
    for (std::size_t p = 0; p < stems_of.size(); ++p) {
        auto& out = result.plots[p];
        std::set<std::string> ids;
        bool any_ratio = false;
        for (std::size_t i : stems_of[p]) {
            const auto& r = result.trees[i];
            if (in.trees[i].status == TreeStatus::dead) {
                ++out.n_dead;
                out.dead_agb_mg_ha += r.agb_kg * r.expansion_factor_per_ha / 1000.0;
            }
            if (!r.counted) continue;
            ++out.n_stems;
            ids.insert(in.trees[i].tree_id);
            out.agb_mg_ha += r.agb_kg * r.expansion_factor_per_ha / 1000.0;
            out.bgb_mg_ha += r.bgb_kg * r.expansion_factor_per_ha / 1000.0;
            any_ratio = any_ratio || r.bgb_equation == "root_shoot";
        }
        out.n_trees = ids.size();
        out.carbon_mg_c_ha = out.agb_mg_ha * out.carbon_fraction + out.bgb_mg_ha * out.carbon_fraction_bgb;
        if (any_ratio || stems_of[p].empty())
            out.root_shoot = root_shoot_for(out.habitat, out.climate, in.options.carbon);
    }
}

}  // namespace bluecarbon::science::survey::detail
