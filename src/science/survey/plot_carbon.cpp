#include <bluecarbon/science/survey/plot_carbon.hpp>

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

// Monte-Carlo variable ids (part of the random-number counter; never renumber them).
constexpr std::uint32_t k_var_dbh = 0;
constexpr std::uint32_t k_var_wood_density = 1;
constexpr std::uint32_t k_var_height = 2;
constexpr std::uint32_t k_var_residual_agb = 3;
constexpr std::uint32_t k_var_residual_bgb = 4;
constexpr std::uint32_t k_var_d01 = 5;

// BIOMASS's AGBmonteCarlo bounds: wood density within the Global Wood Density Database's range [0.08, 1.39] g/cm³;
// a height drawn with an error in metres within [1.3 m, the highest height + 15 m].
constexpr double k_wd_min = 0.08;
constexpr double k_wd_max = 1.39;
constexpr double k_height_min_m = 1.3;
constexpr double k_height_headroom_m = 15.0;

// Everything the Monte Carlo needs to recompute one stem.
struct PreparedStem {
    double dbh_cm{0};
    double d01_cm{std::numeric_limits<double>::quiet_NaN()};
    double height_max_m{0};  // upper bound of a height drawn with a metre RSE
    double measured_height_m{std::numeric_limits<double>::quiet_NaN()};
    HeightModel height_model;
    double wood_density{std::numeric_limits<double>::quiet_NaN()};
    double wood_density_sd{0};
    double chave_e{std::numeric_limits<double>::quiet_NaN()};
    const AllometricEquation* agb{nullptr};
    const AllometricEquation* bgb{nullptr};  // nullptr: root:shoot
    double root_shoot{0};
    double expansion_factor{0};
    bool counted{true};
};

// The inputs an equation sees: its D is the stem's D0.1 for an equation fitted on D0.1.
AllometryInputs inputs_for(const AllometricEquation& eq, AllometryInputs in, double d01_cm) {
    if (eq.diameter == DiameterKind::d01) in.dbh_cm = d01_cm;
    return in;
}

// Why the stem's equation is not the best-suited one, or how its D is measured (trees.csv equation_note).
std::string equation_note(const AllometryTable& table, const Taxon& taxon, const TreeRecord& t,
                          const AllometricEquation& used, InputAvailability avail) {
    std::string note;
    if (!avail.d01) {
        avail.d01 = true;
        const auto better = table.choose(taxon, Component::agb, avail);
        if (better && better->equation != &used && better->equation->diameter == DiameterKind::d01)
            note = "'" + better->equation->name + "' is fitted on D0.1 (diameter at a tenth of the height) and the "
                   "stem has no d01_cm: '" + used.name + "' on DBH instead";
    }
    if (taxon.genus == "rhizophora" && used.diameter == DiameterKind::dbh && !t.d01_cm) {
        if (!note.empty()) note += "; ";
        note += "Rhizophora: measure D above the highest prop root (D_R0.3, Komiyama et al. 2005), not at 1.3 m";
    }
    return note;
}

std::string tree_label(const TreeRecord& t, std::string_view source) {
    std::string s = std::string(source) + ":" + std::to_string(t.line) + ": tree '" + t.tree_id + "'";
    if (!t.stem_id.empty()) s += " stem '" + t.stem_id + "'";
    return s + " in plot '" + t.plot_id + "'";
}

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

