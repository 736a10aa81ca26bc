#pragma once
/// Monte-Carlo building blocks shared by tree plots and soil cores.
///
/// Random numbers come from a counter-based generator (Philox4x64-10, Salmon et al. 2011, Random123): each number
/// is a pure function of (seed, stream, draw, item, variable, attempt), so a plot's draws do not depend on which
/// thread computes them, in which order, or how many plots there are. Streams are keyed by a 64-bit hash of the
/// plot or core id (not its row number), so reordering the input file does not change any result; callers check
/// that the ids of one run have distinct keys (check_distinct_stream_keys), so two ids never share draws.
/// Plain C++; all functions are thread-safe.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string_view>

namespace bluecarbon::science::survey {

/// A 64-bit key for a plot or core id (FNV-1a 64 of "<domain>:<id>"); `domain` keeps plots and cores with the same
/// id on different streams.
[[nodiscard]] std::uint64_t stream_key(std::string_view domain, std::string_view id) noexcept;

/// Throws InputError ("<source>: ids "a" and "b" share a random stream ...") when two different ids of `ids` have
/// the same stream_key(domain, id); repeated equal ids are allowed. With 64-bit keys a collision is
/// astronomically unlikely, but a silent one would give two plots the same draws.
void check_distinct_stream_keys(std::string_view domain, std::span<const std::string_view> ids,
                                std::string_view source);

/// The random numbers of one draw of one stream.
class CounterRng {
  public:
    CounterRng(std::uint64_t seed, std::uint64_t stream, std::uint32_t draw) noexcept
        : m_seed(seed), m_stream(stream), m_draw(draw) {}

    /// Uniform on the open interval (0, 1) with 53 random bits, for (item, variable, attempt).
    [[nodiscard]] double uniform(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt = 0) const noexcept;
    /// Standard normal (Box–Muller on two uniforms of the same counter).
    [[nodiscard]] double normal(std::uint32_t item, std::uint32_t variable, std::uint32_t attempt = 0) const noexcept;
    /// N(mean, sd²) truncated to [lo, hi] by rejection (fresh counters for each attempt); after 64 rejections,
    /// the value is clamped. sd ≤ 0 returns mean clamped to [lo, hi].
    [[nodiscard]] double truncated_normal(double mean, double sd, double lo, double hi, std::uint32_t item,
                                          std::uint32_t variable) const noexcept;

  private:
    std::uint64_t m_seed;
    std::uint64_t m_stream;
    std::uint32_t m_draw;
};

/// Summary of a sample of draws.
struct McSummary {
    std::size_t draws{0};
    double mean{std::numeric_limits<double>::quiet_NaN()};
    double median{std::numeric_limits<double>::quiet_NaN()};
    double sd{std::numeric_limits<double>::quiet_NaN()};  ///< sample SD (n − 1)
    double ci90_low{std::numeric_limits<double>::quiet_NaN()};   ///< 5 % quantile
    double ci90_high{std::numeric_limits<double>::quiet_NaN()};  ///< 95 % quantile
};

/// Mean, median, SD and the 5 % / 95 % quantiles (linear interpolation between order statistics, R's type 7).
/// Empty input gives draws = 0 and NaN statistics.
[[nodiscard]] McSummary summarize(std::span<const double> draws);

/// Runs body(i) for i in [0, count), possibly in parallel (the CLI passes TileExecutor::parallel_for). Bodies
/// write only to their own slot i, so results do not depend on the runner.
using ParallelFor = std::function<void(std::size_t count, const std::function<void(std::size_t)>& body)>;
/// The serial runner.
void serial_for(std::size_t count, const std::function<void(std::size_t)>& body);

}  // namespace bluecarbon::science::survey
