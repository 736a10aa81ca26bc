// `bluecarbon survey trees`: tree plots -> per-tree and per-plot biomass and carbon with Monte-Carlo
// uncertainty; the work is pipeline::run_tree_survey. Also registers the `survey` command group.
#include "cli/cli_context.hpp"
#include "cli/cmd_survey.hpp"

#include <bluecarbon/pipeline/tree_survey.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
namespace ss = science::survey;

struct TreesOptions {
    fs::path trees;
    fs::path plots;
    fs::path out;
    std::string equation{"auto"};
    bool no_species_equations{false};
    std::string bgb{"auto"};
    std::string dead{"exclude"};
    std::string habitat{"mangrove"};
    std::string climate{"subtropical"};
    std::optional<double> carbon_fraction;
    std::optional<double> root_shoot;
    std::vector<fs::path> allometry;
    fs::path wood_density;
    fs::path height_table;
    std::string height_region;
    std::size_t height_min_trees{10};
    std::size_t mc{1000};
    std::uint64_t seed{1};
    bool drop_invalid{false};
    CommonOptions common;
};

void print_trees(const CliContext& ctx, const TreesOptions& o, const pipeline::TreeSurveyResult& res) {
    const auto& result = res.survey;
    const auto& written = res.outputs;
    ctx.out << fmt::format("survey trees: {} plots, {} stems{}; Monte Carlo {}\n", result.plots.size(),
                           result.trees.size(),
                           res.dropped_rows == 0 ? std::string()
                                                 : fmt::format(", {} rows dropped (see qa.csv)", res.dropped_rows),
                           o.mc > 0 ? fmt::format("{} draws, seed {}", o.mc, o.seed) : std::string("off"));
    ctx.out << fmt::format("  {:<10} {:<9} {:>5} {:>10} {:>10} {:>11} {:>22}\n", "plot", "habitat", "trees",
                           "AGB Mg/ha", "BGB Mg/ha", "C Mg C/ha", "AGB 90% interval");
    for (const auto& r : result.plots) {
        const std::string ci = r.agb_mc.draws > 0
                                   ? fmt::format("[{:.1f}, {:.1f}]", r.agb_mc.ci90_low, r.agb_mc.ci90_high)
                                   : std::string("-");
        ctx.out << fmt::format("  {:<10} {:<9} {:>5} {:>10.1f} {:>10.1f} {:>11.1f} {:>22}\n", r.plot_id, r.habitat,
                               r.n_trees, r.agb_mg_ha, r.bgb_mg_ha, r.carbon_mg_c_ha, ci);
    }
    for (const auto& n : res.notices) ctx.out << "  note: " << n << '\n';
    for (const auto& w : written) ctx.out << "  -> " << w.string() << '\n';
}

void run_trees(const CliContext& ctx, TreesOptions o) {
    std::replace(o.climate.begin(), o.climate.end(), '-', '_');
    pipeline::TreeSurveyRequest rq;
    rq.trees = o.trees;
    rq.plots = o.plots;
    rq.out = o.out;
    auto& opt = rq.options;
    opt.default_equation = o.equation;
    opt.species_equations = !o.no_species_equations;
    opt.bgb = o.bgb == "root-shoot" ? ss::BgbMethod::root_shoot : ss::BgbMethod::automatic;
    opt.dead_trees = o.dead == "include" ? ss::DeadTreeRule::include : ss::DeadTreeRule::exclude;
    opt.default_habitat = o.habitat;
    opt.default_climate = *ss::parse_climate(o.climate);
    opt.default_height_region = o.height_region;
    opt.carbon.carbon_fraction = o.carbon_fraction;
    opt.carbon.root_shoot = o.root_shoot;
    opt.height_min_trees = o.height_min_trees;
    opt.monte_carlo.draws = o.mc;
    opt.monte_carlo.seed = o.seed;
    rq.allometry = o.allometry;
    rq.wood_density = o.wood_density;
    rq.height_table = o.height_table;
    rq.drop_invalid = o.drop_invalid;
    CliProgress progress(ctx, o.common);
    pipeline::RunContext rc;
    rc.threads = o.common.threads;
    rc.progress = &progress;
    pipeline::TreeSurveyResult r;
    with_flags({{"threads", "--threads"}, {"trees", "--trees"}, {"plots", "--plots"}, {"allometry", "--allometry"},
                {"wood_density", "--wood-density"}, {"height_table", "--height-table"}},
               [&] { r = pipeline::run_tree_survey(rq, rc); });
    if (o.common.json)
        ctx.out << pipeline::to_json(r) << '\n';
    else
        print_trees(ctx, o, r);
}

}  // namespace

