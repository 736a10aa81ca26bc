#include <bluecarbon/science/bounded_statistics.hpp>

#include "science/otsu_scan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace bluecarbon::science {

namespace {

constexpr std::uint32_t sign_bit = 0x8000'0000U;

// A float as a key whose unsigned order is the values' order (as SceneHistogram keys doubles); −0 is keyed as +0.
std::uint32_t key_of(float v) {
    const auto bits = std::bit_cast<std::uint32_t>(v == 0.0F ? 0.0F : v);
    return (bits & sign_bit) != 0 ? ~bits : bits | sign_bit;
}

float value_of(std::uint32_t key) {
    return std::bit_cast<float>((key & sign_bit) != 0 ? key & ~sign_bit : ~key);
}

// The buckets finite values fall in: below lie −inf and negative NaNs, above +inf and the other NaNs.
constexpr std::uint16_t first_finite_bucket = 0x0080, last_finite_bucket = 0xFF7F;
// The bucket of the negative subnormals, whose offset 0xFFFF would be −0 (counted as +0 in the next bucket).
constexpr std::uint16_t negative_subnormals = 0x7FFF;

// How far above the best split's variance a bucket's bound must stay to be ruled out: far above the rounding of
// a variance computed in double from exactly rounded class sums.
constexpr long double bound_margin = 1e-6L;

// A bucket not read exactly, as the bound below sees it: `count` values in [lo, hi] summing to about `sum`.
struct BucketSummary {
    std::uint64_t count;
    long double lo, hi, sum;
};

// An upper bound of the between-class variance n0 n1 (μ0 − μ1)² = (N s0 − S n0)² / (n0 (N − n0)) of the splits
// inside a bucket (the split after its last value is computed exactly). `before` values summing to about
// `sum_before` lie below it. A split inside keeps its k smallest values in the lower class, k in [1, c − 1], whose
// sum t_k lies between max(k·lo, sum − (c − k)·hi) and k·mean: a convex polygon in (k, t_k). Over a range of k
// the convex numerator is greatest at a corner of the polygon and the concave denominator least at an end; the
// k range is cut in pieces, each bounded so, which tightens the bound where the variance changes within a bucket.
long double interior_bound(std::uint64_t total, double sum, std::uint64_t before, double sum_before,
                           const BucketSummary& b) {
    constexpr int pieces = 16;
    const auto n = static_cast<long double>(total), s = static_cast<long double>(sum);
    const auto c = static_cast<long double>(b.count), mean = b.sum / c;
    const auto lowest = [&](long double k) { return std::max(k * b.lo, b.sum - (c - k) * b.hi); };
    const auto numerator = [&](long double k, long double t) {
        const long double x = n * (sum_before + t) - s * (static_cast<long double>(before) + k);
        return x * x;
    };
    const auto denominator = [&](long double k) {
        const long double n0 = static_cast<long double>(before) + k;
        return n0 * (n - n0);
    };
    // Where the two lower limits cross: a corner of the polygon.
    const long double kink = b.hi > b.lo ? (c * b.hi - b.sum) / (b.hi - b.lo) : 0;
    long double most = 0;
    for (int p = 0; p < pieces; ++p) {
        const long double k0 = 1 + (c - 2) * p / pieces, k1 = 1 + (c - 2) * (p + 1) / pieces;
        long double top = std::max({numerator(k0, lowest(k0)), numerator(k0, k0 * mean), numerator(k1, lowest(k1)),
                                    numerator(k1, k1 * mean)});
        if (kink > k0 && kink < k1) top = std::max(top, numerator(kink, kink * b.lo));
        most = std::max(most, top / std::min(denominator(k0), denominator(k1)));
    }
    return most;
}

}  // namespace

CoarseHistogram::CoarseHistogram() : m_buckets(bucket_count) {}

std::uint16_t CoarseHistogram::bucket_of(float value) {
    return static_cast<std::uint16_t>(key_of(value) >> 16);
}

double CoarseHistogram::value_at(std::uint16_t index, std::uint16_t low) {
    return value_of((static_cast<std::uint32_t>(index) << 16) | low);
}

