#include <bluecarbon/science/survey/monte_carlo.hpp>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace bluecarbon::science::survey {

namespace {

using Philox = r123::Philox4x32_R<10>;

Philox::ctr_type block(std::uint64_t seed, std::uint32_t stream, std::uint32_t draw, std::uint32_t item,
                       std::uint32_t variable, std::uint32_t attempt) noexcept {
    const Philox::key_type key = {{static_cast<std::uint32_t>(seed & 0xffffffffu), static_cast<std::uint32_t>(seed >> 32)}};
    // Variable and attempt share the last counter word: 65536 variables × 65536 attempts per item.
    const Philox::ctr_type ctr = {{stream, draw, item, (variable << 16) | (attempt & 0xffffu)}};
    Philox rng;
    return rng(ctr, key);
}

// 53 random bits → (0, 1): (k + 0.5) / 2^53 never reaches 0 or 1.
double to_open_unit(std::uint32_t hi, std::uint32_t lo) noexcept {
    const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

}  // namespace

std::uint32_t stream_key(std::string_view domain, std::string_view id) noexcept {
    std::uint32_t h = 2166136261u;
    auto mix = [&h](unsigned char c) {
        h ^= c;
        h *= 16777619u;
    };
    for (char c : domain) mix(static_cast<unsigned char>(c));
    mix(':');
    for (char c : id) mix(static_cast<unsigned char>(c));
    return h;
}

double CounterRng::uniform(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt) const noexcept {
    const auto r = block(m_seed, m_stream, m_draw, item, variable, attempt);
    return to_open_unit(r.v[0], r.v[1]);
}

double CounterRng::normal(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt) const noexcept {
    const auto r = block(m_seed, m_stream, m_draw, item, variable, attempt);
    const double u1 = to_open_unit(r.v[0], r.v[1]);
    const double u2 = to_open_unit(r.v[2], r.v[3]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double CounterRng::truncated_normal(double mean, double sd, double lo, double hi, std::uint32_t item,
                                    std::uint32_t variable) const noexcept {
    if (!(sd > 0.0)) return std::clamp(mean, lo, hi);
    for (std::uint32_t attempt = 0; attempt < 64; ++attempt) {
        const double x = mean + sd * normal(item, variable, attempt);
        if (x >= lo && x <= hi) return x;
    }
    return std::clamp(mean, lo, hi);
}

McSummary summarize(std::span<const double> draws) {
    McSummary s;
    s.draws = draws.size();
    if (draws.empty()) return s;
    std::vector<double> v(draws.begin(), draws.end());
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(v.size());
    if (v.size() >= 2) {
        double ss = 0;
        for (double x : v) ss += (x - s.mean) * (x - s.mean);
        s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
    } else {
        s.sd = 0.0;
    }
    std::sort(v.begin(), v.end());
    auto quantile = [&v](double p) {
        const double h = (static_cast<double>(v.size()) - 1.0) * p;
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    s.median = quantile(0.5);
    s.ci90_low = quantile(0.05);
    s.ci90_high = quantile(0.95);
    return s;
}

void serial_for(std::size_t count, const std::function<void(std::size_t)>& body) {
    for (std::size_t i = 0; i < count; ++i) body(i);
}

}  // namespace bluecarbon::science::survey