void add_survey_command(CLI::App& app, CliContext& ctx) {
    CLI::App* survey = app.add_subcommand(
        "survey", "Field surveys: tree plots → biomass and carbon per plot (Mg/ha); soil cores → soil organic carbon "
                  "(Mg C/ha); both with Monte-Carlo uncertainty");
    survey->require_subcommand(1);

    // trees
    auto t = std::make_shared<TreesOptions>();
    CLI::App* trees = survey->add_subcommand(
        "trees", "Tree plots → DIR/trees.csv (per stem: height, wood density, equation, agb_kg, bgb_kg) and "
                 "DIR/plots.csv (per plot: AGB, BGB and carbon in Mg/ha with Monte-Carlo mean, sd and 90 % interval)");
    trees->add_option("--trees", t->trees, "Trees CSV: plot_id, tree_id, species, dbh_cm [, height_m, "
                                           "wood_density_g_cm3, status, stem_id, family]")
        ->required()
        ->type_name("FILE");
    trees->add_option("--plots", t->plots, "Plots CSV: plot_id, area_m2 [, lon, lat, chave_e, habitat, nested, "
                                           "climate, height_region]")
        ->required()
        ->type_name("FILE");
    trees->add_option("--out,-o", t->out, "Output folder")->required()->type_name("DIR");
    trees->add_option("--equation", t->equation,
                      "Default AGB equation after species and genus: auto (Komiyama for mangrove plots, else Chave "
                      "2014 with height, else Chave 2014 E form), chave2014, chave2014-e, komiyama, or any name in "
                      "the allometry tables")
        ->default_str("auto")
        ->type_name("NAME");
    trees->add_flag("--no-species-equations", t->no_species_equations,
                    "Use the default equation for every stem (skip species and genus equations)");
    trees->add_option("--bgb", t->bgb, "Below-ground biomass: auto (root equation when one applies, else Tier-1 "
                                       "root:shoot) or root-shoot")
        ->check(CLI::IsMember({"auto", "root-shoot"}))
        ->default_str("auto");
    trees->add_option("--dead", t->dead, "Dead stems: exclude (reported as dead_agb_mg_ha) or include")
        ->check(CLI::IsMember({"exclude", "include"}))
        ->default_str("exclude");
    trees->add_option("--habitat", t->habitat, "Habitat of plots without a habitat column value")
        ->default_str("mangrove");
    trees->add_option("--climate", t->climate,
                      "Climate zone for the mangrove root:shoot ratio of plots without a climate value")
        ->check(CLI::IsMember({"tropical-wet", "tropical_wet", "tropical-dry", "tropical_dry", "subtropical"}))
        ->default_str("subtropical");
    trees->add_option("--carbon-fraction", t->carbon_fraction,
                      "Carbon fraction of dry matter for every plot (default 0.45 mangrove, 0.47 otherwise)")
        ->check(CLI::Range(0.0, 1.0))
        ->type_name("F");
    trees->add_option("--root-shoot", t->root_shoot,
                      "Root:shoot ratio for stems without a root equation (default: Tier-1 by habitat and climate)")
        ->check(CLI::Range(0.0, 10.0))
        ->type_name("R");
    trees->add_option("--allometry", t->allometry,
                      "Extra allometry table(s), same columns as data/allometry.csv; their rows take precedence")
        ->type_name("FILE");
    trees->add_option("--wood-density", t->wood_density,
                      "Wood density table (family, genus, species, wd); default: the shipped Global Wood Density "
                      "Database")
        ->type_name("FILE");
    trees->add_option("--height-table", t->height_table,
                      "Regional height-diameter table (region, a, b, c, rse, source): H = a (1 - exp(-b D^c))")
        ->type_name("FILE");
    trees->add_option("--height-region", t->height_region,
                      "Region of --height-table for plots without a height_region value")
        ->type_name("NAME");
    trees->add_option("--height-min-trees", t->height_min_trees,
                      "Measured live trees needed to fit a plot or site height model (default 10)")
        ->check(CLI::Range(4, 1000000));
    trees->add_option("--mc", t->mc, "Monte-Carlo draws (0: none; default 1000)")->check(CLI::Range(0, 10000000));
    trees->add_option("--seed", t->seed, "Monte-Carlo seed (default 1)");
    trees->add_flag("--drop-invalid", t->drop_invalid, "Drop implausible or unreadable rows and list them in DIR/qa.csv "
                                                       "(default: stop at the first)");
    add_common_options(*trees, t->common, false);
    trees->callback([t, &ctx] { run_trees(ctx, *t); });

    add_survey_cores_command(*survey, ctx);
    add_survey_calibrate_command(*survey, ctx);
}

}  // namespace bluecarbon::cli
