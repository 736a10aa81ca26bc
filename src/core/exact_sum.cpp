#include <bluecarbon/core/exact_sum.hpp>

#include <cmath>

namespace bluecarbon {

void ExactSum::add(double x) {
    if (!std::isfinite(x)) {
        m_special += x;
        return;
    }
    // Shewchuk's grow-expansion: after the loop, m_partials holds non-overlapping values whose exact sum is
    // the exact sum of everything added so far.
    std::size_t kept = 0;
    for (double y : m_partials) {
        if (std::abs(x) < std::abs(y)) std::swap(x, y);
        const double hi = x + y;
        const double lo = y - (hi - x);
        if (lo != 0.0) m_partials[kept++] = lo;
        x = hi;
    }
    m_partials.resize(kept);
    m_partials.push_back(x);
}

void ExactSum::merge(const ExactSum& other) {
    for (double p : other.m_partials) add(p);
    m_special += other.m_special;
}

double ExactSum::value() const {
    if (m_special != 0.0 || std::isnan(m_special)) return m_special;
    std::size_t n = m_partials.size();
    if (n == 0) return 0.0;
    double hi = m_partials[--n];
    double lo = 0.0;
    // Sum from the largest partial down until the running sum stops being exact.
    while (n > 0) {
        const double x = hi;
        const double y = m_partials[--n];
        hi = x + y;
        const double yr = hi - x;
        lo = y - yr;
        if (lo != 0.0) break;
    }
    // Round half to even correctly when the remaining partials push a tie one way (as math.fsum does).
    if (n > 0 && ((lo < 0.0 && m_partials[n - 1] < 0.0) || (lo > 0.0 && m_partials[n - 1] > 0.0))) {
        const double y = lo * 2.0;
        const double x = hi + y;
        const double yr = x - hi;
        if (y == yr) hi = x;
    }
    return hi;
}

}  // namespace bluecarbon
