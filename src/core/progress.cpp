#include <bluecarbon/core/progress.hpp>

#include <algorithm>
#include <ostream>

namespace bluecarbon {

namespace {
constexpr int k_bar_width = 40;
constexpr int k_line_step_percent = 10;  // plain output: one line per 10 %, so logs stay short
}  // namespace

Progress::Progress(std::string label, std::int64_t total, ProgressStyle style, std::ostream& out)
    : m_label(std::move(label)), m_total(std::max<std::int64_t>(total, 1)), m_style(style), m_out(out) {}

Progress::~Progress() {
    // A bar left half-drawn (the work failed) still gets its newline so the error starts on a fresh line.
    std::lock_guard lock(m_mutex);
    if (m_style == ProgressStyle::bar && m_last_percent >= 0 && !m_finished) m_out << '\n' << std::flush;
}

ProgressStyle Progress::style_for(bool quiet, bool is_terminal) noexcept {
    if (quiet) return ProgressStyle::quiet;
    return is_terminal ? ProgressStyle::bar : ProgressStyle::lines;
}

void Progress::advance(std::int64_t n) {
    std::lock_guard lock(m_mutex);
    m_done = std::min(m_total, m_done + n);
    draw_locked(static_cast<int>(m_done * 100 / m_total));
}

void Progress::finish() {
    std::lock_guard lock(m_mutex);
    if (m_finished) return;
    m_done = m_total;
    draw_locked(100);
    m_finished = true;
}

std::int64_t Progress::done() const {
    std::lock_guard lock(m_mutex);
    return m_done;
}

void Progress::draw_locked(int percent) {
    if (m_style == ProgressStyle::quiet || percent == m_last_percent || m_finished) return;
    if (m_style == ProgressStyle::lines) {
        const bool step = percent / k_line_step_percent != std::max(m_last_percent, 0) / k_line_step_percent;
        if (!(step || m_last_percent < 0 || percent == 100)) return;
        m_last_percent = percent;
        m_out << m_label << ": " << percent << "%\n" << std::flush;
        m_finished = percent == 100;
        return;
    }
    m_last_percent = percent;
    const int filled = percent * k_bar_width / 100;
    m_out << '\r' << m_label << " [" << std::string(static_cast<std::size_t>(filled), '#')
          << std::string(static_cast<std::size_t>(k_bar_width - filled), ' ') << "] " << percent << '%';
    if (percent == 100) {
        m_out << '\n';
        m_finished = true;
    }
    m_out << std::flush;
}

}  // namespace bluecarbon
