#pragma once
/// Surface reflectance is a fraction: 0..1, a little above 1 over bright targets. Values well above that after
/// the scale and offset mean the bands were read as raw digital numbers (a missing scale), and every index
/// computed from them is wrong without looking so (SAVI of -0.68..1.23). The check counts such values.
#include <bluecarbon/core/byte_codec.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bluecarbon::science {

/// Reflectance above this is implausible.
inline constexpr double k_reflectance_limit = 1.5;

class ReflectanceCheck {
  public:
    /// Counts the valid values of `px` above k_reflectance_limit.
    void add(std::span<const float> px, std::span<const std::uint8_t> valid) noexcept;
    /// Order-independent (a count and a maximum), so the total is the same for any tiling and thread count.
    void merge(const ReflectanceCheck& other) noexcept;
    /// Shard records: the count and maximum as bytes and back.
    void save(ByteWriter& out) const;
    [[nodiscard]] static ReflectanceCheck load(ByteReader& in);
    [[nodiscard]] std::int64_t values_above() const noexcept { return m_above; }
    [[nodiscard]] double max_value() const noexcept { return m_max; }
    /// One line when values exceed the limit: how many, the largest, and `fix` (how to give a scale).
    [[nodiscard]] std::optional<std::string> warning(std::string_view fix) const;

  private:
    std::int64_t m_above{0};
    double m_max{-std::numeric_limits<double>::infinity()};
};

} // namespace bluecarbon::science
