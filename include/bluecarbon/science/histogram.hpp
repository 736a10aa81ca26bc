#pragma once
/// Scene statistics for habitat rules: an exact histogram with fixed binning, Otsu's threshold and
/// percentiles.
///
/// Binning: bin k holds the values v with k <= v * 1024 < k + 1, i.e. bins of width 1/1024 whose edges are
/// exact binary fractions, over [-64, 64); values below -64 count in the first bin and values at or above 64 in
/// the last (they are reported as clamped). The bin of a float is computed exactly (v * 1024 is exact in double),
/// and counts are integers, so a histogram merged from tiles in any order, at any tile size, is identical to
/// the histogram of the whole scene — and so are the thresholds drawn from it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bluecarbon::science {

class SceneHistogram {
public:
    static constexpr int k_bins_per_unit = 1024;
    static constexpr double k_lower = -64.0;
    static constexpr double k_upper = 64.0;
    static constexpr std::size_t k_bin_count = static_cast<std::size_t>((k_upper - k_lower) * k_bins_per_unit);

    SceneHistogram();

    /// Adds the valid (valid[i] != 0), finite values. Not thread-safe: one histogram per tile.
    void add(std::span<const float> values, std::span<const std::uint8_t> valid);
    /// Adds one value (finite values only; NaN and ±inf are ignored).
    void add(double value);
    /// Adds the counts of `other` (exact; the result does not depend on merge order).
    void merge(const SceneHistogram& other);
    /// Empties the histogram, keeping its storage (only the bins touched are cleared), for reuse per tile.
    void clear() noexcept;

    [[nodiscard]] std::uint64_t total() const noexcept { return m_total; }
    /// Values that fell outside [k_lower, k_upper) and were counted in the first or last bin.
    [[nodiscard]] std::uint64_t clamped() const noexcept { return m_clamped; }
    [[nodiscard]] std::span<const std::uint64_t> counts() const noexcept { return m_counts; }
    /// Bin of a finite value (clamped to the first/last bin).
    [[nodiscard]] static std::size_t bin_of(double value) noexcept;
    [[nodiscard]] static double bin_lower_edge(std::size_t bin) noexcept;
    [[nodiscard]] static double bin_center(std::size_t bin) noexcept;

    /// Otsu's threshold: the bin edge t that splits the histogram into [.., t) and [t, ..) with the largest
    /// between-class variance (bin centres as class values; the first maximum wins). nullopt when the values
    /// occupy fewer than two bins.
    [[nodiscard]] std::optional<double> otsu() const;
    /// The p-th percentile (0 <= p <= 100), nearest-rank: the centre of the bin that holds the
    /// ceil(p/100 * N)-th smallest value (the smallest value for p = 0). Exact to half a bin (1/2048).
    /// nullopt for an empty histogram; throws std::invalid_argument for p outside [0, 100].
    [[nodiscard]] std::optional<double> percentile(double p) const;

private:
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_total{0};
    std::uint64_t m_clamped{0};
    std::size_t m_lo{k_bin_count};  // first bin touched (k_bin_count when empty)
    std::size_t m_hi{0};            // one past the last bin touched
};

/// Otsu's method on a plain histogram: returns the index k of the last bin of the lower class (class 0 = bins
/// [0, k], class 1 = [k + 1, n)) maximising ω0 ω1 (μ0 − μ1)², where bin i has value `centers[i]`. The first
/// maximum wins. nullopt when fewer than two bins are non-empty. Throws std::invalid_argument when the spans
/// differ in length.
[[nodiscard]] std::optional<std::size_t> otsu_split(std::span<const std::uint64_t> counts,
                                                    std::span<const double> centers);

}  // namespace bluecarbon::science
