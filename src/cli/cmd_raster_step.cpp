// `bluecarbon habitat project.toml` and `bluecarbon stock project.toml`: the two raster steps of a project, one
// set of options; the work is pipeline::run_habitat / run_stock.
#include "cli/cli_context.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/habitat.hpp>
#include <bluecarbon/pipeline/merge.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <memory>

namespace bluecarbon::cli {

namespace {

struct RasterStepOptions {
    ProjectArgs project;
    CommonOptions common;  ///< --compress: else the project's [processing] compression
    ScaleOptions scale;
    bool masks{false};          ///< habitat --write-masks
};

void add_step(CLI::App& app, CliContext& ctx, bool with_stock, const std::string& description) {
    auto o = std::make_shared<RasterStepOptions>();
    CLI::App* cmd = app.add_subcommand(with_stock ? "stock" : "habitat", description);
    add_project_args(*cmd, o->project);
    add_common_options(*cmd, o->common, k_tile | k_compress);
    add_scale_options(*cmd, o->scale);
    if (!with_stock)
        cmd->add_flag("--write-masks", o->masks, "Also write elevation.tif (m above the geoid) and tidal_zones.tif "
                                                 "(1 subtidal, 2 intertidal, 3 supratidal) to check a run");
    cmd->callback([o, with_stock, &ctx] {
        config::ProjectConfig cfg = o->project.load();
        apply_compression(o->common, cfg.processing.compression, cfg.processing.compression_level);
        execute(
            ctx, o->common, {{"shard", "--shard"}, {"write_masks", "--write-masks"}},
            [&](const pipeline::RunContext& rc0) {
                pipeline::RunContext rc = rc0;
                pipeline::StockResult r;
                auto step = [&] {
                    r = with_stock ? pipeline::run_stock(cfg, rc) : pipeline::run_habitat(cfg, rc, {o->masks});
                };
                auto merge = [&] {
                    if (auto m = pipeline::run_merge({cfg.output_dir}, rc); m.complete) r = std::move(m.run);
                };
                (void)run_scaled(o->scale, rc, step, merge);  // an MPI rank other than 0 reports its shard
                return r;
            },
            pipeline::stock_gdal_cache_bytes(o->common.threads.value_or(cfg.processing.threads)));
    });
}

}  // namespace

void add_habitat_command(CLI::App& app, CliContext& ctx) {
    add_step(app, ctx, false,
             "Habitat map of a project: its classified raster mapped to habitats, or its rules over bands, indices "
             "and tidal masks -> <output>/habitat.tif (uint8 with colour table and class names)");
}

void add_stock_command(CLI::App& app, CliContext& ctx) {
    add_step(app, ctx, true,
             "Carbon stock maps of a project (runs the habitat step): stock_agb/bgb/dead/soc/total.tif (float32 COG, "
             "Mg C/ha), uncertainty.tif (90 % half-width of the total), uncertainty_{agb,bgb,dead,soc}.tif (each "
             "pool's), habitat.tif, stock_summary.csv");
}

}  // namespace bluecarbon::cli
