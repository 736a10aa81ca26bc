#include <bluecarbon/science/histogram.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bluecarbon::science {

namespace {
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
}  // namespace

void SceneHistogram::add(double value) {
    if (!std::isfinite(value)) return;
    m_pending.push_back(value == 0.0 ? 0.0 : value);  // −0 and +0 are one value
    ++m_total;
}

void SceneHistogram::add(std::span<const float> values, std::span<const std::uint8_t> valid) {
    if (values.size() != valid.size()) throw std::invalid_argument("SceneHistogram::add: spans of different lengths");
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!valid[i] || !std::isfinite(values[i])) continue;
        const double v = values[i];
        m_pending.push_back(v == 0.0 ? 0.0 : v);
        ++n;
    }
    m_total += n;
}

void SceneHistogram::normalize() const {
    if (m_pending.empty()) return;
    std::sort(m_pending.begin(), m_pending.end());
    auto& runs = m_runs;
    runs.clear();
    for (double v : m_pending) {
        if (!runs.empty() && runs.back().value == v)
            ++runs.back().count;
        else
            runs.push_back({v, 1});
    }
    m_pending.clear();
    if (m_entries.empty()) {
        m_entries.swap(runs);
        return;
    }
    merge_runs(m_entries, runs, m_scratch);
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
    std::vector<std::uint64_t> counts(e.size());
    std::vector<double> values(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) {
        counts[i] = e[i].count;
        values[i] = e[i].value;
    }
    const auto k = otsu_split(counts, values);
    if (!k) return std::nullopt;
    return values[*k];
}

std::optional<double> SceneHistogram::percentile(double p) const {
    if (!(p >= 0.0 && p <= 100.0)) throw std::invalid_argument("percentile must be within [0, 100]");
    if (m_total == 0) return std::nullopt;
    const auto e = entries();
    // Nearest rank: rank = ceil(p N / 100), at least 1.
    const double exact_rank = p / 100.0 * static_cast<double>(m_total);
    auto rank = static_cast<std::uint64_t>(std::ceil(exact_rank));
    rank = std::clamp<std::uint64_t>(rank, 1, m_total);
    std::uint64_t seen = 0;
    for (const auto& x : e) {
        seen += x.count;
        if (seen >= rank) return x.value;
    }
    return e.back().value;
}

}  // namespace bluecarbon::science
