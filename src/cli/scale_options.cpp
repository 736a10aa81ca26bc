// --shard, --resume and --mpi, declared once for every command that can run split across processes.
#include "cli/cli_context.hpp"

#include <bluecarbon/error.hpp>

namespace bluecarbon::cli {

void add_scale_options(CLI::App& cmd, ScaleOptions& o) {
    cmd.add_option("--shard", o.shard, "Compute only shard I of N (0 <= I < N) into <output>/shard-I-of-N/, "
                                       "checkpointed; `bluecarbon merge <output>` then writes the outputs")
        ->type_name("I/N");
    cmd.add_flag("--resume", o.resume, "Continue an interrupted checkpointed run (with --shard: that shard), "
                                       "redoing only unfinished tiles; without --shard the run is checkpointed");
    cmd.add_flag("--mpi", o.mpi, "Under mpirun: rank r computes shard r of N and rank 0 merges");
}

void apply_scale_options(const ScaleOptions& o, pipeline::RunContext& rc) {
    if (o.mpi)
        throw InputError("--mpi: this bluecarbon was built without MPI (Open MPI was not found when it was "
                         "configured); use --shard I/N and `bluecarbon merge`, or rebuild with libopenmpi-dev");
    rc.resume = o.resume;
    if (o.shard.empty()) return;
    std::size_t i = 0, n = 0, used = 0;
    try {
        i = std::stoul(o.shard, &used);
        if (o.shard.at(used) != '/') throw std::invalid_argument("/");
        const std::string rest = o.shard.substr(used + 1);
        n = std::stoul(rest, &used);
        if (used != rest.size()) throw std::invalid_argument("tail");
    } catch (const std::exception&) {
        throw ConfigError("--shard: expected I/N, e.g. 0/4 (got " + o.shard + ")");
    }
    if (i >= n) throw ConfigError("--shard: " + o.shard + ": the index must be below the count (0 <= I < N)");
    rc.shard = pipeline::ShardSpec{i, n};
}

}  // namespace bluecarbon::cli
