#pragma once
// Private to the pipeline: wall-clock and process CPU time of a run's phases, and the peak memory.
#include <bluecarbon/pipeline/stock.hpp>

namespace bluecarbon::pipeline {

/// Marks the phases of a run: wall-clock and process CPU time (user + system, all threads) since the last mark.
class RunClock {
public:
    RunClock();
    StockTimings::Phase mark();
    [[nodiscard]] StockTimings::Phase total() const;

private:
    struct Point {
        double wall, cpu;
    };
    static Point now();
    Point m_start, m_last;
};

/// Peak resident set size of this process so far [MB] (ru_maxrss is in KiB on Linux).
[[nodiscard]] double peak_rss_mb();

}  // namespace bluecarbon::pipeline
