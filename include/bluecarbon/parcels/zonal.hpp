#pragma once
/// Coverage-weighted zonal statistics with exactextract's meanings. Per-parcel partial sums are exact
/// (ExactSum), so merging partials of any tiles in any order gives bit-identical results.
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/parcels/coverage.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bluecarbon::parcels {

/// The statistics (names as the CLI and CSV columns spell them). x = cell value, c = coverage fraction,
/// w = weight, A = cell area in m²; invalid cells (nodata, NaN, masked) are excluded from every statistic.
enum class Stat {
    count,          ///< Σ c
    sum,            ///< Σ x c
    mean,           ///< Σ x c / Σ c
    min,            ///< smallest x of a covered cell
    max,            ///< largest x of a covered cell
    stdev,          ///< √variance
    variance,       ///< Σ c (x − mean)² / Σ c (population variance, coverage-weighted)
    median,         ///< coverage-weighted median (exactextract's weighted quantile, see README)
    majority,       ///< the x with the largest Σ c (smallest x on ties)
    minority,       ///< the x with the smallest Σ c (smallest x on ties)
    variety,        ///< number of distinct x
    frac,           ///< per distinct x: Σ c of x / Σ c (one column per class, frac_<x>)
    weighted_sum,   ///< Σ x c w (cells with a valid weight)
    weighted_mean,  ///< Σ x c w / Σ c w
    area_m2,        ///< Σ c A: the covered area of valid cells (ellipsoidal cell areas on geographic grids)
    total,          ///< Σ x c A / 10⁴: a density per ha times hectares (Mg C/ha → Mg C)
};

[[nodiscard]] std::string_view stat_name(Stat s) noexcept;
/// Parses a comma-separated list ("count,sum, mean"). Throws ConfigError naming an unknown or repeated statistic,
/// or an empty list.
[[nodiscard]] std::vector<Stat> parse_stats(std::string_view list);
[[nodiscard]] bool needs_weights(Stat s) noexcept;

/// What the accumulator keeps, derived from the requested statistics.
class ZonalOptions {
public:
    ZonalOptions() = default;
    /// Throws ConfigError when min_coverage is outside [0, 1].
    explicit ZonalOptions(std::vector<Stat> stats, double min_coverage = 0.0);
    [[nodiscard]] const std::vector<Stat>& stats() const noexcept { return m_stats; }
    /// Cells covered by less than this fraction are ignored (0: every cell with c > 0 counts).
    [[nodiscard]] double min_coverage() const noexcept { return m_min_coverage; }
    [[nodiscard]] bool wants(Stat s) const noexcept { return (m_mask >> static_cast<unsigned>(s)) & 1U; }
    [[nodiscard]] bool wants_weights() const noexcept { return wants(Stat::weighted_sum) || wants(Stat::weighted_mean); }

private:
    std::vector<Stat> m_stats;
    double m_min_coverage{0.0};
    std::uint32_t m_mask{0};
};

/// Per-parcel partial sums over some cells; merge() combines partials of different tiles exactly.
class ZonalPartial {
public:
    /// One valid cell: value x, coverage c (> 0), cell area A (m²), and its weight when a weight is known.
    void add(double x, double c, double area_m2, const double* weight, const ZonalOptions& opts);
    void merge(ZonalPartial&& other);
    /// Shard records: the partial as bytes and back, bit for bit (merging a loaded partial is merging the saved).
    void save(ByteWriter& out) const;
    [[nodiscard]] static ZonalPartial load(ByteReader& in);

    [[nodiscard]] double count() const { return m_cov.value(); }
    [[nodiscard]] double sum() const { return m_sum.value(); }
    [[nodiscard]] double mean() const;
    [[nodiscard]] double min() const;
    [[nodiscard]] double max() const;
    [[nodiscard]] double variance() const;
    [[nodiscard]] double stdev() const;
    [[nodiscard]] double median() const;
    [[nodiscard]] double majority() const;
    [[nodiscard]] double minority() const;
    [[nodiscard]] double variety() const { return static_cast<double>(m_classes.size()); }
    /// Σ c per distinct value over Σ c, by value.
    [[nodiscard]] std::map<double, double> frac() const;
    /// Σ c A per distinct value (m²), kept when both a class statistic and area_m2 are requested.
    [[nodiscard]] std::map<double, double> class_area_m2() const;
    [[nodiscard]] double weighted_sum() const { return m_wsum.value(); }
    [[nodiscard]] double weighted_mean() const;
    [[nodiscard]] double area_m2() const { return m_area.value(); }
    [[nodiscard]] double total() const { return m_total.value(); }
    /// The value of a scalar statistic (not frac). NaN where undefined (mean of nothing, min of nothing...).
    [[nodiscard]] double value(Stat s) const;

private:
    friend void accumulate(const CoverageBlock&, const Block<float>&, const Block<float>*, const Grid&,
                           const ZonalOptions&, ZonalPartial&);
    ExactSum m_cov, m_sum, m_sum_sq, m_wcov, m_wsum, m_area, m_total;
    double m_min{std::numeric_limits<double>::infinity()};
    double m_max{-std::numeric_limits<double>::infinity()};
    std::map<double, ExactSum> m_classes;           // Σ c per distinct value (majority, minority, variety, frac)
    std::map<double, ExactSum> m_class_area;        // Σ c A per distinct value
    std::vector<std::pair<double, double>> m_cells;  // (x, c) for the median
};

/// Adds the cells of a tile to one parcel's partial: `values` (and `weights`, same window, may be null) hold the
/// tile, `cov` the parcel's coverage over (part of) it; `grid` gives cell areas by row. Cells outside `values`'s
/// window, invalid, or covered less than opts.min_coverage are skipped.
void accumulate(const CoverageBlock& cov, const Block<float>& values, const Block<float>* weights, const Grid& grid,
                const ZonalOptions& opts, ZonalPartial& out);

}  // namespace bluecarbon::parcels
