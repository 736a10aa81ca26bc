#include <bluecarbon/science/histogram.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bluecarbon::science {

SceneHistogram::SceneHistogram() : m_counts(k_bin_count, 0) {}

std::size_t SceneHistogram::bin_of(double value) noexcept {
    // v * 1024 only changes the exponent, so it and its floor are exact (no rounding can move a value
    // across a bin edge); the offset of the first bin is then an exact integer subtraction.
    const double scaled = std::floor(value * k_bins_per_unit) - k_lower * k_bins_per_unit;
    if (scaled < 0.0) return 0;
    if (scaled >= static_cast<double>(k_bin_count)) return k_bin_count - 1;
    return static_cast<std::size_t>(scaled);
}

double SceneHistogram::bin_lower_edge(std::size_t bin) noexcept {
    return k_lower + static_cast<double>(bin) / k_bins_per_unit;
}

double SceneHistogram::bin_center(std::size_t bin) noexcept {
    return k_lower + (static_cast<double>(bin) + 0.5) / k_bins_per_unit;
}

void SceneHistogram::add(double value) {
    if (!std::isfinite(value)) return;
    if (value < k_lower || value >= k_upper) ++m_clamped;
    const auto b = bin_of(value);
    ++m_counts[b];
    ++m_total;
    m_lo = std::min(m_lo, b);
    m_hi = std::max(m_hi, b + 1);
}

void SceneHistogram::add(std::span<const float> values, std::span<const std::uint8_t> valid) {
    if (values.size() != valid.size()) throw std::invalid_argument("SceneHistogram::add: spans of different lengths");
    std::size_t lo = m_lo, hi = m_hi;
    std::uint64_t n = 0, clamped = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!valid[i]) continue;
        const double v = values[i];
        if (!std::isfinite(v)) continue;
        if (v < k_lower || v >= k_upper) ++clamped;
        const auto b = bin_of(v);
        ++m_counts[b];
        ++n;
        lo = std::min(lo, b);
        hi = std::max(hi, b + 1);
    }
    m_total += n;
    m_clamped += clamped;
    m_lo = lo;
    m_hi = hi;
}

void SceneHistogram::clear() noexcept {
    if (m_lo < m_hi) std::fill(m_counts.begin() + static_cast<std::ptrdiff_t>(m_lo),
                               m_counts.begin() + static_cast<std::ptrdiff_t>(m_hi), 0);
    m_total = 0;
    m_clamped = 0;
    m_lo = k_bin_count;
    m_hi = 0;
}

void SceneHistogram::merge(const SceneHistogram& other) {
    for (std::size_t b = other.m_lo; b < other.m_hi; ++b) m_counts[b] += other.m_counts[b];
    m_total += other.m_total;
    m_clamped += other.m_clamped;
    if (other.m_total > 0) {
        m_lo = std::min(m_lo, other.m_lo);
        m_hi = std::max(m_hi, other.m_hi);
    }
}

std::optional<std::size_t> otsu_split(std::span<const std::uint64_t> counts, std::span<const double> centers) {
    if (counts.size() != centers.size()) throw std::invalid_argument("otsu_split: spans of different lengths");
    std::size_t nonempty = 0;
    double n = 0.0, sum = 0.0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] == 0) continue;
        ++nonempty;
        n += static_cast<double>(counts[i]);
        sum += static_cast<double>(counts[i]) * centers[i];
    }
    if (nonempty < 2) return std::nullopt;
    // Between-class variance ω0 ω1 (μ0 − μ1)² with ω as counts (the 1/N² factor does not move the maximum).
    double n0 = 0.0, sum0 = 0.0, best = -1.0;
    std::size_t best_k = 0;
    for (std::size_t k = 0; k + 1 < counts.size(); ++k) {
        n0 += static_cast<double>(counts[k]);
        sum0 += static_cast<double>(counts[k]) * centers[k];
        const double n1 = n - n0;
        if (n0 == 0.0 || n1 == 0.0) continue;
        const double d = sum0 / n0 - (sum - sum0) / n1;
        const double between = n0 * n1 * d * d;
        if (between > best) {
            best = between;
            best_k = k;
        }
    }
    return best_k;
}

std::optional<double> SceneHistogram::otsu() const {
    if (m_total == 0) return std::nullopt;
    const std::size_t n = m_hi - m_lo;
    std::vector<double> centers(n);
    for (std::size_t i = 0; i < n; ++i) centers[i] = bin_center(m_lo + i);
    const auto k = otsu_split(std::span<const std::uint64_t>(m_counts).subspan(m_lo, n), centers);
    if (!k) return std::nullopt;
    return bin_lower_edge(m_lo + *k + 1);
}

std::optional<double> SceneHistogram::percentile(double p) const {
    if (!(p >= 0.0 && p <= 100.0)) throw std::invalid_argument("percentile must be within [0, 100]");
    if (m_total == 0) return std::nullopt;
    // Nearest rank with integer arithmetic where it matters: rank = ceil(p N / 100), at least 1.
    const double exact_rank = p / 100.0 * static_cast<double>(m_total);
    auto rank = static_cast<std::uint64_t>(std::ceil(exact_rank));
    rank = std::clamp<std::uint64_t>(rank, 1, m_total);
    std::uint64_t seen = 0;
    for (std::size_t b = m_lo; b < m_hi; ++b) {
        seen += m_counts[b];
        if (seen >= rank) return bin_center(b);
    }
    return bin_center(m_hi - 1);
}

}  // namespace bluecarbon::science
