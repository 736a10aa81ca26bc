#pragma once
/// Scene statistics for habitat rules: an exact distribution of values, Otsu's threshold and percentiles.
///
/// The histogram keeps every distinct value with its count (a sorted run-length list), so thresholds and
/// percentiles are exact data values for any range — scaled DN, heights in metres, indices — with no binning and
/// no clamping. Counts are integers and the list is sorted by value, so a histogram merged from tiles in any
/// order, at any tile size, is identical to the histogram of the whole scene, and so are the statistics drawn
/// from it. Memory grows with the number of distinct values (16 bytes each, twice that while a fold merges), not
/// with the pixel count, plus the values not yet folded in (16 bytes each with the sort's scratch; at most 2^20
/// or as many as the entries). For a whole scene, BoundedStatistics (bounded_statistics.hpp) gives the same
/// answers in fixed memory, keeping a SceneHistogram only of the few stretches of values that hold them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace bluecarbon::science {

class SceneHistogram {
public:
    /// One distinct value and how many times it occurred.
    struct Entry {
        double value{0};
        std::uint64_t count{0};
        bool operator==(const Entry&) const = default;
    };

    /// Adds the valid (valid[i] != 0), finite values. Not thread-safe: one histogram per thread, fed any number of
    /// tiles (the cost is linear in the values added: they are sorted in batches at least as large as the entries).
    void add(std::span<const float> values, std::span<const std::uint8_t> valid);
    /// Adds one value (finite values only; NaN and ±inf are ignored).
    void add(double value);
    /// The histogram with these entries (as entries() returned them: values finite, strictly increasing, no −0,
    /// counts above 0), e.g. a histogram sent from another process. Throws std::invalid_argument otherwise.
    [[nodiscard]] static SceneHistogram from_entries(std::vector<Entry> entries);
    /// Adds the counts of `other` (exact; the result does not depend on merge order).
    void merge(const SceneHistogram& other);
    /// Empties the histogram, keeping its storage, for reuse per tile.
    void clear() noexcept;

    [[nodiscard]] std::uint64_t total() const noexcept { return m_total; }
    /// The distinct values in increasing order with their counts (−0 and +0 count as one value, 0).
    [[nodiscard]] std::span<const Entry> entries() const;

    /// Otsu's threshold over the distinct values: the largest value t of the lower class, so that `v > t` selects
    /// exactly the upper class (the convention of scikit-image's threshold_otsu). The split maximises the
    /// between-class variance ω0 ω1 (μ0 − μ1)², each class's sum exact and rounded once (so BoundedStatistics finds
    /// the same split); the first maximum wins. nullopt with fewer than two distinct values.
    [[nodiscard]] std::optional<double> otsu() const;
    /// The p-th percentile (0 <= p <= 100), nearest-rank: the ceil(p/100 × N)-th smallest value (the smallest for
    /// p = 0), an exact data value. nullopt for an empty histogram; throws std::invalid_argument for p outside
    /// [0, 100].
    [[nodiscard]] std::optional<double> percentile(double p) const;

private:
    void normalize() const;      // folds m_pending into m_entries (sorted, run-length)
    void fold_if_large() const;  // normalize() once the pending values outnumber the entries

    mutable std::vector<Entry> m_entries;           // sorted by value, distinct
    mutable std::vector<std::uint64_t> m_pending;   // order-preserving keys of the values added since normalize()
    mutable std::vector<std::uint64_t> m_sort_scratch;
    mutable std::vector<Entry> m_scratch;  // the merge's output, then swapped with m_entries: both keep their pages
    std::uint64_t m_total{0};
};

/// The nearest rank of the p-th percentile (0 <= p <= 100) among `total` values: ceil(p/100 × total), at least 1
/// (and at most `total`). Throws std::invalid_argument for p outside [0, 100].
[[nodiscard]] std::uint64_t nearest_rank(double p, std::uint64_t total);

/// Otsu's method on a plain histogram: returns the index k of the last bin of the lower class (class 0 = bins
/// [0, k], class 1 = [k + 1, n)) maximising ω0 ω1 (μ0 − μ1)², where bin i has value `centers[i]`. The first
/// maximum wins. nullopt when fewer than two bins are non-empty. Throws std::invalid_argument when the spans
/// differ in length.
[[nodiscard]] std::optional<std::size_t> otsu_split(std::span<const std::uint64_t> counts,
                                                    std::span<const double> centers);

}  // namespace bluecarbon::science
