#include "pipeline/survey/tree_tables.hpp"

#include "pipeline/survey/survey_support.hpp"

#include <cmath>

namespace bluecarbon::pipeline::survey {

namespace {

namespace ss = science::survey;

const std::vector<std::string> k_tree_columns{
    "height_m_used", "height_source",     "wood_density_g_cm3_used", "wood_density_sd", "wood_density_source",
    "wood_density_level", "wood_density_n", "equation",            "equation_level",  "equation_note",
    "bgb_equation",
    "root_shoot",    "agb_kg",            "bgb_kg",                  "expansion_factor_per_ha", "counted"};

const std::vector<std::string> k_plot_columns{
    "n_trees",      "n_stems",     "n_dead",        "agb_mg_ha",       "bgb_mg_ha",        "dead_agb_mg_ha",
    "carbon_mg_c_ha", "carbon_fraction", "carbon_fraction_sd", "carbon_fraction_bgb", "root_shoot", "habitat_used",  "climate",          "height_model",
    "height_model_rse", "height_model_rse_unit", "height_model_n",
    "agb_mean",     "agb_median",  "agb_sd",        "agb_ci90_low",    "agb_ci90_high",    "bgb_mean",
    "bgb_sd",       "carbon_mean", "carbon_median", "carbon_sd",       "carbon_ci90_low",  "carbon_ci90_high",
    "mc_draws",     "dead_rule"};

// plots.csv's header comment: the residual-error convention of its Monte-Carlo columns, in SCIENCE terms.
constexpr const char* k_plots_comment =
    "# bluecarbon survey trees: biomass in Mg dry matter/ha, carbon in Mg C/ha. Monte-Carlo columns (_mean, "
    "_median, _sd; _ci90_low and _ci90_high = 5 % and 95 % quantiles of the draws):\n"
    "# the allometric residual multiplies each stem's mass by the mean-one factor exp(sigma z - sigma^2/2) "
    "(sigma = the equation's RSE on the ln scale; 0.357 for Chave 2014), so agb_mean estimates agb_mg_ha.\n"
    "# BIOMASS's AGBmonteCarlo adds a plain ln-scale error (factor exp(sigma z)), whose mean is exp(sigma^2/2) "
    "higher (x 1.066 at sigma = 0.357): multiply _mean and the _ci90 columns by it to compare.\n"
    "# The carbon fraction is drawn per stem and draw from N(carbon_fraction, carbon_fraction_sd^2); BGB uses "
    "carbon_fraction_bgb (mangrove roots 0.39 with no error).\n";

}  // namespace

std::string trees_csv(const CsvTable& table, const std::vector<ss::TreeRecord>& trees,
                      const ss::TreeSurveyResult& result, const std::filesystem::path& wood_density) {
    // trees.csv: the input columns, then the computed ones.
    auto tree_header = passthrough_header(table, k_tree_columns);
    tree_header.insert(tree_header.end(), k_tree_columns.begin(), k_tree_columns.end());
    CsvWriter tw(tree_header);
    const auto tree_rows = rows_of(table, trees);
    const std::string wd_source = wood_density.filename().string();
    for (std::size_t i = 0; i < trees.size(); ++i) {
        const auto& r = result.trees[i];
        auto row = table.rows()[tree_rows[i]].fields;
        const auto level = r.wood_density.level;
        std::string source = level == ss::WoodDensityLevel::measured ? "measured"
                                   : level == ss::WoodDensityLevel::species || level == ss::WoodDensityLevel::genus ||
                                           level == ss::WoodDensityLevel::family
                                       ? wd_source
                                   : level == ss::WoodDensityLevel::none ? "" : "survey trees";
        if (!r.wood_density.synonym.empty()) source += " (as " + r.wood_density.synonym + ")";
        const std::vector<std::string> computed{
            num(r.height_m),
            std::string(ss::height_source_name(r.height_source)),
            num(r.wood_density.value_g_cm3),
            num(r.wood_density.sd_g_cm3),
            source,
            std::string(ss::wood_density_level_name(level)),
            std::to_string(r.wood_density.n_records),
            r.equation,
            std::string(ss::equation_level_name(r.equation_level)),
            r.equation_note,
            r.bgb_equation,
            num(r.root_shoot),
            num(r.agb_kg),
            num(r.bgb_kg),
            num(r.expansion_factor_per_ha),
            r.counted ? "true" : "false"};
        row.insert(row.end(), computed.begin(), computed.end());
        tw.add_row(std::move(row));
    }

    return tw.str();
}

std::string plots_csv(const CsvTable& table, const std::vector<ss::PlotRecord>& plots,
                      const ss::TreeSurveyResult& result) {
    auto plot_header = passthrough_header(table, k_plot_columns);
    plot_header.insert(plot_header.end(), k_plot_columns.begin(), k_plot_columns.end());
    CsvWriter pw(plot_header);
    const auto plot_rows = rows_of(table, plots);
    for (std::size_t p = 0; p < plots.size(); ++p) {
        const auto& r = result.plots[p];
        auto row = table.rows()[plot_rows[p]].fields;
        const std::vector<std::string> computed{std::to_string(r.n_trees),
                                                std::to_string(r.n_stems),
                                                std::to_string(r.n_dead),
                                                num(r.agb_mg_ha),
                                                num(r.bgb_mg_ha),
                                                num(r.dead_agb_mg_ha),
                                                num(r.carbon_mg_c_ha),
                                                num(r.carbon_fraction),
                                                num(r.carbon_fraction_sd),
                                                num(r.carbon_fraction_bgb),
                                                num(r.root_shoot),
                                                r.habitat,
                                                std::string(ss::climate_name(r.climate)),
                                                std::string(ss::height_source_name(r.height_model)),
                                                num(r.height_model_rse),
                                                std::isnan(r.height_model_rse) ? ""
                                                : r.height_model_rse_in_metres ? "m"
                                                                                : "log",
                                                r.height_model_n > 0 ? std::to_string(r.height_model_n) : "",
                                                num(r.agb_mc.mean),
                                                num(r.agb_mc.median),
                                                num(r.agb_mc.sd),
                                                num(r.agb_mc.ci90_low),
                                                num(r.agb_mc.ci90_high),
                                                num(r.bgb_mc.mean),
                                                num(r.bgb_mc.sd),
                                                num(r.carbon_mc.mean),
                                                num(r.carbon_mc.median),
                                                num(r.carbon_mc.sd),
                                                num(r.carbon_mc.ci90_low),
                                                num(r.carbon_mc.ci90_high),
                                                std::to_string(r.agb_mc.draws),
                                                result.dead_rule};
        row.insert(row.end(), computed.begin(), computed.end());
        pw.add_row(std::move(row));
    }

    return k_plots_comment + pw.str();
}

}  // namespace bluecarbon::pipeline::survey
