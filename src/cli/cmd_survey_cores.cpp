// `bluecarbon survey cores`: soil cores -> soil organic carbon stocks with Monte-Carlo uncertainty; the work is
// pipeline::run_core_survey.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/core_survey.hpp>

#include <memory>

namespace bluecarbon::cli {

void add_survey_cores_command(CLI::App& survey, CliContext& ctx) {
    struct Options {
        pipeline::CoreSurveyRequest rq;
        CommonOptions common;
    };
    auto c = std::make_shared<Options>();
    auto& opt = c->rq.options;
    CLI::App* cmd = survey.add_subcommand(
        "cores", "Soil cores → DIR/cores.csv: organic carbon stock of the whole core and to --depth-cm (extrapolated "
                 "with a standard error when the core is shorter), sequestration rate of dated cores, Monte Carlo");
    add_path(*cmd, "--cores", c->rq.cores,
             "Cores CSV: core_id, min_depth_cm, max_depth_cm, bulk_density_g_cm3, oc_percent or oc_fraction "
             "[, compaction_percent, age_yr, habitat, lon, lat]");
    add_path(*cmd, "--out,-o", c->rq.out, "Output folder", "DIR");
    cmd->add_option("--depth-cm", opt.target_depth_cm, "Target depth (default 100)")->type_name("CM");
    cmd->add_option("--time-frame-yr", opt.timeframe_yr,
                    "Time frame of the sequestration rate of dated cores (default 100)")
        ->type_name("YR");
    cmd->add_option("--mc", opt.monte_carlo.draws, "Monte-Carlo draws (0: none; default 1000)")
        ->check(CLI::Range(0, 10000000));
    cmd->add_option("--seed", opt.monte_carlo.seed, "Monte-Carlo seed (default 1)");
    cmd->add_option("--bd-error", opt.monte_carlo.bulk_density_relative_sd,
                    "Lab error of bulk density, relative SD (default 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--oc-error", opt.monte_carlo.oc_relative_sd,
                    "Lab error of organic carbon, relative SD (default 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--drop-invalid", c->rq.drop_invalid,
                  "Drop implausible or unreadable rows and list them in DIR/qa.csv (default: stop at the first)");
    add_common_options(*cmd, c->common, 0);
    cmd->callback([c, &ctx] {
        execute(ctx, c->common,
                {{"cores", "--cores"}, {"target depth", "--depth-cm"}, {"time frame", "--time-frame-yr"}},
                [&](const pipeline::RunContext& rc) { return pipeline::run_core_survey(c->rq, rc); });
    });
}

}  // namespace bluecarbon::cli
