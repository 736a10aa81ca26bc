#pragma once
// Private to parcels: an exact sum of doubles in O(1) per add (a "long accumulator"): every double is an integer
// times a power of two, so it is added as 32-bit digits at its binary position into int64 slots, with carries
// propagated only when the total is read. Much cheaper per cell than ExactSum's list of partials; folded into an
// ExactSum (exactly) once per parcel and tile.
#include <bluecarbon/core/exact_sum.hpp>

#include <bit>
#include <cmath>
#include <cstdint>

namespace bluecarbon::parcels::detail {

class LongSum {
public:
    void add(double x) noexcept {
        if (x == 0.0) return;
        if (!std::isfinite(x)) {
            m_special += x;
            m_has_special = true;
            return;
        }
        // Read the IEEE fields directly: x = ±mant 2^(pos - 1074), mant < 2^53 (subnormals have pos 0).
        const auto bits = std::bit_cast<std::uint64_t>(x);
        const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
        std::uint64_t mant = bits & ((std::uint64_t{1} << 52) - 1);
        int pos = 0;
        if (biased != 0) {
            mant |= std::uint64_t{1} << 52;
            pos = biased - 1;
        }
        const bool negative = (bits >> 63) != 0;
        // mant < 2^53 shifted left by up to 31 bits, cut into three 32-bit digits (no 128-bit type needed).
        const std::uint64_t a = mant;
        const int shift = pos & 31;
        const int d = pos >> 5;
        const std::uint64_t low = (a & 0xffffffffU) << shift;          // < 2^63
        const std::uint64_t mid = ((a >> 32) << shift) + (low >> 32);  // < 2^53
        const auto p0 = static_cast<std::int64_t>(low & 0xffffffffU);
        const auto p1 = static_cast<std::int64_t>(mid & 0xffffffffU);
        const auto p2 = static_cast<std::int64_t>(mid >> 32);
        if (negative) {
            m_digit[d] -= p0, m_digit[d + 1] -= p1, m_digit[d + 2] -= p2;
        } else {
            m_digit[d] += p0, m_digit[d + 1] += p1, m_digit[d + 2] += p2;
        }
        if (d < m_lo) m_lo = d;
        if (d + 2 > m_hi) m_hi = d + 2;
        // Each add moves a slot by less than 2^32: carry long before 2^63 can be reached.
        if (++m_adds == (1 << 30)) normalize();
    }

    /// Adds the exact total to `out` (a handful of ExactSum adds) and clears this sum.
    void flush_into(ExactSum& out) noexcept {
        if (m_has_special) out.add(m_special);
        // Each slot is split into its low 32 bits (>= 0) and the signed rest, both exact as doubles.
        for (int i = m_hi; i >= m_lo; --i) {
            const std::int64_t d = m_digit[i];
            if (d == 0) continue;
            const std::int64_t high = d >> 32;  // floor division by 2^32
            const std::int64_t low = d - high * (std::int64_t{1} << 32);
            if (high != 0) out.add(std::ldexp(static_cast<double>(high), 32 * (i + 1) - k_bias));
            if (low != 0) out.add(std::ldexp(static_cast<double>(low), 32 * i - k_bias));
            m_digit[i] = 0;
        }
        m_lo = k_slots;
        m_hi = -1;
        m_adds = 0;
        m_special = 0.0;
        m_has_special = false;
    }

private:
    // Positions count from 2^-1074 (the smallest subnormal); the largest double's top digit lands in slot 65.
    static constexpr int k_bias = 1074;
    static constexpr int k_slots = 70;

    void normalize() noexcept {
        // Carries move up to the top used slot (which keeps the sign), so no slot nears int64's range.
        for (int i = m_lo; i < m_hi; ++i) {
            const std::int64_t carry = m_digit[i] >> 32;
            m_digit[i] -= carry * (std::int64_t{1} << 32);
            m_digit[i + 1] += carry;
        }
        m_adds = 0;
    }

    std::int64_t m_digit[k_slots]{};
    int m_lo{k_slots};
    int m_hi{-1};
    int m_adds{0};
    double m_special{0.0};
    bool m_has_special{false};
};

}  // namespace bluecarbon::parcels::detail
