// `bluecarbon stock project.toml`: habitat, then carbon pools (Tier-1 or calibrated model) and uncertainty.
#include "cli/cli_context.hpp"
#include "cli/stock_pipeline.hpp"

#include <memory>

namespace bluecarbon::cli {

void add_stock_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<StockPipelineOptions>();
    CLI::App* cmd = app.add_subcommand(
        "stock", "Carbon stock maps of a project (runs the habitat step): stock_agb/bgb/dead/soc/total.tif "
                 "(float32 COG, Mg C/ha), uncertainty.tif (90 % half-width), habitat.tif, stock_summary.csv");
    cmd->add_option("project", opts->project, "The project file (project.toml)")->required()->type_name("FILE");
    add_common_options(*cmd, opts->common);
    add_compression_options(*cmd, opts->compression);
    cmd->callback([opts, cmd, &ctx] {
        opts->threads_given = cmd->count("--threads") > 0;
        opts->tile_given = cmd->count("--tile") > 0;
        opts->with_stock = true;
        run_stock_pipeline(ctx, *opts);
    });
}

}  // namespace bluecarbon::cli
