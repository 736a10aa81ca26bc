#include <bluecarbon/pipeline/scale.hpp>

#include <bluecarbon/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#ifdef BLUECARBON_WITH_MPI
#include <mpi.h>
#include <sched.h>
#include <time.h>
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
// Completes a non-blocking request, sleeping between tests: a rank waiting for another (the statistics, the end
// of the run) then costs no CPU, where Open MPI's blocking calls spin for as long as the other rank computes.
void wait_idle(MPI_Request& request) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    for (long us = 50; done == 0; us = std::min(us * 2, 5000L)) {
        const timespec pause{0, us * 1000};
        ::nanosleep(&pause, nullptr);
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    }
}

struct MpiSession {  // MPI_Init .. MPI_Finalize around the run (OpenMP threads never call MPI)
    MpiSession() {
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    }
    ~MpiSession() {
        // Every rank meets here first without spinning (MPI_Finalize's own synchronisation would make the
        // ranks that are done spin for as long as another merges).
        MPI_Request r = MPI_REQUEST_NULL;
        MPI_Ibarrier(MPI_COMM_WORLD, &r);
        wait_idle(r);
        MPI_Finalize();
    }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
};

constexpr int k_tag = 16;
constexpr std::size_t k_chunk = std::size_t{1} << 30;  // MPI counts are int: larger data goes in pieces

// Runs `start(data, count, request)` over [data, data + size) in pieces of at most k_chunk bytes, waiting for each.
template <class Start>
void in_chunks(std::byte* data, std::size_t size, Start start) {
    for (std::size_t at = 0; at < size; at += k_chunk) {
        MPI_Request r = MPI_REQUEST_NULL;
        start(data + at, static_cast<int>(std::min(k_chunk, size - at)), &r);
        wait_idle(r);
    }
}

void send_bytes(const RankGroup::Bytes& b, int to) {
    in_chunks(const_cast<std::byte*>(b.data()), b.size(), [to](std::byte* d, int n, MPI_Request* r) {
        MPI_Isend(d, n, MPI_BYTE, to, k_tag, MPI_COMM_WORLD, r);
    });
}

void recv_bytes(RankGroup::Bytes& b, int from) {
    in_chunks(b.data(), b.size(), [from](std::byte* d, int n, MPI_Request* r) {
        MPI_Irecv(d, n, MPI_BYTE, from, k_tag, MPI_COMM_WORLD, r);
    });
}

void bcast_bytes(RankGroup::Bytes& b) {
    in_chunks(b.data(), b.size(),
              [](std::byte* d, int n, MPI_Request* r) { MPI_Ibcast(d, n, MPI_BYTE, 0, MPI_COMM_WORLD, r); });
}

// combine() over MPI: each rank sends (status, part) to rank 0 (point to point, in rank order), rank 0 combines
// and broadcasts (status, result). Every rank makes the same exchanges in a phase: one, plus one per
// another_round(), which every rank declares alike (make_up() stands in for the exchange a rank owes when it failed
// before it or never needed one), so the collectives always match.
class MpiRanks final : public RankGroup {
public:
    MpiRanks(int rank, int size) : m_rank(rank), m_size(size) {}
    [[nodiscard]] std::size_t rank() const noexcept override { return static_cast<std::size_t>(m_rank); }
    [[nodiscard]] std::size_t size() const noexcept override { return static_cast<std::size_t>(m_size); }

    Bytes combine(Bytes part, const std::function<Bytes(const std::vector<Bytes>&)>& fn) override {
        if (!m_owed) throw std::logic_error("RankGroup::combine: called again in a phase without another_round()");
        return exchange(k_ok, std::move(part), &fn);
    }
    void another_round() override { m_owed = true; }
    void make_up(bool failed) {
        if (!m_owed) return;
        try {
            (void)exchange(failed ? k_failed : k_unused, {}, nullptr);
        } catch (const std::exception&) {
            // the run's own outcome is reported after this
        }
    }

private:
    static constexpr std::uint64_t k_ok = 0, k_failed = 1, k_unused = 2, k_combine_failed = 3;

    Bytes exchange(std::uint64_t status, Bytes part, const std::function<Bytes(const std::vector<Bytes>&)>* fn) {
        m_owed = false;
        std::uint64_t head[2] = {status, part.size()};
        Bytes result;
        std::exception_ptr combine_error;
        if (m_rank != 0) {
            MPI_Request req = MPI_REQUEST_NULL;
            MPI_Isend(head, 2, MPI_UINT64_T, 0, k_tag, MPI_COMM_WORLD, &req);
            wait_idle(req);
            send_bytes(part, 0);
        } else {
            std::vector<Bytes> parts(static_cast<std::size_t>(m_size));
            std::size_t ok = status == k_ok ? 1 : 0, unused = status == k_unused ? 1 : 0;
            parts[0] = std::move(part);
            for (int r = 1; r < m_size; ++r) {
                std::uint64_t h[2] = {0, 0};
                MPI_Request req = MPI_REQUEST_NULL;
                MPI_Irecv(h, 2, MPI_UINT64_T, r, k_tag, MPI_COMM_WORLD, &req);
                wait_idle(req);
                auto& p = parts[static_cast<std::size_t>(r)];
                p.resize(static_cast<std::size_t>(h[1]));
                recv_bytes(p, r);
                ok += h[0] == k_ok ? 1 : 0;
                unused += h[0] == k_unused ? 1 : 0;
            }
            const auto n = static_cast<std::size_t>(m_size);
            head[0] = ok == n ? k_ok : unused == n ? k_unused : k_failed;  // a mix: some rank failed
            if (head[0] == k_ok) {
                try {
                    result = (*fn)(parts);
                } catch (const std::exception& e) {
                    combine_error = std::current_exception();
                    head[0] = k_combine_failed;
                    const std::string what = e.what();
                    result.resize(what.size());
                    std::memcpy(result.data(), what.data(), what.size());
                }
            }
            head[1] = result.size();
        }
        MPI_Request req = MPI_REQUEST_NULL;
        MPI_Ibcast(head, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD, &req);
        wait_idle(req);
        result.resize(static_cast<std::size_t>(head[1]));
        bcast_bytes(result);
        if (combine_error) std::rethrow_exception(combine_error);
        if (head[0] == k_failed) throw Error("--mpi: another rank failed (see its message); run again with --resume");
        if (head[0] == k_combine_failed)
            throw InputError(std::string(reinterpret_cast<const char*>(result.data()), result.size()));
        return result;
    }

    int m_rank, m_size;
    bool m_owed{true};  // an exchange the other ranks will make in this phase
};

// Runs one phase on every rank with a fresh RankGroup, then the ranks agree on its outcome: this rank's error is
// rethrown, and a rank that succeeded while another failed throws Error naming that.
void run_phase(RunContext& ctx, int rank, int size, const std::function<void()>& fn) {
    MpiRanks ranks(rank, size);
    ctx.ranks = &ranks;
    std::exception_ptr failure;
    try {
        fn();
    } catch (...) {
        failure = std::current_exception();
    }
    ranks.make_up(failure != nullptr);
    ctx.ranks = nullptr;
    int mine = failure ? 1 : 0, any = 0;
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Iallreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_idle(req);
    if (failure) std::rethrow_exception(failure);
    if (any != 0) throw Error("--mpi: another rank failed (see its message); run again with --resume");
}
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
    run_phase(ctx, rank, size, run);
    ctx.shard.reset();
    run_phase(ctx, rank, size, merge);
    return rank == 0;
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
