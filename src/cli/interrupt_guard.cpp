#include "cli/interrupt_guard.hpp"

namespace bluecarbon::cli {

namespace {
// A signal handler reaches no object: this flag is the one process-wide variable it may set (a lock-free atomic
// is async-signal-safe).
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int sig) {
    if (g_interrupted.exchange(true)) { // the second signal: the run did not stop soon enough for the user
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}
} // namespace

InterruptGuard::InterruptGuard() {
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_old_int);
    sigaction(SIGTERM, &sa, &m_old_term);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &m_old_int, nullptr);
    sigaction(SIGTERM, &m_old_term, nullptr);
}

const std::atomic<bool>* InterruptGuard::flag() const noexcept {
    return &g_interrupted;
}

} // namespace bluecarbon::cli
