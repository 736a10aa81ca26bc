#pragma once
/// The sample's monitoring snapshot for `credits`: habitat_2025.tif, the habitat map five years after the baseline
/// (habitat.tif, 2020), in which the afforestation (P01, bare flat) and pond-retirement (P02) parcels carry young
/// Kandelia; and the [credits] section of the sample project file that names both maps.
#include <bluecarbon/io/raster_sink.hpp>

#include <filesystem>
#include <string>

namespace bluecarbon::sample {

inline constexpr int k_baseline_year = 2020;
inline constexpr int k_monitoring_year = 2025;

/// The habitat code of the monitoring map at pixel (col, row) of the sample grid: the scene's habitat, except that
/// tidal flat in P01 and ponds in P02 became mangrove, bar planting gaps (~15 % of cells, from a hash: fixed).
[[nodiscard]] std::uint8_t monitoring_habitat(std::int64_t col, std::int64_t row);

/// Writes `dir`/habitat_2025.tif (options as habitat.tif's), staged in `transaction`.
void write_monitoring_map(const std::filesystem::path& dir, const RasterSinkOptions& options,
                          OutputTransaction& transaction);

/// The [credits] section appended to the sample project file.
[[nodiscard]] std::string sample_credits_toml();

} // namespace bluecarbon::sample
