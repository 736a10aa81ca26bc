// `bluecarbon habitat project.toml`: the habitat map of a project (given classes or rules + tidal masks).
#include "cli/cli_context.hpp"
#include "cli/stock_pipeline.hpp"

#include <memory>

namespace bluecarbon::cli {

void add_habitat_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<StockPipelineOptions>();
    CLI::App* cmd = app.add_subcommand(
        "habitat", "Habitat map of a project: its classified raster mapped to habitats, or its rules over bands, "
                   "indices and tidal masks -> <output>/habitat.tif (uint8 with colour table and class names)");
    cmd->add_option("project", opts->project, "The project file (project.toml)")->required()->type_name("FILE");
    add_common_options(*cmd, opts->common);
    add_compression_options(*cmd, opts->compression);
    cmd->callback([opts, cmd, &ctx] {
        opts->threads_given = cmd->count("--threads") > 0;
        opts->tile_given = cmd->count("--tile") > 0;
        opts->with_stock = false;
        run_stock_pipeline(ctx, *opts);
    });
}

}  // namespace bluecarbon::cli
