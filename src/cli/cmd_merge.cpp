// `bluecarbon merge DIR` (pipeline::run_merge), and the --shard/--resume/--mpi options of the split commands.
#include "cli/cli_context.hpp"

#include <bluecarbon/pipeline/merge.hpp>
#include <bluecarbon/pipeline/scale.hpp>

#include <ostream>

namespace bluecarbon::cli {

void add_merge_command(CLI::App& app, CliContext& ctx) {
    auto req = std::make_shared<pipeline::MergeRequest>();
    auto common = std::make_shared<CommonOptions>();
    CLI::App* cmd = app.add_subcommand("merge", "Write the outputs of a sharded run (--shard) into DIR from its "
                                                "shard-<i>-of-<n>/ folders: the bytes one process writes");
    cmd->add_option("dir", req->dir, "The output folder holding the shard folders")->required()->type_name("DIR");
    add_common_options(*cmd, *common, 0);
    cmd->callback([req, common, &ctx] {
        // The cache one stock process of as many threads finishes its rasters with (a larger one costs CPU).
        execute(ctx, *common, {}, [&](const pipeline::RunContext& rc) { return pipeline::run_merge(*req, rc); },
                pipeline::stock_gdal_cache_bytes(common->threads.value_or(0)));
    });
}

void add_scale_options(CLI::App& cmd, ScaleOptions& o) {
    cmd.add_option("--shard", o.shard, "Compute only shard I of N into <output>/shard-I-of-N/ (checkpointed); "
                                       "`bluecarbon merge <output>` then writes the outputs")->type_name("I/N");
    cmd.add_flag("--resume", o.resume, "Continue an interrupted checkpointed run, redoing only unfinished tiles "
                                       "(without --shard: the run is checkpointed, then merged)");
    cmd.add_flag("--mpi", o.mpi, "Under mpirun: rank r computes shard r of N, then the ranks merge (each "
                                 "finishes its share of the rasters)");
}

bool run_scaled(const ScaleOptions& o, pipeline::RunContext& rc, const std::function<void()>& run,
                const std::function<void()>& merge) {
    rc.resume = o.resume;
    if (!o.shard.empty()) rc.shard = pipeline::parse_shard(o.shard);
    return o.mpi ? pipeline::run_mpi(rc, run, merge) : (run(), true);
}

}  // namespace bluecarbon::cli
