#pragma once
/// Progress reporting for long work: a redrawn bar on a terminal, "label: NN%" lines otherwise, nothing when
/// quiet. Thread-safe: advance() may be called from any thread.
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>

namespace bluecarbon {

enum class ProgressStyle { quiet, lines, bar };

class Progress {
public:
    Progress(std::string label, std::int64_t total, ProgressStyle style, std::ostream& out);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void advance(std::int64_t n = 1);
    /// Marks the work complete (prints 100% once) — also done by the destructor when the work finished.
    void finish();
    [[nodiscard]] std::int64_t done() const;

    /// `bar` when `is_terminal`, `lines` otherwise, `quiet` when asked.
    [[nodiscard]] static ProgressStyle style_for(bool quiet, bool is_terminal) noexcept;

private:
    void draw_locked(int percent);
    std::string m_label;
    std::int64_t m_total;
    std::int64_t m_done{0};
    int m_last_percent{-1};
    ProgressStyle m_style;
    std::ostream& m_out;
    bool m_finished{false};
    mutable std::mutex m_mutex;
};

}  // namespace bluecarbon
