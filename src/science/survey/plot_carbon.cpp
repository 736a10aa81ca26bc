#include <bluecarbon/science/survey/plot_carbon.hpp>

#include "science/survey/tree_survey_steps.hpp"

#include <bluecarbon/error.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace bluecarbon::science::survey {

namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<double> to_number(std::string_view s) noexcept {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

bool is_mangrove(std::string_view habitat) noexcept { return normalize_name(habitat) == "mangrove"; }

}  // namespace

std::vector<SizeClass> parse_nested(std::string_view spec) {
    std::vector<SizeClass> out;
    std::size_t start = 0;
    spec = trim(spec);
    if (spec.empty()) return out;
    while (start <= spec.size()) {
        const auto end = spec.find(';', start);
        const auto part = trim(spec.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (!part.empty()) {
            const auto colon = part.find(':');
            if (colon == std::string_view::npos)
                throw std::invalid_argument("nested class '" + std::string(part) +
                                            "' is not min_dbh_cm:area_m2 (e.g. \"0:50;5:400;20:1000\")");
            const auto min = to_number(part.substr(0, colon));
            const auto area = to_number(part.substr(colon + 1));
            if (!min || !area)
                throw std::invalid_argument("nested class '" + std::string(part) + "' does not hold two numbers");
            if (*min < 0) throw std::invalid_argument("nested class '" + std::string(part) + "': min_dbh_cm < 0");
            if (*area <= 0) throw std::invalid_argument("nested class '" + std::string(part) + "': area_m2 ≤ 0");
            if (!out.empty() && *min <= out.back().min_dbh_cm)
                throw std::invalid_argument("nested classes must be listed with strictly increasing min_dbh_cm");
            out.push_back(SizeClass{*min, *area});
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

std::string_view climate_name(Climate c) noexcept {
    switch (c) {
    case Climate::tropical_wet: return "tropical_wet";
    case Climate::tropical_dry: return "tropical_dry";
    case Climate::subtropical: return "subtropical";
    }
    return "?";
}

std::optional<Climate> parse_climate(std::string_view name) noexcept {
    std::string n = normalize_name(name);
    std::replace(n.begin(), n.end(), '-', '_');
    std::replace(n.begin(), n.end(), ' ', '_');
    if (n == "tropical_wet") return Climate::tropical_wet;
    if (n == "tropical_dry") return Climate::tropical_dry;
    if (n == "subtropical") return Climate::subtropical;
    return std::nullopt;
}

std::optional<double> expansion_factor_per_ha(const PlotRecord& plot, double dbh_cm) noexcept {
    if (plot.nested.empty()) return plot.area_m2 > 0 ? std::optional<double>(10000.0 / plot.area_m2) : std::nullopt;
    const SizeClass* cls = nullptr;
    for (const auto& c : plot.nested)
        if (dbh_cm >= c.min_dbh_cm) cls = &c;
    if (!cls) return std::nullopt;
    return 10000.0 / cls->area_m2;
}

CarbonFraction carbon_fractions_for(std::string_view habitat, const CarbonDefaults& d) noexcept {
    CarbonFraction f;
    const bool mangrove = is_mangrove(habitat);
    if (d.carbon_fraction) {
        f.agb = *d.carbon_fraction;
        f.agb_sd = d.carbon_fraction_sd.value_or(0.0);
    } else {
        f.agb = mangrove ? d.carbon_fraction_mangrove : d.carbon_fraction_other;
        f.agb_sd = mangrove ? d.carbon_fraction_mangrove_sd : d.carbon_fraction_other_sd;
    }
    f.bgb = f.agb;
    if (d.root_carbon_fraction || (mangrove && !d.carbon_fraction)) {
        f.bgb = d.root_carbon_fraction.value_or(d.root_carbon_fraction_mangrove);
        f.bgb_follows_agb = false;
    }
    return f;
}

double carbon_fraction_for(std::string_view habitat, const CarbonDefaults& d) noexcept {
    return carbon_fractions_for(habitat, d).agb;
}

double root_shoot_for(std::string_view habitat, Climate climate, const CarbonDefaults& d) noexcept {
    if (d.root_shoot) return *d.root_shoot;
    if (!is_mangrove(habitat)) return d.root_shoot_other;
    switch (climate) {
    case Climate::tropical_wet: return d.root_shoot_tropical_wet;
    case Climate::tropical_dry: return d.root_shoot_tropical_dry;
    case Climate::subtropical: return d.root_shoot_subtropical;
    }
    return d.root_shoot_other;
}

std::string dead_rule_text(DeadTreeRule rule) {
    if (rule == DeadTreeRule::include)
        return "dead stems are counted like live stems in agb_mg_ha, bgb_mg_ha and carbon_mg_c_ha";
    return "dead stems are excluded from agb_mg_ha, bgb_mg_ha and carbon_mg_c_ha; their AGB (same equations) is "
           "reported in dead_agb_mg_ha";
}

TreeSurveyResult compute_tree_survey(std::span<const TreeRecord> trees, std::span<const PlotRecord> plots,
                                     const AllometryTable& table, const WoodDensityDatabase& wood_density,
                                     std::span<const WeibullHeightCurve> height_curves,
                                     const TreeSurveyOptions& options, const ParallelFor& parallel,
                                     std::string_view trees_source, std::string_view plots_source) {
    const detail::SurveyInputs in{trees, plots, table, options, trees_source, plots_source};
    TreeSurveyResult result;
    result.dead_rule = dead_rule_text(options.dead_trees);
    const auto plot_index = detail::index_plots(in, result);
    const AllometricEquation* named_default = detail::named_default_equation(table, options.default_equation);

    // Stems → plots, and their wood density.
    result.trees.resize(trees.size());
    std::vector<WoodDensityQuery> wd_queries(trees.size());
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& t = trees[i];
        const auto it = plot_index.find(t.plot_id);
        if (it == plot_index.end())
            throw InputError(detail::tree_label(t, trees_source) + ": the plot is not in " + std::string(plots_source));
        result.trees[i].plot_index = it->second;
        wd_queries[i] = WoodDensityQuery{parse_taxon(t.species), normalize_name(t.family), t.wood_density_g_cm3,
                                         it->second};
    }
    const auto wd = assign_wood_density(wood_density, wd_queries, options.wood_density);
    for (std::size_t i = 0; i < trees.size(); ++i) result.trees[i].wood_density = wd[i];

    const auto plot_models = detail::plot_height_models(in, height_curves, result);
    auto prepared = detail::prepare_stems(in, plot_models, named_default, result);
    const auto stems_of = detail::stems_by_plot(result);
    detail::sum_plots(in, stems_of, prepared, result);
    detail::plot_monte_carlo(in, stems_of, prepared, parallel, result);
    return result;
}

}  // namespace bluecarbon::science::survey
