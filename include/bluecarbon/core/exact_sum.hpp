#pragma once
/// An order-independent sum of doubles. It keeps the exact sum as a list of non-overlapping partials
/// (Shewchuk's algorithm, as Python's math.fsum) and rounds once on value(), so the result is the correctly
/// rounded exact sum whatever the order of add() and merge() calls: per-parcel and per-scene totals are
/// bit-identical for any thread count, tile size or shard count.
#include <vector>

namespace bluecarbon {

class ExactSum {
public:
    /// Adds x exactly. Non-finite values poison the sum (value() then returns NaN or ±inf as IEEE would).
    void add(double x);
    /// Adds every partial of `other` (exact).
    void merge(const ExactSum& other);
    /// The exact sum rounded to the nearest double (ties to even).
    [[nodiscard]] double value() const;
    [[nodiscard]] bool empty() const noexcept { return m_partials.empty() && m_special == 0.0; }
    /// The non-overlapping partials, smallest magnitude first (for serialisation of partial results).
    [[nodiscard]] const std::vector<double>& partials() const noexcept { return m_partials; }

private:
    std::vector<double> m_partials;
    double m_special{0.0};  // sum of non-finite inputs (inf, -inf, nan), kept apart as fsum does
};

}  // namespace bluecarbon
