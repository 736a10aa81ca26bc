#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace bluecarbon {

int default_thread_count() noexcept {
#ifdef _OPENMP
    return omp_get_num_procs();
#else
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
#endif
}

TileExecutor::TileExecutor(int threads) : m_threads(threads == 0 ? default_thread_count() : threads) {
    if (threads < 0)
        throw ConfigError("threads: must be a positive number, got " + std::to_string(threads));
#ifndef _OPENMP
    m_threads = 1; // built without OpenMP: the same loops run serially
#endif
}

namespace {
int worker_slot() noexcept {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

// Libraries built with OpenMP (Debian's muparser evaluates bulk expressions in an omp loop) would otherwise
// start a nested team inside each worker, so `--threads 1` would not mean one thread. For the worker's lifetime
// its thread-count ICV is 1; the value it had is put back when the worker ends, so no setting outlives the call
// (a host embedding the library keeps its own omp_get_max_threads(), on every thread of its pool).
class SerialLibrariesInThisWorker {
  public:
    SerialLibrariesInThisWorker() noexcept {
#ifdef _OPENMP
        m_saved = omp_get_max_threads();
        omp_set_num_threads(1);
#endif
    }
    ~SerialLibrariesInThisWorker() {
#ifdef _OPENMP
        omp_set_num_threads(m_saved);
#endif
    }
    SerialLibrariesInThisWorker(const SerialLibrariesInThisWorker&) = delete;
    SerialLibrariesInThisWorker& operator=(const SerialLibrariesInThisWorker&) = delete;

  private:
    int m_saved{1};
};

// The first error wins; later workers skip their work once it is set (an OpenMP loop cannot be broken).
class FirstError {
  public:
    void capture() {
        std::lock_guard lock(m_mutex);
        if (!m_error)
            m_error = std::current_exception();
        m_stop.store(true, std::memory_order_relaxed);
    }
    [[nodiscard]] bool stopped() const noexcept { return m_stop.load(std::memory_order_relaxed); }
    void rethrow_if_any() const {
        if (m_error)
            std::rethrow_exception(m_error);
    }

  private:
    std::mutex m_mutex;
    std::exception_ptr m_error;
    std::atomic<bool> m_stop{false};
};
} // namespace

void TileExecutor::run_ordered(std::size_t count, const std::function<void(std::size_t, int)>& work,
                               const std::function<void(std::size_t, int)>& merge, Progress* progress) const {
    FirstError error;
    const auto n = static_cast<std::ptrdiff_t>(count);
    // `ordered` makes a worker that finished tile p wait until p-1 is merged, which bounds tiles in flight to
    // the thread count and serialises the merge in tile order.
#pragma omp parallel num_threads(m_threads)
    {
        const SerialLibrariesInThisWorker serial;
#pragma omp for ordered schedule(dynamic, 1)
        for (std::ptrdiff_t p = 0; p < n; ++p) {
            const int slot = worker_slot();
            bool computed = false;
            if (!error.stopped()) {
                try {
                    work(static_cast<std::size_t>(p), slot);
                    computed = true;
                } catch (...) {
                    error.capture();
                }
            }
#pragma omp ordered
            {
                if (computed && !error.stopped()) {
                    try {
                        merge(static_cast<std::size_t>(p), slot);
                        if (progress)
                            progress->advance();
                    } catch (...) {
                        error.capture();
                    }
                }
            }
        }
    }
    error.rethrow_if_any();
}

void TileExecutor::parallel_for(std::size_t count, const std::function<void(std::size_t, int)>& fn) const {
    FirstError error;
    const auto n = static_cast<std::ptrdiff_t>(count);
#pragma omp parallel num_threads(m_threads)
    {
        const SerialLibrariesInThisWorker serial;
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t p = 0; p < n; ++p) {
            if (error.stopped())
                continue;
            try {
                fn(static_cast<std::size_t>(p), worker_slot());
            } catch (...) {
                error.capture();
            }
        }
    }
    error.rethrow_if_any();
}

} // namespace bluecarbon
