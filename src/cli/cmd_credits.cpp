// `bluecarbon credits project.toml`: credits per parcel and vintage; the work is pipeline::run_credits.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/credits.hpp>

#include <memory>

namespace bluecarbon::cli {

void add_credits_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        ProjectArgs project;
        CommonOptions common;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("credits", "Credits per parcel and vintage from the [credits] snapshots and "
                                                  "profile -> <output>/credits.csv, credit columns in parcels.gpkg");
    add_project_args(*cmd, o->project);
    add_common_options(*cmd, o->common);
    cmd->callback([o, &ctx] {
        const auto cfg = o->project.load();
        execute(ctx, o->common, {}, [&](const pipeline::RunContext& rc) { return pipeline::run_credits(cfg, rc); });
    });
}

}  // namespace bluecarbon::cli
