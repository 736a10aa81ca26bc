// `bluecarbon credits project.toml`: credits per parcel and vintage; the work is pipeline::run_credits.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/credits.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

void add_credits_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::filesystem::path project;
        CommonOptions common;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("credits", "Credits per parcel and vintage from the [credits] snapshots and "
                                                  "profile -> <output>/credits.csv, credit columns in parcels.gpkg");
    cmd->add_option("project", o->project, "The project file (project.toml)")->required()->type_name("FILE");
    add_common_options(*cmd, o->common);
    cmd->callback([o, cmd, &ctx] {
        const auto cfg = config::load_project(o->project);
        CliProgress progress(ctx, o->common);
        pipeline::RunContext rc;
        if (cmd->count("--threads") > 0) rc.threads = o->common.threads;
        if (cmd->count("--tile") > 0) rc.tile = o->common.tile;
        rc.progress = &progress;
        pipeline::CreditsResult r;
        with_flags({{"threads", "--threads"}, {"tile size", "--tile"}}, [&] { r = pipeline::run_credits(cfg, rc); });
        ctx.out << (o->common.json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
    });
}

}  // namespace bluecarbon::cli
