// `bluecarbon parcels project.toml`: credit parcels, stocks and eligibility; the work is pipeline::run_parcels.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/parcels.hpp>

#include <ostream>

namespace bluecarbon::cli {

void add_parcels_command(CLI::App& app, CliContext& ctx) {
    struct Opts { std::filesystem::path project; pipeline::ParcelsOptions po; CommonOptions common; };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = app.add_subcommand("parcels", "Credit parcels of a project ([parcels]): areas, stocks, tidal share "
                                                  "and eligibility -> parcels.gpkg and parcels.geojson (runs the "
                                                  "stock step first when its rasters are missing or stale)");
    cmd->add_option("project", o->project, "The project file (project.toml)")->required()->type_name("FILE");
    cmd->add_flag("--make-valid", o->po.make_valid, "Repair invalid parcels (GEOS MakeValid) and flag them");
    add_common_options(*cmd, o->common);
    cmd->callback([o, cmd, &ctx] {
        const auto cfg = config::load_project(o->project);
        CliProgress progress(ctx, o->common);
        pipeline::RunContext rc{cmd->count("--threads") ? o->common.threads : 0, std::nullopt, &progress, nullptr};
        if (cmd->count("--tile") > 0) rc.tile = o->common.tile;
        pipeline::ParcelsResult r;
        with_flags({{"threads", "--threads"}, {"tile size", "--tile"}}, [&] { r = run_parcels(cfg, rc, o->po); });
        ctx.out << (o->common.json ? pipeline::to_json(r) + "\n" : pipeline::summary_text(r));
    });
}

}  // namespace bluecarbon::cli