void CoarseHistogram::add(std::span<const float> values, std::span<const std::uint8_t> valid) {
    if (values.size() != valid.size()) throw std::invalid_argument("CoarseHistogram::add: spans of different lengths");
    std::uint64_t added = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!valid[i] || !std::isfinite(values[i])) continue;
        const std::uint32_t key = key_of(values[i]);
        const auto low = static_cast<std::uint16_t>(key & 0xFFFFU);
        Bucket& b = m_buckets[key >> 16];
        ++b.count;
        b.low_sum += low;
        b.min_low = std::min(b.min_low, low);
        b.max_low = std::max(b.max_low, low);
        ++added;
    }
    m_total += added;
}

void CoarseHistogram::merge(const CoarseHistogram& other) {
    for (std::size_t i = 0; i < bucket_count; ++i) {
        const Bucket& o = other.m_buckets[i];
        if (o.count == 0) continue;
        Bucket& b = m_buckets[i];
        b.count += o.count;
        b.low_sum += o.low_sum;
        b.min_low = std::min(b.min_low, o.min_low);
        b.max_low = std::max(b.max_low, o.max_low);
    }
    m_total += other.m_total;
}

void CoarseHistogram::add_bucket(std::uint16_t index, const Bucket& bucket) {
    const bool holds_finite = index >= first_finite_bucket && index <= last_finite_bucket &&
                              !(index == negative_subnormals && bucket.max_low == 0xFFFF);
    // count × min <= low_sum <= count × max, without forming the products (they may need 80 bits).
    const std::uint64_t mean = bucket.count > 0 ? bucket.low_sum / bucket.count : 0;
    const bool exact_mean = bucket.count > 0 && bucket.low_sum % bucket.count == 0;
    const bool consistent = bucket.count > 0 && bucket.min_low <= bucket.max_low &&
                            (bucket.count > 1 || bucket.min_low == bucket.max_low) && mean >= bucket.min_low &&
                            (mean < bucket.max_low || (mean == bucket.max_low && exact_mean));
    if (!holds_finite || !consistent)
        throw std::invalid_argument("CoarseHistogram: bucket " + std::to_string(index) + " cannot hold finite values");
    CoarseHistogram one;
    one.m_buckets[index] = bucket;
    one.m_total = bucket.count;
    merge(one);
}

BoundedStatistics::BoundedStatistics(CoarseHistogram coarse) : m_coarse(std::move(coarse)) {}

void BoundedStatistics::want_otsu() {
    m_want_otsu = true;
    update();
}

void BoundedStatistics::want_percentile(double p) {
    (void)nearest_rank(p, 1);  // throws for p outside [0, 100]
    if (std::find(m_percentiles.begin(), m_percentiles.end(), p) == m_percentiles.end()) m_percentiles.push_back(p);
    update();
}

void BoundedStatistics::add_exact(const SceneHistogram& values) {
    if (m_to_read.empty())
        return;  // nothing was asked of this pass
    const auto buckets = m_coarse.buckets();
    const auto entries = values.entries();
    for (const std::uint16_t index : m_to_read) {
        std::vector<SceneHistogram::Entry> in_bucket;
        std::uint64_t count = 0;
        for (const auto& e : entries) {
            if (CoarseHistogram::bucket_of(static_cast<float>(e.value)) != index) continue;
            if (static_cast<double>(static_cast<float>(e.value)) != e.value)
                throw std::invalid_argument("BoundedStatistics: an exact value is not a float");
            in_bucket.push_back(e);
            count += e.count;
        }
        if (count != buckets[index].count)
            throw std::invalid_argument("BoundedStatistics: bucket " + std::to_string(index) + " holds " +
                                        std::to_string(count) + " values read exactly, but " +
                                        std::to_string(buckets[index].count) + " in the first pass");
        m_exact[index] = std::move(in_bucket);
    }
    ++m_passes;
    update();
}

std::pair<std::uint16_t, std::uint64_t> BoundedStatistics::bucket_of_rank(std::uint64_t rank) const {
    const auto buckets = m_coarse.buckets();
    std::uint64_t before = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (before + buckets[i].count >= rank) return {static_cast<std::uint16_t>(i), before};
        before += buckets[i].count;
    }
    throw std::logic_error("BoundedStatistics: rank beyond the values");
}

