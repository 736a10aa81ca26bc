// `bluecarbon sample`: the small sample project, or a large synthetic scene for benchmarks.
#include <bluecarbon/error.hpp>

#include "cli/cli_context.hpp"
#include "sample/sample_run.hpp"
#include "sample/scene.hpp"
#include "sample/synthetic_parcels.hpp"

#include <memory>

namespace bluecarbon::cli {

void add_sample_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::filesystem::path out;
        bool synthetic{false};
        std::optional<std::int64_t> size, parcels;
        CommonOptions common;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "sample", "Write the sample project (Xiangshan, Ningbo coast: reflectance, habitat, DEM, parcels, survey "
                  "plots and cores; a few MB, deterministic), or with --synthetic a large scene for benchmarks");
    add_path(*cmd, "--out,-o", o->out, "Folder to write into", "DIR");
    cmd->add_flag("--synthetic", o->synthetic,
                  "Write a synthetic N x N scene (reflectance, habitat, DEM) tile by tile instead of the sample");
    cmd->add_option("--size", o->size, "Pixels per side of the synthetic scene (default: 10000)")->type_name("N");
    cmd->add_option("--parcels", o->parcels, "Parcels of a synthetic scene (parcels.gpkg; default: 5000)")
        ->check(at_least(1))
        ->type_name("N");
    add_common_options(*cmd, o->common);
    cmd->callback([o, &ctx] {
        if (o->size && !o->synthetic)
            throw ConfigError("--size: only for --synthetic scenes (the sample is 600 x 600)");
        if (o->parcels && !o->synthetic) throw ConfigError("--parcels: only for --synthetic scenes");
        const std::int64_t size = o->synthetic ? o->size.value_or(10000) : sample::k_sample_size;
        execute(ctx, o->common, {}, [&](const pipeline::RunContext& rc) {
            const std::int64_t tile = rc.tile.value_or(512);
            // Below the scene's own check, so the message names the option.
            if (size < 1) throw ConfigError("--size: the scene size must be a positive number of pixels, got " +
                                            std::to_string(size));
            const auto progress = std::make_unique<Progress>(
                o->synthetic ? "synthetic scene" : "sample", sample::scene_tile_count(size, tile),
                Progress::style_for(o->common.quiet, ctx.err_is_terminal), ctx.err);
            auto r = sample::run_sample(o->out, o->synthetic, size,
                                        {rc.threads, tile, progress.get(),
                                         o->parcels.value_or(sample::k_synthetic_parcels)});
            progress->finish();
            return r;
        });
    });
}

}  // namespace bluecarbon::cli
