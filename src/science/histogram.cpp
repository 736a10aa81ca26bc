#include <bluecarbon/science/histogram.hpp>

#include "science/otsu_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace bluecarbon::science {

namespace {
// Values are kept as keys whose unsigned order is the values' order: a negative value's bits flipped, a positive
// value's sign bit set. Equal keys are equal values (−0 is stored as +0, NaN never enters).
std::uint64_t key_of(double v) {
    const auto b = std::bit_cast<std::uint64_t>(v);
    return (b >> 63) != 0 ? ~b : b | (std::uint64_t{1} << 63);
}

double value_of(std::uint64_t key) {
    return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

// LSD radix sort, 11-bit digits. A digit every key shares is skipped: a float widened to double leaves the low 29
// bits zero, so a tile of float variables takes 4 passes of the 6, each linear (std::sort took 4x as long).
void radix_sort(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch) {
    constexpr int digit_bits = 11;
    constexpr int passes = (64 + digit_bits - 1) / digit_bits;
    constexpr std::uint64_t mask = (std::uint64_t{1} << digit_bits) - 1;
    std::vector<std::array<std::size_t, mask + 1>> counts(passes);  // every pass's counts from one read
    for (const std::uint64_t k : keys)
        for (int d = 0; d < passes; ++d) ++counts[static_cast<std::size_t>(d)][(k >> (d * digit_bits)) & mask];
    scratch.resize(keys.size());
    for (int d = 0; d < passes; ++d) {
        auto& c = counts[static_cast<std::size_t>(d)];
        if (std::find(c.begin(), c.end(), keys.size()) != c.end()) continue;  // one digit for all: order kept
        std::size_t offset = 0;
        for (auto& n : c) offset += std::exchange(n, offset);
        for (const std::uint64_t k : keys) scratch[c[(k >> (d * digit_bits)) & mask]++] = k;
        keys.swap(scratch);
    }
}

// Merges two sorted run-length lists into `out` (cleared first), adding the counts of equal values.
void merge_runs(std::span<const SceneHistogram::Entry> a, std::span<const SceneHistogram::Entry> b,
                std::vector<SceneHistogram::Entry>& out) {
    out.clear();
    // Geometric growth: an exact reserve would reallocate on nearly every merge of a growing scene histogram,
    // each time on fresh pages (page faults and kernel time for every byte).
    if (out.capacity() < a.size() + b.size()) out.reserve(std::max(a.size() + b.size(), 2 * out.capacity()));
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].value < b[j].value)) {
            out.push_back(a[i++]);
        } else if (i == a.size() || b[j].value < a[i].value) {
            out.push_back(b[j++]);
        } else {
            out.push_back({a[i].value, a[i].count + b[j].count});
            ++i;
            ++j;
        }
    }
}

// Merges the sorted entries `a` with the sorted keys `keys` into `out` (cleared first): each run of equal keys is
// one value counted as many times. Reading the keys directly, rather than their run-length list, spares a list
// as long as the distinct pending values (21 of the about 100 MB a 20000^2 scene's statistics peaked at).
void merge_keys(std::span<const SceneHistogram::Entry> a, std::span<const std::uint64_t> keys,
                std::vector<SceneHistogram::Entry>& out) {
    out.clear();
    // keys.size() bounds the distinct keys; reserving it touches no page beyond those written.
    if (out.capacity() < a.size() + keys.size())
        out.reserve(std::max(a.size() + keys.size(), 2 * out.capacity()));
    std::size_t i = 0, j = 0;
    while (j < keys.size()) {
        std::size_t end = j + 1;
        while (end < keys.size() && keys[end] == keys[j]) ++end;
        const double v = value_of(keys[j]);
        const std::uint64_t n = end - j;
        j = end;
        while (i < a.size() && a[i].value < v) out.push_back(a[i++]);
        if (i < a.size() && a[i].value == v) {
            out.push_back({v, a[i++].count + n});
        } else {
            out.push_back({v, n});
        }
    }
    out.insert(out.end(), a.begin() + static_cast<std::ptrdiff_t>(i), a.end());
}
}  // namespace

std::uint64_t nearest_rank(double p, std::uint64_t total) {
    if (!(p >= 0.0 && p <= 100.0)) throw std::invalid_argument("percentile must be within [0, 100]");
    const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total)));
    return std::clamp<std::uint64_t>(rank, 1, std::max<std::uint64_t>(total, 1));
}

void SceneHistogram::add(double value) {
    if (!std::isfinite(value)) return;
    m_pending.push_back(key_of(value == 0.0 ? 0.0 : value));  // −0 and +0 are one value
    ++m_total;
    fold_if_large();
}

void SceneHistogram::add(std::span<const float> values, std::span<const std::uint8_t> valid) {
    if (values.size() != valid.size()) throw std::invalid_argument("SceneHistogram::add: spans of different lengths");
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!valid[i] || !std::isfinite(values[i])) continue;
        const double v = values[i];
        m_pending.push_back(key_of(v == 0.0 ? 0.0 : v));
        ++n;
    }
    m_total += n;
    fold_if_large();
}

void SceneHistogram::fold_if_large() const {
    // Folding costs a pass over the entries: waiting until the pending values outnumber them keeps a histogram fed
    // tile after tile linear in the values added (a fold per tile made a scene's statistics quadratic).
    constexpr std::size_t min_batch = std::size_t{1} << 20;
    if (m_pending.size() >= std::max(m_entries.size(), min_batch)) normalize();
}

void SceneHistogram::normalize() const {
    if (m_pending.empty()) return;
    radix_sort(m_pending, m_sort_scratch);
    merge_keys(m_entries, m_pending, m_scratch);
    m_pending.clear();
    m_entries.swap(m_scratch);
}

std::span<const SceneHistogram::Entry> SceneHistogram::entries() const {
    normalize();
    return m_entries;
}

void SceneHistogram::clear() noexcept {
    m_entries.clear();
    m_pending.clear();
    m_total = 0;
}

SceneHistogram SceneHistogram::from_entries(std::vector<Entry> entries) {
    SceneHistogram h;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        if (!std::isfinite(e.value) || (std::signbit(e.value) && e.value == 0.0) || e.count == 0 ||
            (i > 0 && !(entries[i - 1].value < e.value)))
            throw std::invalid_argument("SceneHistogram::from_entries: entries not as entries() gives them");
        h.m_total += e.count;
    }
    h.m_entries = std::move(entries);
    return h;
}

void SceneHistogram::merge(const SceneHistogram& other) {
    if (other.m_total == 0) return;
    normalize();
    merge_runs(m_entries, other.entries(), m_scratch);
    m_entries.swap(m_scratch);
    m_total += other.m_total;
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
    const auto e = entries();
    if (e.size() < 2) return std::nullopt;
    ExactSum sum;
    for (const auto& x : e) detail::add_product(sum, x.count, x.value);
    detail::OtsuScan scan(m_total, std::move(sum));
    double best = -1.0, threshold = e.front().value;
    for (const auto& x : e) {
        scan.move_count(x.count);
        scan.move_sum(x.count, x.value);
        if (const double between = scan.between(); between > best) {
            best = between;
            threshold = x.value;
        }
    }
    return threshold;
}

std::optional<double> SceneHistogram::percentile(double p) const {
    const std::uint64_t rank = nearest_rank(p, m_total);  // throws for p outside [0, 100]
    if (m_total == 0) return std::nullopt;
    const auto e = entries();
    std::uint64_t seen = 0;
    for (const auto& x : e) {
        seen += x.count;
        if (seen >= rank) return x.value;
    }
    return e.back().value;
}

}  // namespace bluecarbon::science
