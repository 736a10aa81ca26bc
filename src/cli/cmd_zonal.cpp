// `bluecarbon zonal`: exact zonal statistics of a raster band over polygons; the work is pipeline::run_zonal.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/zonal.hpp>

#include <memory>
#include <ostream>

namespace bluecarbon::cli {

void add_zonal_command(CLI::App& app, CliContext& ctx) {
    struct Opts { std::string raster, weights, stats; pipeline::ZonalRequest rq; CommonOptions common;
                  ScaleOptions scale; };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = app.add_subcommand("zonal", "Exact coverage-weighted statistics of a raster band over polygons "
                                                "(partial cells by the fraction covered) -> CSV or GeoPackage");
    cmd->add_option("--raster", o->raster, "Values raster, band index or name")->required()->type_name("FILE[:band]");
    add_path(*cmd, "--polygons", o->rq.polygons, "Polygons (any OGR source)");
    cmd->add_option("--layer", o->rq.layer, "Layer of the polygon source (default: the first)")->type_name("NAME");
    cmd->add_option("--id", o->rq.id_field, "Unique id field (the first column)")->required()->type_name("FIELD");
    cmd->add_option("--stats", o->stats, "count, sum, mean, min, max, stdev, variance, median, majority, minority, "
                    "variety, frac, weighted_sum, weighted_mean, area_m2, total")->required()->type_name("LIST");
    cmd->add_option("--weights", o->weights, "Weights raster (aligned to the values' grid)")->type_name("FILE[:band]");
    cmd->add_option("--min-coverage", o->rq.min_coverage, "Ignore cells covered less than F (0-1)")->type_name("F");
    cmd->add_flag("--make-valid", o->rq.make_valid, "Repair invalid polygons (GEOS MakeValid) instead of stopping");
    add_path(*cmd, "--out", o->rq.out, "Output table", "OUT.csv|.gpkg");
    add_common_options(*cmd, o->common);
    add_scale_options(*cmd, o->scale);
    cmd->callback([o, &ctx] {
        auto rq = o->rq;
        rq.raster = parcels::parse_raster_band(o->raster);
        if (!o->weights.empty()) rq.weights = parcels::parse_raster_band(o->weights);
        rq.stats = parcels::parse_stats(o->stats);
        execute(ctx, o->common, {{"min coverage", "--min-coverage"}, {"stats", "--stats"}, {"shard", "--shard"}},
                [&](const pipeline::RunContext& rc) {
                    return run_sharded(o->scale, rc, [&](const pipeline::RunContext& c) {
                        auto r = run_zonal(rq, c);
                        for (const auto& w : r.summary.warnings) ctx.err << "bluecarbon: warning: " << w << '\n';
                        return r;
                    });
                },
                16LL * 1024 * 1024);  // whole blocks are read: a small GDAL cache suffices
    });
}

}  // namespace bluecarbon::cli
