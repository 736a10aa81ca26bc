#include <bluecarbon/pipeline/scale.hpp>

#include <bluecarbon/error.hpp>

#include <charconv>
#include <exception>
#include <string>

#ifdef BLUECARBON_WITH_MPI
#include <mpi.h>
#include <sched.h>
#endif

namespace bluecarbon::pipeline {

ShardSpec parse_shard(std::string_view text) {
    ShardSpec s;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, s.index);
    bool ok = ec == std::errc() && p != end && *p == '/';
    if (ok) {
        auto [q, ec2] = std::from_chars(p + 1, end, s.count);
        ok = ec2 == std::errc() && q == end;
    }
    if (!ok) throw RequestError("shard", "expected I/N, e.g. 0/4 (got " + std::string(text) + ")");
    if (s.index >= s.count)
        throw RequestError("shard", std::string(text) + ": the index must be below the count (0 <= I < N)");
    return s;
}

#ifdef BLUECARBON_WITH_MPI
bool mpi_available() noexcept { return true; }

namespace {
struct MpiSession {  // MPI_Init .. MPI_Finalize around the run (OpenMP threads never call MPI)
    MpiSession() {
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    }
    ~MpiSession() { MPI_Finalize(); }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
};
}  // namespace

bool run_mpi(RunContext& ctx, const std::function<void()>& run, const std::function<void()>& merge) {
    if (ctx.shard) throw RequestError("shard", "not with --mpi (each rank is its own shard)");
    const MpiSession session;
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ctx.shard = ShardSpec{static_cast<std::size_t>(rank), static_cast<std::size_t>(size)};
    if (ctx.threads == 0) {  // the cores mpirun or Slurm bound this rank to, not the node's
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0) ctx.threads = CPU_COUNT(&set);
    }
    std::exception_ptr failure;
    try {
        run();
    } catch (...) {
        failure = std::current_exception();
    }
    int mine = failure ? 1 : 0, any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (failure) std::rethrow_exception(failure);
    if (any != 0) throw Error("--mpi: another rank failed (see its message); run again with --resume");
    if (rank != 0) return false;
    ctx.shard.reset();
    merge();
    return true;
}
#else
bool mpi_available() noexcept { return false; }

bool run_mpi(RunContext& ctx, const std::function<void()>&, const std::function<void()>&) {
    if (ctx.shard) throw RequestError("shard", "not with --mpi (each rank is its own shard)");
    throw InputError("--mpi: this bluecarbon was built without MPI (Open MPI was not found when it was configured); "
                     "use --shard I/N and `bluecarbon merge`, or rebuild with libopenmpi-dev installed");
}
#endif

}  // namespace bluecarbon::pipeline
