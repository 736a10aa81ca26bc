#pragma once
/// Tidal position from heights above the geoid and the tidal datums (SCIENCE.md §2):
/// subtidal < MLLW ≤ intertidal ≤ HAT < supratidal.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace bluecarbon::science {

/// Tidal datums in metres above the geoid.
struct TidalDatums {
    double mllw_m{0};  ///< mean lower low water
    double mhhw_m{0};  ///< mean higher high water
    double hat_m{0};   ///< highest astronomical tide
};

/// A description of what is wrong with the datums (not finite, or not MLLW < MHHW <= HAT), or nullopt when
/// they are usable.
[[nodiscard]] std::optional<std::string> tidal_datums_problem(const TidalDatums& d);

enum class TidalZone : std::uint8_t { none = 0, subtidal = 1, intertidal = 2, supratidal = 3 };

/// Classifies heights above the geoid (m) into zones (`out`, same length): TidalZone::none where the height is
/// invalid or not finite. Throws std::invalid_argument for spans of different lengths. Thread-safe.
void classify_tidal(std::span<const float> height_above_geoid_m, std::span<const std::uint8_t> valid,
                    const TidalDatums& datums, std::span<std::uint8_t> out);

}  // namespace bluecarbon::science