std::optional<double> BoundedStatistics::percentile_if_known(double p) const {
    const std::uint64_t rank = nearest_rank(p, m_coarse.total());
    const auto [index, before] = bucket_of_rank(rank);
    const auto& bucket = m_coarse.buckets()[index];
    if (bucket.min_low == bucket.max_low) return CoarseHistogram::value_at(index, bucket.min_low);
    const auto exact = m_exact.find(index);
    if (exact == m_exact.end()) return std::nullopt;
    std::uint64_t seen = before;
    for (const auto& e : exact->second) {
        seen += e.count;
        if (seen >= rank) return e.value;
    }
    throw std::logic_error("BoundedStatistics: a bucket's exact values fall short of its count");
}

BoundedStatistics::OtsuResult BoundedStatistics::scan_otsu() const {
    const auto buckets = m_coarse.buckets();
    const std::uint64_t total = m_coarse.total();
    // A bucket's values are v0 + low·step, so its exact sum is count·v0 + low_sum·step.
    const auto base = [](std::size_t i) { return CoarseHistogram::value_at(static_cast<std::uint16_t>(i), 0); };
    const auto step = [&](std::size_t i) {
        return CoarseHistogram::value_at(static_cast<std::uint16_t>(i), 1) - base(i);
    };
    ExactSum sum;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (buckets[i].count == 0) continue;
        detail::add_product(sum, buckets[i].count, base(i));
        detail::add_product(sum, buckets[i].low_sum, step(i));
    }
    const double sum_all = sum.value();
    detail::OtsuScan scan(total, std::move(sum));
    double best = -1.0;
    std::optional<double> threshold;
    const auto consider = [&](double value) {
        if (const double between = scan.between(); between > best) {
            best = between;
            threshold = value;
        }
    };
    std::vector<std::pair<long double, std::uint16_t>> bounds;  // of the buckets not read exactly
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const CoarseHistogram::Bucket& b = buckets[i];
        if (b.count == 0) continue;
        const auto index = static_cast<std::uint16_t>(i);
        if (const auto exact = m_exact.find(index); exact != m_exact.end()) {
            for (const auto& e : exact->second) {
                scan.move_count(e.count);
                scan.move_sum(e.count, e.value);
                consider(e.value);
            }
            continue;
        }
        if (b.min_low < b.max_low)
            bounds.emplace_back(
                interior_bound(total, sum_all, scan.lower_count(), scan.lower_sum(),
                               {b.count, CoarseHistogram::value_at(index, b.min_low),
                                CoarseHistogram::value_at(index, b.max_low),
                                static_cast<long double>(b.count) * base(i) +
                                    static_cast<long double>(b.low_sum) * step(i)}),
                index);
        scan.move_count(b.count);
        scan.move_sum(b.count, base(i));
        scan.move_sum(b.low_sum, step(i));
        consider(CoarseHistogram::value_at(index, b.max_low));  // the split after the bucket's largest value
    }
    OtsuResult result;
    std::sort(bounds.begin(), bounds.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    for (const auto& [bound, index] : bounds)
        if (bound * (1 + bound_margin) >= best) result.unread.push_back(index);
    if (result.unread.empty()) result.threshold = threshold;
    return result;
}

void BoundedStatistics::update() {
    std::vector<std::uint16_t> next;
    if (m_coarse.total() > 0)
        for (const double p : m_percentiles)
            if (!percentile_if_known(p)) next.push_back(bucket_of_rank(nearest_rank(p, m_coarse.total())).first);
    m_otsu.reset();
    if (m_want_otsu) {
        auto otsu = scan_otsu();
        m_otsu = otsu.threshold;
        // The most promising buckets first; at least one, so that every pass makes progress.
        for (std::size_t i = 0; i < otsu.unread.size() && (i == 0 || next.size() < max_buckets_per_pass); ++i)
            next.push_back(otsu.unread[i]);
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    m_to_read = std::move(next);
}

std::optional<double> BoundedStatistics::otsu() const {
    if (!m_want_otsu) throw std::logic_error("BoundedStatistics::otsu: not wanted");
    if (!m_to_read.empty()) throw std::logic_error("BoundedStatistics::otsu: buckets remain to be read");
    return m_otsu;
}

std::optional<double> BoundedStatistics::percentile(double p) const {
    if (std::find(m_percentiles.begin(), m_percentiles.end(), p) == m_percentiles.end())
        throw std::invalid_argument("BoundedStatistics::percentile: not wanted");
    if (!m_to_read.empty()) throw std::logic_error("BoundedStatistics::percentile: buckets remain to be read");
    if (m_coarse.total() == 0) return std::nullopt;
    return percentile_if_known(p);
}

}  // namespace bluecarbon::science
