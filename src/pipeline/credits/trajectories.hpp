#pragma once
// Private to run_credits: the habitat trajectories of the parcels' cells. Each cell's habitat in every map (the
// snapshots in time order, then the baseline map) is packed into a key, 4 bits per map (0: no habitat); per
// parcel, the covered area of each key is summed exactly (coverage fraction × cell area, ExactSum), so the yearly
// model runs once per distinct trajectory with identical results for any thread count or tile size.
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/core/grid.hpp>
#include <bluecarbon/core/polygon.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::credits {

inline constexpr std::size_t k_max_maps = 16;

/// The habitat (1-8, 0: none) of map `k` in a trajectory key.
[[nodiscard]] inline int habitat_in(std::uint64_t key, std::size_t k) {
    return static_cast<int>((key >> (4 * k)) & 0xFU);
}

struct MapInput {
    std::unique_ptr<RasterSource> source; // aligned to the grid, nearest
    std::string label;                    // for messages ("monitoring_2025.tif")
};

struct TrajectoryRun {
    std::vector<std::map<std::uint64_t, ExactSum>> area_m2; // per parcel
    std::size_t tiles{0};
};

/// Sums the trajectory areas of `parcels` (in the grid's CRS) over the maps. Throws InputError naming the map for
/// class codes that `classes` does not map.
[[nodiscard]] TrajectoryRun trajectory_areas(const Grid& grid, std::span<const MapInput> maps,
                                             const science::ClassMapping& classes,
                                             std::span<const MultiPolygon> parcels, const TileExecutor& executor,
                                             std::int64_t tile, const RunContext& ctx);

} // namespace bluecarbon::pipeline::credits
