// `bluecarbon parcels project.toml`: credit parcels, stocks and eligibility; the work is pipeline::run_parcels.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/parcels.hpp>

#include <memory>

namespace bluecarbon::cli {

void add_parcels_command(CLI::App& app, CliContext& ctx) {
    struct Opts { ProjectArgs project; pipeline::ParcelsOptions po; CommonOptions common; };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = app.add_subcommand("parcels", "Credit parcels of a project ([parcels]): areas, stocks, tidal share "
                                                  "and eligibility -> parcels.gpkg and parcels.geojson (runs the "
                                                  "stock step first when its rasters are missing or stale)");
    add_project_args(*cmd, o->project);
    cmd->add_flag("--make-valid", o->po.make_valid, "Repair invalid parcels (GEOS MakeValid) and flag them");
    add_common_options(*cmd, o->common);
    cmd->callback([o, &ctx] {
        const auto cfg = o->project.load();
        execute(  // whole blocks are read: 16 MB of GDAL cache suffice
            ctx, o->common, {}, [&](const pipeline::RunContext& rc) { return run_parcels(cfg, rc, o->po); },
            16LL * 1024 * 1024);
    });
}

}  // namespace bluecarbon::cli
