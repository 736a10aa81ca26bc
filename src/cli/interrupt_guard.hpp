#pragma once
// SIGINT/SIGTERM during a command become the run's cancel flag, so the pipeline stops at its next check and its
// OutputTransaction removes every temporary file; a second signal ends the process at once.
#include <atomic>
#include <csignal>

namespace bluecarbon::cli {

class InterruptGuard {
  public:
    InterruptGuard();  ///< clears the flag and installs the handlers
    ~InterruptGuard(); ///< restores the handlers found
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    [[nodiscard]] const std::atomic<bool>* flag() const noexcept;

  private:
    struct sigaction m_old_int {
    }, m_old_term{};
};

} // namespace bluecarbon::cli