double carbon_fraction_for(std::string_view habitat, const CarbonDefaults& d) noexcept {
    if (d.carbon_fraction) return *d.carbon_fraction;
    return is_mangrove(habitat) ? d.carbon_fraction_mangrove : d.carbon_fraction_other;
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
    TreeSurveyResult result;
    result.dead_rule = dead_rule_text(options.dead_trees);

    // Plots by id.
    std::unordered_map<std::string, std::size_t> plot_index;
    result.plots.resize(plots.size());
    for (std::size_t p = 0; p < plots.size(); ++p) {
        const auto& pr = plots[p];
        if (!plot_index.emplace(pr.plot_id, p).second)
            throw InputError(std::string(plots_source) + ":" + std::to_string(pr.line) + ": plot '" + pr.plot_id +
                             "' appears twice");
        if (!(pr.area_m2 > 0.0))
            throw InputError(std::string(plots_source) + ":" + std::to_string(pr.line) + ": plot '" + pr.plot_id +
                             "' has no area");
        auto& out = result.plots[p];
        out.plot_id = pr.plot_id;
        out.habitat = pr.habitat.empty() ? normalize_name(options.default_habitat) : normalize_name(pr.habitat);
        out.climate = pr.climate.value_or(options.default_climate);
        out.carbon_fraction = carbon_fraction_for(out.habitat, options.carbon);
    }

    // The default AGB equation (when not "auto").
    const AllometricEquation* named_default = nullptr;
    if (normalize_name(options.default_equation) != "auto") {
        named_default = table.find(options.default_equation);
        if (!named_default) {
            std::string names;
            for (const auto& eq : table.equations())
                if (eq.component == Component::agb) names += (names.empty() ? "" : ", ") + eq.name;
            throw ConfigError("--equation: unknown equation '" + options.default_equation + "' (auto, " + names + ")");
        }
        if (named_default->component != Component::agb)
            throw ConfigError("--equation: '" + options.default_equation + "' is a below-ground equation");
    }

    // Stems → plots; taxa.
    const std::size_t n = trees.size();
    result.trees.resize(n);
    std::vector<Taxon> taxa(n);
    std::vector<WoodDensityQuery> wd_queries(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = trees[i];
        const auto it = plot_index.find(t.plot_id);
        if (it == plot_index.end())
            throw InputError(tree_label(t, trees_source) + ": the plot is not in " + std::string(plots_source));
        result.trees[i].plot_index = it->second;
        taxa[i] = parse_taxon(t.species);
        wd_queries[i] = WoodDensityQuery{taxa[i], normalize_name(t.family), t.wood_density_g_cm3, it->second};
    }

    // Wood density.
    const auto wd = assign_wood_density(wood_density, wd_queries, options.wood_density);

    // Height–diameter fits: site (all plots) and per plot, on measured live stems.
    std::vector<std::vector<double>> plot_d(plots.size()), plot_h(plots.size());
    std::vector<double> site_d, site_h;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = trees[i];
        if (t.status != TreeStatus::live || !t.height_m) continue;
        const std::size_t p = result.trees[i].plot_index;
        plot_d[p].push_back(t.dbh_cm);
        plot_h[p].push_back(*t.height_m);
        site_d.push_back(t.dbh_cm);
        site_h.push_back(*t.height_m);
    }
    const std::size_t min_trees = std::max<std::size_t>(options.height_min_trees, 4);
    if (site_d.size() >= min_trees) result.site_height_fit = fit_log_quadratic(site_d, site_h);
    std::vector<HeightModel> plot_model(plots.size());
    for (std::size_t p = 0; p < plots.size(); ++p) {
        auto& out = result.plots[p];
        if (plot_d[p].size() >= min_trees) out.height_fit = fit_log_quadratic(plot_d[p], plot_h[p]);
    }
    // Models reference fits stored in `result`; take the pointers only after every fit is in place.
    for (std::size_t p = 0; p < plots.size(); ++p) {
        auto& out = result.plots[p];
        HeightModel m;
        if (out.height_fit) {
            m.source = HeightSource::plot_model;
            m.fit = &*out.height_fit;
        } else if (result.site_height_fit) {
            m.source = HeightSource::site_model;
            m.fit = &*result.site_height_fit;
        } else {
            const std::string region =
                plots[p].height_region.empty() ? options.default_height_region : plots[p].height_region;
            if (!region.empty()) {
                const WeibullHeightCurve* curve = nullptr;
                for (const auto& c : height_curves)
                    if (normalize_name(c.region) == normalize_name(region)) curve = &c;
                if (!curve) {
                    std::string names;
                    for (const auto& c : height_curves) names += (names.empty() ? "" : ", ") + c.region;
                    throw InputError(std::string(plots_source) + ":" + std::to_string(plots[p].line) +
                                     ": height region '" + region + "' is not in the height table" +
                                     (names.empty() ? std::string(" (no table given)") : " (" + names + ")"));
                }
                m.source = HeightSource::regional;
                m.curve = curve;
            } else if (plots[p].chave_e) {
                m.source = HeightSource::chave_e;
                m.chave_e = *plots[p].chave_e;
            }
        }
        out.height_model = m.source;
        if (m.available()) out.height_model_rse = m.rse();
        out.height_model_rse_in_metres = m.rse_in_metres();
        if (m.fit) out.height_model_n = m.fit->n;
        plot_model[p] = m;
    }

    // Plots where some stem has a measured height: only there does "auto" use Chave's Eq. 4 with heights. A plot
    // with E and no measured height gets Eq. 7 directly, as BIOMASS does (its retrieveH warns that carrying an
    // E-based height error into Eq. 4 is wrong); modelled heights + Eq. 4 only when asked for (--equation).
    std::vector<char> plot_measured(plots.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
        if (trees[i].height_m) plot_measured[result.trees[i].plot_index] = 1;

    // Per stem: height, equations, mass, expansion factor.
    std::vector<PreparedStem> prepared(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = trees[i];
        auto& r = result.trees[i];
        auto& s = prepared[i];
        const std::size_t p = r.plot_index;
        const auto& plot = plots[p];
        const auto& pout = result.plots[p];
        const bool mangrove = is_mangrove(pout.habitat);

        s.dbh_cm = t.dbh_cm;
        s.d01_cm = t.d01_cm.value_or(std::numeric_limits<double>::quiet_NaN());
        r.wood_density = wd[i];
        s.wood_density = wd[i].value_g_cm3;
        s.wood_density_sd = std::isfinite(wd[i].sd_g_cm3) ? wd[i].sd_g_cm3 : 0.0;
        s.chave_e = plot.chave_e.value_or(std::numeric_limits<double>::quiet_NaN());

        if (t.height_m) {
            r.height_m = *t.height_m;
            r.height_source = HeightSource::measured;
            s.measured_height_m = *t.height_m;
        } else if (plot_model[p].available()) {
            s.height_model = plot_model[p];
            r.height_m = s.height_model.predict_m(t.dbh_cm);
            r.height_source = s.height_model.source;
        }

        const InputAvailability avail{std::isfinite(r.height_m), r.wood_density.level != WoodDensityLevel::none,
                                      plot.chave_e.has_value(), t.d01_cm.has_value()};

        // AGB equation.
        std::optional<EquationChoice> agb;
        if (options.species_equations) agb = table.choose(taxa[i], Component::agb, avail);
        if (!agb) {
            const AllometricEquation* def = named_default;
            if (!def) {
                if (mangrove) def = table.find("komiyama");
                else if (avail.chave_e && !plot_measured[p]) def = table.find("chave2014-e");
                else if (avail.height) def = table.find("chave2014");
                else if (avail.chave_e) def = table.find("chave2014-e");
                else
                    throw InputError(tree_label(t, trees_source) +
                                     ": no equation applies (no height measured or modelled, and the plot has no "
                                     "chave_e for Chave 2014's height-free form)");
                if (!def)
                    throw ConfigError("the allometry table lacks the default equation the survey needs (komiyama, "
                                      "chave2014 or chave2014-e)");
            }
            if (!can_evaluate(*def, avail)) {
                std::string why = def->needs_height() && !avail.height ? "a height (none measured or modelled)"
                                  : def->needs_wood_density() && !avail.wood_density
                                      ? "a wood density (none measured, found in the database, or in the plot)"
                                      : "the plot's chave_e";
                throw InputError(tree_label(t, trees_source) + ": equation '" + def->name + "' needs " + why);
            }
            agb = EquationChoice{def, EquationLevel::fallback};
        }
        s.agb = agb->equation;
        r.equation = agb->equation->name;
        r.equation_level = agb->level;
        if (options.species_equations) r.equation_note = equation_note(table, taxa[i], t, *s.agb, avail);

        // BGB equation or ratio.
        const AllometricEquation* bgb = nullptr;
        if (options.bgb == BgbMethod::automatic) {
            if (options.species_equations)
                if (auto c = table.choose(taxa[i], Component::bgb, avail)) bgb = c->equation;
            if (!bgb && mangrove) {
                const auto* roots = table.find("komiyama-roots");
                if (roots && roots->component == Component::bgb && can_evaluate(*roots, avail)) bgb = roots;
            }
        }
        s.bgb = bgb;
        s.root_shoot = root_shoot_for(pout.habitat, pout.climate, options.carbon);

        const AllometryInputs in{t.dbh_cm, r.height_m, r.wood_density.value_g_cm3, s.chave_e};
        try {
            r.agb_kg = evaluate_kg(*s.agb, inputs_for(*s.agb, in, s.d01_cm));
            if (bgb) {
                r.bgb_kg = evaluate_kg(*bgb, inputs_for(*bgb, in, s.d01_cm));
                r.bgb_equation = bgb->name;
            } else {
                r.bgb_kg = s.root_shoot * r.agb_kg;
                r.bgb_equation = "root_shoot";
                r.root_shoot = s.root_shoot;
            }
        } catch (const std::invalid_argument& e) {
            throw InputError(tree_label(t, trees_source) + ": " + e.what());
        }

        const auto ef = expansion_factor_per_ha(plot, t.dbh_cm);
        if (!ef)
            throw InputError(tree_label(t, trees_source) + ": D = " + std::to_string(t.dbh_cm) +
                             " cm is below the smallest nested size class of the plot");
        r.expansion_factor_per_ha = *ef;
        s.expansion_factor = *ef;
        r.counted = t.status == TreeStatus::live || options.dead_trees == DeadTreeRule::include;
        s.counted = r.counted;
    }

    // Plot sums (stems in input order, so the sums are reproducible).
    std::vector<std::vector<std::size_t>> stems_of(plots.size());
    for (std::size_t i = 0; i < n; ++i) stems_of[result.trees[i].plot_index].push_back(i);
    for (std::size_t p = 0; p < plots.size(); ++p) {
        double hmax = 0;
        for (std::size_t i : stems_of[p])
            if (std::isfinite(result.trees[i].height_m)) hmax = std::max(hmax, result.trees[i].height_m);
        for (std::size_t i : stems_of[p]) prepared[i].height_max_m = hmax + k_height_headroom_m;
    }
    for (std::size_t p = 0; p < plots.size(); ++p) {
        auto& out = result.plots[p];
        std::set<std::string> ids;
        bool any_ratio = false;
        for (std::size_t i : stems_of[p]) {
            const auto& r = result.trees[i];
            if (trees[i].status == TreeStatus::dead) {
                ++out.n_dead;
                out.dead_agb_mg_ha += r.agb_kg * r.expansion_factor_per_ha / 1000.0;
            }
            if (!r.counted) continue;
            ++out.n_stems;
            ids.insert(trees[i].tree_id);
            out.agb_mg_ha += r.agb_kg * r.expansion_factor_per_ha / 1000.0;
            out.bgb_mg_ha += r.bgb_kg * r.expansion_factor_per_ha / 1000.0;
            any_ratio = any_ratio || r.bgb_equation == "root_shoot";
        }
        out.n_trees = ids.size();
        out.carbon_mg_c_ha = (out.agb_mg_ha + out.bgb_mg_ha) * out.carbon_fraction;
        if (any_ratio || stems_of[p].empty()) out.root_shoot = root_shoot_for(out.habitat, out.climate, options.carbon);
    }

    // Monte Carlo, one plot per task.
    const auto& mc = options.monte_carlo;
    if (mc.draws > 0) {
        std::vector<std::string_view> plot_ids;
        for (const auto& pl : result.plots) plot_ids.push_back(pl.plot_id);
        check_distinct_stream_keys("plot", plot_ids, plots_source);
        parallel(plots.size(), [&](std::size_t p) {
            auto& out = result.plots[p];
            const std::uint64_t key = stream_key("plot", out.plot_id);
            std::vector<double> agb(mc.draws), bgb(mc.draws), carbon(mc.draws);
            for (std::size_t k = 0; k < mc.draws; ++k) {
                const CounterRng rng(mc.seed, key, static_cast<std::uint32_t>(k));
                double sum_agb = 0, sum_bgb = 0;
                std::uint32_t item = 0;
                for (std::size_t i : stems_of[p]) {
                    const auto& s = prepared[i];
                    const std::uint32_t it = item++;
                    if (!s.counted) continue;
                    const double D = mc.dbh_error ? rng.truncated_normal(s.dbh_cm,
                                                                         mc.dbh_sd_slope * s.dbh_cm +
                                                                             mc.dbh_sd_intercept_cm,
                                                                         0.1, 500.0, it, k_var_dbh)
                                                  : s.dbh_cm;
                    double d01 = s.d01_cm;
                    if (mc.dbh_error && std::isfinite(d01))
                        d01 = rng.truncated_normal(d01, mc.dbh_sd_slope * d01 + mc.dbh_sd_intercept_cm, 0.1, 500.0, it,
                                                   k_var_d01);
                    double rho = s.wood_density;
                    if (mc.wood_density_error && std::isfinite(rho))
                        rho = rng.truncated_normal(rho, s.wood_density_sd, k_wd_min, k_wd_max, it, k_var_wood_density);
                    double H = s.measured_height_m;
                    if (std::isnan(H) && s.height_model.available()) {
                        H = s.height_model.predict_m(D);
                        const double sh = s.height_model.rse();
                        if (mc.height_error && sh > 0 && s.height_model.rse_in_metres())
                            H = rng.truncated_normal(H, sh, k_height_min_m, s.height_max_m, it, k_var_height);
                        else if (mc.height_error && sh > 0)
                            H *= std::exp(sh * rng.normal(it, k_var_height) - 0.5 * sh * sh);
                    }
                    const AllometryInputs in{D, H, rho, s.chave_e};
                    auto residual = [&](const AllometricEquation& eq, std::uint32_t var) {
                        if (!mc.residual_error) return 1.0;
                        const double sr = eq.rse.value_or(mc.default_residual_sd);
                        if (!(sr > 0)) return 1.0;
                        return std::exp(sr * rng.normal(it, var) - 0.5 * sr * sr);
                    };
                    const double a =
                        evaluate_kg(*s.agb, inputs_for(*s.agb, in, d01)) * residual(*s.agb, k_var_residual_agb);
                    const double b = s.bgb ? evaluate_kg(*s.bgb, inputs_for(*s.bgb, in, d01)) *
                                                 residual(*s.bgb, k_var_residual_bgb)
                                           : s.root_shoot * a;
                    sum_agb += a * s.expansion_factor / 1000.0;
                    sum_bgb += b * s.expansion_factor / 1000.0;
                }
                agb[k] = sum_agb;
                bgb[k] = sum_bgb;
                carbon[k] = (sum_agb + sum_bgb) * out.carbon_fraction;
            }
            out.agb_mc = summarize(agb);
            out.bgb_mc = summarize(bgb);
            out.carbon_mc = summarize(carbon);
        });
    }
    return result;
}

}  // namespace bluecarbon::science::survey
