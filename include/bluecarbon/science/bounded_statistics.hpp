#pragma once
/// Exact scene statistics (Otsu's threshold, percentiles) of float values in bounded memory.
///
/// SceneHistogram keeps every distinct value: exact, but its memory grows with them, and a coast of float heights
/// has hundreds of millions. BoundedStatistics reads the data in passes instead. The first pass fills a
/// CoarseHistogram: 2^16 buckets of consecutive floats (each bucket one sign, one exponent and the top 7 mantissa
/// bits), 24 bytes each whatever the data. Each later pass reads exactly only the few buckets that can still hold
/// an answer: the bucket of a percentile's rank, or for Otsu a bucket whose bound on the between-class variance
/// reaches the best split known. The answers are SceneHistogram's (the same ranks, the same exactly summed
/// variance), and as every count and sum is exact they do not depend on tile order, threads or ranks.
#include <bluecarbon/science/histogram.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace bluecarbon::science {

/// Counts of float values in 2^16 buckets of consecutive floats. Within a bucket the values are evenly spaced, so
/// a bucket's count, the sum of its values' offsets and their range give its exact sum and bounds.
class CoarseHistogram {
  public:
    static constexpr std::size_t bucket_count = std::size_t{1} << 16;

    /// A bucket's values are value_at(index, low) for `low` in [min_low, max_low]; `low_sum` adds their lows.
    struct Bucket {
        std::uint64_t count{0};
        std::uint64_t low_sum{0};
        std::uint16_t min_low{0xFFFF};
        std::uint16_t max_low{0};
        bool operator==(const Bucket&) const = default;
    };

    CoarseHistogram();

    /// Adds the valid (valid[i] != 0), finite values (−0 counts as 0). Not thread-safe: one per thread.
    void add(std::span<const float> values, std::span<const std::uint8_t> valid);
    /// Adds the counts of `other` (exact).
    void merge(const CoarseHistogram& other);
    /// Adds a bucket as buckets() gives it, e.g. sent from another process. Throws std::invalid_argument for a
    /// bucket no finite values could fill.
    void add_bucket(std::uint16_t index, const Bucket& bucket);

    [[nodiscard]] std::uint64_t total() const noexcept { return m_total; }
    [[nodiscard]] std::span<const Bucket> buckets() const noexcept { return m_buckets; }

    /// The bucket of a finite value, and the value at offset `low` of a bucket (exact).
    [[nodiscard]] static std::uint16_t bucket_of(float value);
    [[nodiscard]] static double value_at(std::uint16_t index, std::uint16_t low);

  private:
    std::vector<Bucket> m_buckets;
    std::uint64_t m_total{0};
};

/// The statistics wanted of one variable, resolved pass by pass:
///
///     BoundedStatistics stats(coarse);      // after the first pass
///     stats.want_otsu();
///     while (!stats.buckets_to_read().empty())
///         stats.add_exact(values read exactly in those buckets);   // one more pass
///     stats.otsu();
class BoundedStatistics {
  public:
    /// The most buckets one pass reads exactly (each up to 2^16 distinct values, 16 bytes each per histogram).
    static constexpr std::size_t max_buckets_per_pass = 16;

    explicit BoundedStatistics(CoarseHistogram coarse);

    void want_otsu();
    /// Throws std::invalid_argument for p outside [0, 100].
    void want_percentile(double p);

    /// The buckets whose values the next pass must read exactly, ascending; empty once every wanted statistic is
    /// known.
    [[nodiscard]] const std::vector<std::uint16_t>& buckets_to_read() const noexcept { return m_to_read; }
    /// The values of the buckets buckets_to_read() named, read exactly (values of other buckets are ignored).
    /// Throws std::invalid_argument when a bucket's values disagree with its coarse count.
    void add_exact(const SceneHistogram& values);

    /// Otsu's threshold as SceneHistogram::otsu gives it. Throws std::logic_error while buckets remain to read.
    [[nodiscard]] std::optional<double> otsu() const;
    /// The p-th percentile as SceneHistogram::percentile gives it. Throws std::logic_error while buckets remain to
    /// read, std::invalid_argument for a p not wanted.
    [[nodiscard]] std::optional<double> percentile(double p) const;

    /// The values counted in the first pass.
    [[nodiscard]] std::uint64_t total() const noexcept { return m_coarse.total(); }
    /// The passes the exact values took so far (for reports and tests).
    [[nodiscard]] int exact_passes() const noexcept { return m_passes; }

  private:
    struct OtsuResult {
        std::optional<double> threshold;
        std::vector<std::uint16_t> unread;  // buckets that may still hold the maximum, best bound first
    };
    void update();
    [[nodiscard]] OtsuResult scan_otsu() const;
    // The bucket holding the value of nearest rank `rank`, and the values before that bucket.
    [[nodiscard]] std::pair<std::uint16_t, std::uint64_t> bucket_of_rank(std::uint64_t rank) const;
    [[nodiscard]] std::optional<double> percentile_if_known(double p) const;

    CoarseHistogram m_coarse;
    std::map<std::uint16_t, std::vector<SceneHistogram::Entry>> m_exact;  // the buckets read exactly
    bool m_want_otsu{false};
    std::vector<double> m_percentiles;
    std::optional<double> m_otsu;
    std::vector<std::uint16_t> m_to_read;
    int m_passes{0};
};

}  // namespace bluecarbon::science
