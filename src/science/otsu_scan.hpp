#pragma once
// Private to science: Otsu's between-class variance from exactly summed classes, shared by SceneHistogram and
// BoundedStatistics so that both ways of scanning one distribution give the same numbers, bit for bit.
#include <bluecarbon/core/exact_sum.hpp>

#include <cmath>
#include <cstdint>
#include <utility>

namespace bluecarbon::science::detail {

/// Adds count × v to `sum` exactly: the product as its rounded value plus its rounding error (fma). A count above
/// 2^53, which a double cannot hold, goes in as two halves.
inline void add_product(ExactSum& sum, std::uint64_t count, double v) {
    constexpr std::uint64_t exact_counts = std::uint64_t{1} << 53;
    if (count > exact_counts) {
        add_product(sum, count >> 32, std::ldexp(v, 32));
        add_product(sum, count & 0xFFFF'FFFFU, v);
        return;
    }
    const double c = static_cast<double>(count);
    const double p = c * v;
    sum.add(p);
    sum.add(std::fma(c, v, -p));
}

/// A split of the values into a lower and an upper class, moved up one group of values at a time in increasing
/// order. The class sums are exact and rounded once, so the variance of a split does not depend on how the values
/// before it were grouped.
class OtsuScan {
  public:
    /// All `total` values, whose sum is `sum`, start in the upper class.
    OtsuScan(std::uint64_t total, ExactSum sum) : m_total(total), m_upper(std::move(sum)) {}

    /// Moves `count` values into the lower class without their sum (move_sum adds it).
    void move_count(std::uint64_t count) { m_lower_count += count; }
    /// Moves `times` × `value` of sum from the upper class to the lower.
    void move_sum(std::uint64_t times, double value) {
        add_product(m_lower, times, value);
        add_product(m_upper, times, -value);
    }

    [[nodiscard]] std::uint64_t lower_count() const noexcept { return m_lower_count; }
    [[nodiscard]] double lower_sum() const { return m_lower.value(); }
    [[nodiscard]] double upper_sum() const { return m_upper.value(); }

    /// The between-class variance n0 n1 (μ0 − μ1)² of the split (ω as counts: the 1/N² factor does not move the
    /// maximum); −1 when a class is empty.
    [[nodiscard]] double between() const {
        const std::uint64_t upper_count = m_total - m_lower_count;
        if (m_lower_count == 0 || upper_count == 0) return -1.0;
        const auto n0 = static_cast<double>(m_lower_count), n1 = static_cast<double>(upper_count);
        const double d = lower_sum() / n0 - upper_sum() / n1;
        return n0 * n1 * d * d;
    }

  private:
    std::uint64_t m_total, m_lower_count{0};
    ExactSum m_lower, m_upper;
};

}  // namespace bluecarbon::science::detail
