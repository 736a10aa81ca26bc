// --shard, --resume and --mpi, declared once for every command that can run split across processes.
#include "cli/cli_context.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/scale.hpp>

namespace bluecarbon::cli {

void add_scale_options(CLI::App& cmd, ScaleOptions& o) {
    cmd.add_option("--shard", o.shard, "Compute only shard I of N (0 <= I < N) into <output>/shard-I-of-N/, "
                                       "checkpointed; `bluecarbon merge <output>` then writes the outputs")
        ->type_name("I/N");
    cmd.add_flag("--resume", o.resume, "Continue an interrupted checkpointed run (with --shard: that shard), "
                                       "redoing only unfinished tiles; without --shard the run is checkpointed");
    cmd.add_flag("--mpi", o.mpi, "Under mpirun: rank r computes shard r of N, rank 0 merges");
}

bool run_scaled(const ScaleOptions& o, pipeline::RunContext& rc, const std::function<void()>& run,
                const std::function<void()>& merge) {
    rc.resume = o.resume;
    if (o.mpi && !o.shard.empty()) throw ConfigError("--shard: not with --mpi (each rank is its own shard)");
    if (!o.shard.empty()) rc.shard = pipeline::parse_shard(o.shard);
    if (!o.mpi) run();
    return !o.mpi || pipeline::run_mpi(rc, run, merge);
}

}  // namespace bluecarbon::cli
