// `bluecarbon habitat project.toml` and `bluecarbon stock project.toml`: the two raster steps of a project, one
// set of options; the work is pipeline::run_habitat / run_stock.
#include "cli/cli_context.hpp"
#include "cli/interrupt_guard.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/habitat.hpp>
#include <bluecarbon/pipeline/stock.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <ostream>

namespace bluecarbon::cli {

namespace {

struct RasterStepOptions {
    std::filesystem::path project;
    CommonOptions common;
    CompressionOptions compression;  ///< else the project's [processing] compression
};

void print_summary(const CliContext& ctx, const pipeline::StockResult& r) {
    const bool stock = r.command == "stock";
    ctx.out << fmt::format("{}: {} x {} pixels ({}), {} tiles, {} threads, {:.2f} s, peak memory {:.0f} MB\n", r.command,
                           r.grid.width(), r.grid.height(), r.grid.crs().name, r.tiles, r.threads, r.timings.total.wall,
                           r.peak_rss_mb);
    for (const auto& [k, v] : r.thresholds) ctx.out << fmt::format("  threshold {} = {:.6g}\n", k, v);
    if (r.tier1)
        ctx.out << fmt::format("  Tier-1 table {} version {}, climate zone {}, soil {}, {} override(s)\n",
                               r.tier1->file_name, r.tier1->version, r.tier1->climate_zone, r.tier1->soil,
                               r.tier1->overrides);
    if (r.model) {
        std::vector<std::string> hs;
        for (auto h : r.model->habitats) hs.emplace_back(science::habitat_name(h));
        ctx.out << fmt::format("  biomass model {} ({} form, {}; CV RMSE {:.2f} t d.m./ha) on {}\n",
                               r.model_path.filename().string(), science::survey::model_form_name(r.model->form),
                               fmt::join(r.model->predictors, ", "), r.model->cv_rmse_t_dm_per_ha, fmt::join(hs, ", "));
    }
    if (stock) {
        ctx.out << fmt::format("  {:<17} {:>11} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12}\n", "habitat", "area ha",
                               "AGB Mg C", "BGB Mg C", "dead Mg C", "SOC Mg C", "total Mg C", "±90 %");
        for (const auto& s : r.habitats)
            ctx.out << fmt::format("  {:<17} {:>11.2f} {:>12.1f} {:>12.1f} {:>12.1f} {:>12.1f} {:>14.1f} {:>12.1f}\n",
                                   science::habitat_name(s.habitat), s.area_ha, s.total_mg_c[0], s.total_mg_c[1],
                                   s.total_mg_c[2], s.total_mg_c[3], s.total_mg_c[4], s.half_width_90_mg_c[4]);
    } else {
        for (const auto& s : r.habitats)
            ctx.out << fmt::format("  {:<17} {:>12} pixels {:>12.2f} ha\n", science::habitat_name(s.habitat), s.pixels,
                                   s.area_ha);
    }
    for (const auto& w : r.warnings) ctx.out << "  warning: " << w << '\n';
    ctx.out << "  outputs in " << r.output_dir.string() << "\n";
}

void run_step(const CliContext& ctx, const RasterStepOptions& o, bool with_stock, bool threads_given,
              bool tile_given) {
    config::ProjectConfig cfg = config::load_project(o.project);
    if (!o.compression.codec.empty()) cfg.processing.compression = o.compression.codec;
    if (o.compression.level > 0) {
        check_compression_level(cfg.processing.compression, o.compression.level);
        cfg.processing.compression_level = o.compression.level;
    }
    CliProgress progress(ctx, o.common);
    pipeline::RunContext rc;
    if (threads_given) rc.threads = o.common.threads;
    if (tile_given) rc.tile = o.common.tile;
    rc.progress = &progress;
    const InterruptGuard interrupts;  // Ctrl-C: the run stops and removes its temporary files
    rc.cancel = interrupts.flag();
    pipeline::StockResult r;
    with_flags({{"threads", "--threads"}, {"tile size", "--tile"}},
               [&] { r = with_stock ? pipeline::run_stock(cfg, rc) : pipeline::run_habitat(cfg, rc); });
    if (o.common.json)
        ctx.out << pipeline::to_json(r) << '\n';
    else
        print_summary(ctx, r);
}

void add_step(CLI::App& app, CliContext& ctx, bool with_stock, const std::string& description) {
    auto opts = std::make_shared<RasterStepOptions>();
    CLI::App* cmd = app.add_subcommand(with_stock ? "stock" : "habitat", description);
    cmd->add_option("project", opts->project, "The project file (project.toml)")->required()->type_name("FILE");
    add_common_options(*cmd, opts->common);
    add_compression_options(*cmd, opts->compression);
    cmd->callback([opts, cmd, with_stock, &ctx] {
        run_step(ctx, *opts, with_stock, cmd->count("--threads") > 0, cmd->count("--tile") > 0);
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
             "Mg C/ha), uncertainty.tif (90 % half-width), habitat.tif, stock_summary.csv");
}

}  // namespace bluecarbon::cli
