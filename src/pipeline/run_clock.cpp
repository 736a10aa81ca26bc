#include "pipeline/run_clock.hpp"

#include <sys/resource.h>

#include <chrono>

namespace bluecarbon::pipeline {

RunClock::RunClock() : m_start(now()), m_last(m_start) {}

StockTimings::Phase RunClock::mark() {
    const Point p = now();
    const StockTimings::Phase d{p.wall - m_last.wall, p.cpu - m_last.cpu};
    m_last = p;
    return d;
}

StockTimings::Phase RunClock::total() const { return {m_last.wall - m_start.wall, m_last.cpu - m_start.cpu}; }

RunClock::Point RunClock::now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    return {wall, s(ru.ru_utime) + s(ru.ru_stime)};
}

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace bluecarbon::pipeline
