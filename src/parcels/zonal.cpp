#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/zonal.hpp>

#include "long_sum.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace bluecarbon::parcels {

namespace {

constexpr std::array<std::pair<Stat, std::string_view>, 16> k_names{{
    {Stat::count, "count"},       {Stat::sum, "sum"},
    {Stat::mean, "mean"},         {Stat::min, "min"},
    {Stat::max, "max"},           {Stat::stdev, "stdev"},
    {Stat::variance, "variance"}, {Stat::median, "median"},
    {Stat::majority, "majority"}, {Stat::minority, "minority"},
    {Stat::variety, "variety"},   {Stat::frac, "frac"},
    {Stat::weighted_sum, "weighted_sum"}, {Stat::weighted_mean, "weighted_mean"},
    {Stat::area_m2, "area_m2"},   {Stat::total, "total"},
}};

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

std::string_view stat_name(Stat s) noexcept {
    for (const auto& [stat, name] : k_names)
        if (stat == s) return name;
    return "?";
}

std::vector<Stat> parse_stats(std::string_view list) {
    std::vector<Stat> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = trim(list.substr(start, comma - start));
        start = comma + 1;
        if (name.empty()) continue;
        const auto it = std::find_if(k_names.begin(), k_names.end(), [&](const auto& p) { return p.second == name; });
        if (it == k_names.end()) {
            std::string known;
            for (const auto& p : k_names) known += (known.empty() ? "" : ", ") + std::string(p.second);
            throw ConfigError(fmt::format("--stats: unknown statistic '{}' (known: {})", name, known));
        }
        if (std::find(out.begin(), out.end(), it->first) != out.end())
            throw ConfigError(fmt::format("--stats: statistic '{}' is given twice", name));
        out.push_back(it->first);
    }
    if (out.empty()) throw ConfigError("--stats: no statistic given");
    return out;
}

bool needs_weights(Stat s) noexcept { return s == Stat::weighted_sum || s == Stat::weighted_mean; }

ZonalOptions::ZonalOptions(std::vector<Stat> stats, double min_coverage)
    : m_stats(std::move(stats)), m_min_coverage(min_coverage) {
    if (!(min_coverage >= 0.0 && min_coverage <= 1.0))
        throw ConfigError(fmt::format("--min-coverage: {} is outside 0-1", min_coverage));
    for (Stat s : m_stats) m_mask |= 1U << static_cast<unsigned>(s);
}

void ZonalPartial::add(double x, double c, double area_m2, const double* weight, const ZonalOptions& opts) {
    m_cov.add(c);
    const double xc = x * c;
    m_sum.add(xc);
    if (opts.wants(Stat::variance) || opts.wants(Stat::stdev)) m_sum_sq.add(xc * x);
    if (weight) {
        m_wcov.add(c * *weight);
        m_wsum.add(xc * *weight);
    }
    if (opts.wants(Stat::area_m2)) m_area.add(c * area_m2);
    if (opts.wants(Stat::total)) m_total.add(xc * area_m2 / 1e4);
    m_min = std::min(m_min, x);
    m_max = std::max(m_max, x);
    if (opts.wants(Stat::majority) || opts.wants(Stat::minority) || opts.wants(Stat::variety) ||
        opts.wants(Stat::frac)) {
        m_classes[x].add(c);
        if (opts.wants(Stat::area_m2)) m_class_area[x].add(c * area_m2);
    }
    if (opts.wants(Stat::median)) m_cells.emplace_back(x, c);
}

void ZonalPartial::merge(ZonalPartial&& o) {
    m_cov.merge(o.m_cov);
    m_sum.merge(o.m_sum);
    m_sum_sq.merge(o.m_sum_sq);
    m_wcov.merge(o.m_wcov);
    m_wsum.merge(o.m_wsum);
    m_area.merge(o.m_area);
    m_total.merge(o.m_total);
    m_min = std::min(m_min, o.m_min);
    m_max = std::max(m_max, o.m_max);
    for (auto& [x, s] : o.m_classes) m_classes[x].merge(s);
    for (auto& [x, s] : o.m_class_area) m_class_area[x].merge(s);
    m_cells.insert(m_cells.end(), o.m_cells.begin(), o.m_cells.end());
}

double ZonalPartial::mean() const {
    const double n = count();
    return n > 0 ? sum() / n : k_nan;
}

double ZonalPartial::min() const { return count() > 0 ? m_min : k_nan; }
double ZonalPartial::max() const { return count() > 0 ? m_max : k_nan; }

double ZonalPartial::variance() const {
    const double n = count();
    if (!(n > 0)) return k_nan;
    // Σ c x² − (Σ c x)² / Σ c, with the subtraction done exactly (error-free product of the rounded terms).
    const double s1 = sum();
    const double m = s1 / n;
    ExactSum d = m_sum_sq;
    const double p = s1 * m;
    d.add(-p);
    d.add(-std::fma(s1, m, -p));
    return std::max(0.0, d.value() / n);
}

double ZonalPartial::stdev() const { return std::sqrt(variance()); }

