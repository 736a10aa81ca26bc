// compute_tree_survey's stem step: the height, AGB and BGB equations, masses and expansion factor of each stem.
#include "science/survey/tree_survey_steps.hpp"

#include <bluecarbon/error.hpp>

#include <cmath>
#include <optional>
#include <stdexcept>

namespace bluecarbon::science::survey::detail {

AllometryInputs inputs_for(const AllometricEquation& eq, AllometryInputs in, double d01_cm) {
    if (eq.diameter == DiameterKind::d01) in.dbh_cm = d01_cm;
    return in;
}

namespace {

bool is_mangrove(std::string_view habitat) { return normalize_name(habitat) == "mangrove"; }

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

// The default AGB equation of a stem no species or genus equation fits: the named one, or with "auto"
// Komiyama for mangroves, else Chave 2014 Eq. 7 on a plot with E and no measured height (BIOMASS's choice: its
// retrieveH warns that carrying an E-based height error into Eq. 4 is wrong), else Eq. 4 with a height, else
// Eq. 7 with E. Modelled heights + Eq. 4 only when asked for (a named default).
const AllometricEquation& default_equation(const SurveyInputs& in, const AllometricEquation* named, bool mangrove,
                                           bool plot_has_measured_height, const InputAvailability& avail,
                                           const TreeRecord& t) {
    const AllometricEquation* def = named;
    if (!def) {
        if (mangrove) def = in.table.find("komiyama");
        else if (avail.chave_e && !plot_has_measured_height) def = in.table.find("chave2014-e");
        else if (avail.height) def = in.table.find("chave2014");
        else if (avail.chave_e) def = in.table.find("chave2014-e");
        else
            throw InputError(tree_label(t, in.trees_source) +
                             ": no equation applies (no height measured or modelled, and the plot has no "
                             "chave_e for Chave 2014's height-free form)");
        if (!def)
            throw ConfigError("the allometry table lacks the default equation the survey needs (komiyama, "
                              "chave2014 or chave2014-e)");
    }
    if (!can_evaluate(*def, avail)) {
        const std::string why = def->needs_height() && !avail.height ? "a height (none measured or modelled)"
                                : def->needs_wood_density() && !avail.wood_density
                                    ? "a wood density (none measured, found in the database, or in the plot)"
                                    : "the plot's chave_e";
        throw InputError(tree_label(t, in.trees_source) + ": equation '" + def->name + "' needs " + why);
    }
    return *def;
}

// A species or genus root equation, else Komiyama's common root equation for mangroves; nullptr: root:shoot.
const AllometricEquation* root_equation(const SurveyInputs& in, const Taxon& taxon, bool mangrove,
                                        const InputAvailability& avail) {
    if (in.options.bgb != BgbMethod::automatic) return nullptr;
    if (in.options.species_equations)
        if (auto c = in.table.choose(taxon, Component::bgb, avail)) return c->equation;
    if (!mangrove) return nullptr;
    const auto* roots = in.table.find("komiyama-roots");
    return roots && roots->component == Component::bgb && can_evaluate(*roots, avail) ? roots : nullptr;
}

// Height used for the stem: measured, else the plot's model.
void stem_height(const TreeRecord& t, const HeightModel& model, TreeResult& r, PreparedStem& s) {
    if (t.height_m) {
        r.height_m = *t.height_m;
        r.height_source = HeightSource::measured;
        s.measured_height_m = *t.height_m;
    } else if (model.available()) {
        s.height_model = model;
        r.height_m = model.predict_m(t.dbh_cm);
        r.height_source = model.source;
    }
}

// AGB and BGB masses (kg) of the stem with its equations (BGB: root equation, else root:shoot × AGB).
void stem_masses(const SurveyInputs& in, const TreeRecord& t, TreeResult& r, const PreparedStem& s) {
    const AllometryInputs inputs{t.dbh_cm, r.height_m, r.wood_density.value_g_cm3, s.chave_e};
    try {
        r.agb_kg = evaluate_kg(*s.agb, inputs_for(*s.agb, inputs, s.d01_cm));
        if (s.bgb) {
            r.bgb_kg = evaluate_kg(*s.bgb, inputs_for(*s.bgb, inputs, s.d01_cm));
            r.bgb_equation = s.bgb->name;
        } else {
            r.bgb_kg = s.root_shoot * r.agb_kg;
            r.bgb_equation = "root_shoot";
            r.root_shoot = s.root_shoot;
        }
    } catch (const std::invalid_argument& e) {
        throw InputError(tree_label(t, in.trees_source) + ": " + e.what());
    }
}

}  // namespace

std::vector<PreparedStem> prepare_stems(const SurveyInputs& in, const std::vector<HeightModel>& plot_models,
                                        const AllometricEquation* named_default, TreeSurveyResult& result) {
    const std::size_t n = in.trees.size();
    // Plots where some stem has a measured height: only there does "auto" use Chave's Eq. 4 with heights.
    std::vector<char> plot_measured(in.plots.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
        if (in.trees[i].height_m) plot_measured[result.trees[i].plot_index] = 1;

    std::vector<PreparedStem> prepared(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = in.trees[i];
        auto& r = result.trees[i];
        auto& s = prepared[i];
        const std::size_t p = r.plot_index;
        const auto& plot = in.plots[p];
        const auto& pout = result.plots[p];
        const bool mangrove = is_mangrove(pout.habitat);
        const Taxon taxon = parse_taxon(t.species);

        s.dbh_cm = t.dbh_cm;
        s.d01_cm = t.d01_cm.value_or(std::numeric_limits<double>::quiet_NaN());
        s.wood_density = r.wood_density.value_g_cm3;
        s.wood_density_sd = std::isfinite(r.wood_density.sd_g_cm3) ? r.wood_density.sd_g_cm3 : 0.0;
        s.chave_e = plot.chave_e.value_or(std::numeric_limits<double>::quiet_NaN());
        stem_height(t, plot_models[p], r, s);

        const InputAvailability avail{std::isfinite(r.height_m), r.wood_density.level != WoodDensityLevel::none,
                                      plot.chave_e.has_value(), t.d01_cm.has_value()};
        std::optional<EquationChoice> agb;
        if (in.options.species_equations) agb = in.table.choose(taxon, Component::agb, avail);
        if (!agb)
            agb = EquationChoice{&default_equation(in, named_default, mangrove, plot_measured[p], avail, t),
                                 EquationLevel::fallback};
        s.agb = agb->equation;
        r.equation = agb->equation->name;
        r.equation_level = agb->level;
        if (in.options.species_equations) r.equation_note = equation_note(in.table, taxon, t, *s.agb, avail);
        s.bgb = root_equation(in, taxon, mangrove, avail);
        s.root_shoot = root_shoot_for(pout.habitat, pout.climate, in.options.carbon);
        stem_masses(in, t, r, s);

        const auto ef = expansion_factor_per_ha(plot, t.dbh_cm);
        if (!ef)
            throw InputError(tree_label(t, in.trees_source) + ": D = " + std::to_string(t.dbh_cm) +
                             " cm is below the smallest nested size class of the plot");
        r.expansion_factor_per_ha = *ef;
        s.expansion_factor = *ef;
        r.counted = t.status == TreeStatus::live || in.options.dead_trees == DeadTreeRule::include;
        s.counted = r.counted;
    }
    return prepared;
}

}  // namespace bluecarbon::science::survey::detail
