// `bluecarbon report project.toml` and `bluecarbon run project.toml`: pipeline::run_report / run.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/report.hpp>
#include <bluecarbon/pipeline/run.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

namespace {
struct ProjectOptions {
    ProjectArgs project;
    CommonOptions common;
    std::vector<std::string> steps;  ///< run --steps
};

template <class Fn>
void add_project_command(CLI::App& app, CliContext& ctx, const char* name, const char* help, bool tile, Fn fn) {
    auto o = std::make_shared<ProjectOptions>();
    auto* cmd = app.add_subcommand(name, help);
    add_project_args(*cmd, o->project);
    add_common_options(*cmd, o->common, tile ? unsigned{k_tile} : 0U);
    if (std::string(name) == "run")
        cmd->add_option("--steps", o->steps, "Only these steps (comma-separated); one whose section is missing is "
                                             "an error, not skipped")->delimiter(',')->type_name("STEP,...");
    cmd->callback([o, fn, &ctx] {
        const auto cfg = o->project.load();
        execute(ctx, o->common, {{"steps", "--steps"}},
                [&](const pipeline::RunContext& rc) { return fn(cfg, rc, o->steps); });
    });
}
}  // namespace

void add_report_command(CLI::App& app, CliContext& ctx) {
    add_project_command(app, ctx, "report", "The project's report from its outputs: <output>/report.html + report/",
                        false,
                        [](const auto& cfg, const auto& rc, const auto&) { return pipeline::run_report(cfg, rc); });
}

void add_run_command(CLI::App& app, CliContext& ctx) {
    add_project_command(app, ctx, "run",
                        "Every step the project configures (stock, surveys, parcels, credits, certify, registry, "
                        "lots, report) and <output>/run.json",
                        true, [](const auto& cfg, const auto& rc, const auto& steps) {
                            return pipeline::run(cfg, rc, pipeline::RunOptions{steps});
                        });
}

}  // namespace bluecarbon::cli
