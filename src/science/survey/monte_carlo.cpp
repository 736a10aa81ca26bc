#include <bluecarbon/science/survey/monte_carlo.hpp>

#include <bluecarbon/error.hpp>

#include <Random123/philox.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

namespace bluecarbon::science::survey {

namespace {

using Philox = r123::Philox4x64_R<10>;

Philox::ctr_type block(std::uint64_t seed, std::uint64_t stream, std::uint32_t draw, std::uint32_t item,
                       std::uint32_t variable, std::uint32_t attempt) noexcept {
    const Philox::key_type key = {{seed, 0}};
    // The whole 64-bit stream key has its own counter word; variable and attempt share the last one.
    const Philox::ctr_type ctr = {{stream, draw, item, (static_cast<std::uint64_t>(variable) << 32) | attempt}};
    Philox rng;
    return rng(ctr, key);
}

// 53 random bits → (0, 1): (k + 0.5) / 2^53 never reaches 0 or 1.
double to_open_unit(std::uint64_t word) noexcept {
    return (static_cast<double>(word >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace

std::uint64_t stream_key(std::string_view domain, std::string_view id) noexcept {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis and prime
    auto mix = [&h](unsigned char c) {
        h ^= c;
        h *= 1099511628211ull;
    };
    for (char c : domain) mix(static_cast<unsigned char>(c));
    mix(':');
    for (char c : id) mix(static_cast<unsigned char>(c));
    return h;
}

void check_distinct_stream_keys(std::string_view domain, std::span<const std::string_view> ids,
                                std::string_view source) {
    std::vector<std::pair<std::uint64_t, std::string_view>> keyed;
    keyed.reserve(ids.size());
    for (auto id : ids) keyed.emplace_back(stream_key(domain, id), id);
    std::sort(keyed.begin(), keyed.end());
    for (std::size_t i = 1; i < keyed.size(); ++i)
        if (keyed[i].first == keyed[i - 1].first && keyed[i].second != keyed[i - 1].second)
            throw InputError(fmt::format("{}: ids \"{}\" and \"{}\" share a random stream (64-bit hash collision); "
                                         "rename one",
                                         source, keyed[i - 1].second, keyed[i].second));
}

double CounterRng::uniform(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt) const noexcept {
    const auto r = block(m_seed, m_stream, m_draw, item, variable, attempt);
    return to_open_unit(r.v[0]);
}

double CounterRng::normal(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt) const noexcept {
    const auto r = block(m_seed, m_stream, m_draw, item, variable, attempt);
    const double u1 = to_open_unit(r.v[0]);
    const double u2 = to_open_unit(r.v[1]);
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