double ZonalPartial::median() const {
    if (m_cells.empty()) return k_nan;
    // exactextract's weighted quantile (after stats.stackexchange.com/a/13223): cells sorted by value (and by
    // coverage among equal values, so the result is deterministic), s_i = i c_i + (n − 1) Σ_{j<i} c_j, and the
    // q-quantile interpolated linearly at q s_{n−1}.
    auto cells = m_cells;
    std::sort(cells.begin(), cells.end());
    const std::size_t n = cells.size();
    if (n == 1) return cells[0].first;
    std::vector<double> s(n);
    double cum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = static_cast<double>(i) * cells[i].second + static_cast<double>(n - 1) * cum;
        cum += cells[i].second;
    }
    const double target = 0.5 * s[n - 1];
    const auto it = std::upper_bound(s.begin(), s.end(), target);
    if (it == s.end()) return cells[n - 1].first;
    const auto j = static_cast<std::size_t>(it - s.begin());
    if (j == 0) return cells[0].first;
    const double x0 = cells[j - 1].first, x1 = cells[j].first;
    return x0 + (x1 - x0) * (target - s[j - 1]) / (s[j] - s[j - 1]);
}

double ZonalPartial::majority() const {
    double best = k_nan, best_c = -1;
    for (const auto& [x, c] : m_classes)
        if (const double v = c.value(); v > best_c) best = x, best_c = v;  // ascending x: ties keep the smallest
    return best;
}

double ZonalPartial::minority() const {
    double best = k_nan, best_c = std::numeric_limits<double>::infinity();
    for (const auto& [x, c] : m_classes)
        if (const double v = c.value(); v < best_c) best = x, best_c = v;
    return best;
}

std::map<double, double> ZonalPartial::frac() const {
    std::map<double, double> out;
    const double n = count();
    for (const auto& [x, c] : m_classes) out[x] = c.value() / n;
    return out;
}

std::map<double, double> ZonalPartial::class_area_m2() const {
    std::map<double, double> out;
    for (const auto& [x, a] : m_class_area) out[x] = a.value();
    return out;
}

double ZonalPartial::weighted_mean() const {
    const double w = m_wcov.value();
    return w != 0 ? m_wsum.value() / w : k_nan;
}

double ZonalPartial::value(Stat s) const {
    switch (s) {
        case Stat::count: return count();
        case Stat::sum: return sum();
        case Stat::mean: return mean();
        case Stat::min: return min();
        case Stat::max: return max();
        case Stat::stdev: return stdev();
        case Stat::variance: return variance();
        case Stat::median: return median();
        case Stat::majority: return majority();
        case Stat::minority: return minority();
        case Stat::variety: return variety();
        case Stat::frac: return k_nan;
        case Stat::weighted_sum: return weighted_sum();
        case Stat::weighted_mean: return weighted_mean();
        case Stat::area_m2: return area_m2();
        case Stat::total: return total();
    }
    return k_nan;
}

void accumulate(const CoverageBlock& cov, const Block<float>& values, const Block<float>* weights, const Grid& grid,
                const ZonalOptions& opts, ZonalPartial& out) {
    const Window w = cov.window.intersection(values.window);
    if (w.empty()) return;
    const bool want_sq = opts.wants(Stat::variance) || opts.wants(Stat::stdev);
    const bool want_area = opts.wants(Stat::area_m2), want_total = opts.wants(Stat::total);
    const bool want_classes = opts.wants(Stat::majority) || opts.wants(Stat::minority) || opts.wants(Stat::variety) ||
                              opts.wants(Stat::frac);
    const bool want_cells = opts.wants(Stat::median);
    const double min_cov = opts.min_coverage();
    // Exact sums of this parcel over this tile in O(1) per cell, folded into the partial's ExactSums at the end.
    detail::LongSum cov_sum, sum, sum_sq, wcov, wsum, area_sum, total;
    double lo = out.m_min, hi = out.m_max;
    for (std::int64_t row = w.row_off; row < w.row_end(); ++row) {
        const double area = want_area || want_total ? grid.cell_area_m2(row) : 0.0;
        const double* crow = &cov.frac[static_cast<std::size_t>((row - cov.window.row_off) * cov.window.cols +
                                                                (w.col_off - cov.window.col_off))];
        const std::size_t k0 = values.index(w.col_off - values.window.col_off, row - values.window.row_off);
        for (std::int64_t j = 0; j < w.cols; ++j) {
            const double c = crow[j];
            if (c <= 0.0 || c < min_cov) continue;
            const std::size_t k = k0 + static_cast<std::size_t>(j);
            if (!values.valid[k]) continue;
            const double x = values.px[k];
            const double xc = x * c;
            cov_sum.add(c);
            sum.add(xc);
            if (want_sq) sum_sq.add(xc * x);
            if (weights && weights->valid[k]) {
                const double wt = weights->px[k];
                wcov.add(c * wt);
                wsum.add(xc * wt);
            }
            if (want_area) area_sum.add(c * area);
            if (want_total) total.add(xc * area / 1e4);
            lo = std::min(lo, x);
            hi = std::max(hi, x);
            if (want_classes) {
                out.m_classes[x].add(c);
                if (want_area) out.m_class_area[x].add(c * area);
            }
            if (want_cells) out.m_cells.emplace_back(x, c);
        }
    }
    cov_sum.flush_into(out.m_cov);
    sum.flush_into(out.m_sum);
    sum_sq.flush_into(out.m_sum_sq);
    wcov.flush_into(out.m_wcov);
    wsum.flush_into(out.m_wsum);
    area_sum.flush_into(out.m_area);
    total.flush_into(out.m_total);
    out.m_min = lo;
    out.m_max = hi;
}

}  // namespace bluecarbon::parcels
