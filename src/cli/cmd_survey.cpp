// `bluecarbon survey trees`: tree plots -> per-tree and per-plot biomass and carbon with Monte-Carlo
// uncertainty; the work is pipeline::run_tree_survey. Also registers the `survey` command group.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/tree_survey.hpp>

#include <algorithm>
#include <memory>
#include <string>

namespace bluecarbon::cli {

namespace {

namespace ss = science::survey;

struct TreesOptions {
    pipeline::TreeSurveyRequest rq;
    bool no_species_equations{false};
    std::string bgb{"auto"}, dead{"exclude"}, climate{"subtropical"};
    CommonOptions common;
};

void add_trees(CLI::App& survey, CliContext& ctx) {
    auto t = std::make_shared<TreesOptions>();
    auto& opt = t->rq.options;
    CLI::App* cmd = survey.add_subcommand(
        "trees", "Tree plots → DIR/trees.csv (per stem: height, wood density, equation, agb_kg, bgb_kg) and "
                 "DIR/plots.csv (per plot: AGB, BGB and carbon in Mg/ha with Monte-Carlo mean, sd and 90 % interval)");
    add_path(*cmd, "--trees", t->rq.trees, "Trees CSV: plot_id, tree_id, species, dbh_cm [, height_m, "
                                            "wood_density_g_cm3, status, stem_id, family]");
    add_path(*cmd, "--plots", t->rq.plots, "Plots CSV: plot_id, area_m2 [, lon, lat, chave_e, habitat, nested, "
                                            "climate, height_region]");
    add_path(*cmd, "--out,-o", t->rq.out, "Output folder", "DIR");
    cmd->add_option("--equation", opt.default_equation,
                    "Default AGB equation after species and genus: auto (Komiyama for mangrove plots, else Chave "
                    "2014 with height, else Chave 2014 E form), chave2014, chave2014-e, komiyama, or any name in "
                    "the allometry tables (default auto)")
        ->type_name("NAME");
    cmd->add_flag("--no-species-equations", t->no_species_equations,
                  "Use the default equation for every stem (skip species and genus equations)");
    cmd->add_option("--bgb", t->bgb, "Below-ground biomass: auto (root equation when one applies, else Tier-1 "
                                     "root:shoot; default) or root-shoot")
        ->check(CLI::IsMember({"auto", "root-shoot"}));
    cmd->add_option("--dead", t->dead, "Dead stems: exclude (reported as dead_agb_mg_ha; default) or include")
        ->check(CLI::IsMember({"exclude", "include"}));
    cmd->add_option("--habitat", opt.default_habitat, "Habitat of plots without a habitat value (default mangrove)");
    cmd->add_option("--climate", t->climate, "Climate zone for the mangrove root:shoot ratio of plots without a "
                                             "climate value (default subtropical)")
        ->check(CLI::IsMember({"tropical-wet", "tropical_wet", "tropical-dry", "tropical_dry", "subtropical"}));
    cmd->add_option("--carbon-fraction", opt.carbon.carbon_fraction,
                    "Carbon fraction of AGB and BGB in every plot, no error (default 0.45, roots 0.39 mangrove; 0.4713)")
        ->check(CLI::Range(0.0, 1.0))
        ->type_name("F");
    cmd->add_option("--root-shoot", opt.carbon.root_shoot,
                    "Root:shoot ratio for stems without a root equation (default: Tier-1 by habitat and climate)")
        ->check(CLI::Range(0.0, 10.0))
        ->type_name("R");
    cmd->add_option("--allometry", t->rq.allometry,
                    "Extra allometry table(s), same columns as data/allometry.csv; their rows take precedence")
        ->type_name("FILE");
    add_path(*cmd, "--wood-density", t->rq.wood_density, "Wood density table (family, genus, species, wd); default: "
                                                         "the shipped Global Wood Density Database", "FILE", false);
    add_path(*cmd, "--height-table", t->rq.height_table,
             "Regional height-diameter table (region, a, b, c, rse, source): H = a (1 - exp(-b D^c))", "FILE", false);
    cmd->add_option("--height-region", opt.default_height_region,
                    "Region of --height-table for plots without a height_region value")
        ->type_name("NAME");
    cmd->add_option("--height-min-trees", opt.height_min_trees,
                    "Measured live trees needed to fit a plot or site height model (default 10)")
        ->check(CLI::Range(4, 1000000));
    cmd->add_option("--mc", opt.monte_carlo.draws, "Monte-Carlo draws (0: none; default 1000)")
        ->check(CLI::Range(0, 10000000));
    cmd->add_option("--seed", opt.monte_carlo.seed, "Monte-Carlo seed (default 1)");
    cmd->add_flag("--drop-invalid", t->rq.drop_invalid,
                  "Drop implausible or unreadable rows and list them in DIR/qa.csv (default: stop at the first)");
    add_common_options(*cmd, t->common, 0);
    cmd->callback([t, &ctx] {
        auto rq = t->rq;
        std::replace(t->climate.begin(), t->climate.end(), '-', '_');
        rq.options.species_equations = !t->no_species_equations;
        rq.options.bgb = t->bgb == "root-shoot" ? ss::BgbMethod::root_shoot : ss::BgbMethod::automatic;
        rq.options.dead_trees = t->dead == "include" ? ss::DeadTreeRule::include : ss::DeadTreeRule::exclude;
        rq.options.default_climate = *ss::parse_climate(t->climate);
        execute(ctx, t->common,
                {{"trees", "--trees"}, {"plots", "--plots"}, {"allometry", "--allometry"},
                 {"wood_density", "--wood-density"}, {"height_table", "--height-table"}},
                [&](const pipeline::RunContext& rc) { return pipeline::run_tree_survey(rq, rc); });
    });
}

}  // namespace

void add_survey_command(CLI::App& app, CliContext& ctx) {
    CLI::App* survey = app.add_subcommand(
        "survey", "Field surveys: tree plots → biomass and carbon per plot (Mg/ha); soil cores → soil organic carbon "
                  "(Mg C/ha); both with Monte-Carlo uncertainty");
    survey->require_subcommand(1);
    add_trees(*survey, ctx);
    add_survey_cores_command(*survey, ctx);
    add_survey_calibrate_command(*survey, ctx);
}

}  // namespace bluecarbon::cli
