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
    std::filesystem::path project, output;
    CommonOptions common;
    std::vector<std::string> steps;  ///< run --steps
};

template <class Fn>
void add_project_command(CLI::App& app, CliContext& ctx, const char* name, const char* help, bool tile, Fn fn) {
    auto o = std::make_shared<ProjectOptions>();
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("project", o->project, "The project file (project.toml)")->required()->type_name("FILE");
    add_common_options(*cmd, o->common, tile ? unsigned{k_tile} : 0U);
    cmd->add_option("--output", o->output, "Output folder (default: the project's)")->type_name("DIR");
    if (std::string(name) == "run")
        cmd->add_option("--steps", o->steps, "Only these steps (comma-separated); one whose section is missing is "
                                             "an error, not skipped")->delimiter(',')->type_name("STEP,...");
    cmd->callback([o, fn, &ctx] {
        auto cfg = config::load_project(o->project);
        if (!o->output.empty()) cfg.output_dir = std::filesystem::absolute(o->output).lexically_normal();
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
