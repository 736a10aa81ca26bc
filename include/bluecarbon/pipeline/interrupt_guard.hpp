#pragma once
/// SIGINT/SIGTERM during a run become its cancel flag (RunContext::cancel), so the pipeline stops at its next
/// check and its OutputTransaction removes every temporary file; a second signal ends the process at once.
/// Signal handlers are process-wide: like GdalSession, this is an explicit RAII object a front end creates (the
/// CLI does, around each command); no library call installs handlers by itself.
#include <atomic>
#include <csignal>

namespace bluecarbon::pipeline {

class InterruptGuard {
  public:
    InterruptGuard();  ///< clears the flag and installs the handlers
    ~InterruptGuard(); ///< restores the handlers found
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    /// For RunContext::cancel.
    [[nodiscard]] const std::atomic<bool>* flag() const noexcept;

  private:
    struct sigaction m_old_int {
    }, m_old_term{};
};

}  // namespace bluecarbon::pipeline
