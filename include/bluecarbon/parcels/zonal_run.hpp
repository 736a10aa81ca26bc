#pragma once
/// Zonal statistics of parcels over a whole raster: tiles in parallel (TileExecutor), the parcels a tile touches
/// from a spatial index, each parcel's coverage computed for that tile only, per-tile partials merged in tile
/// order. Results are bit-identical for any thread count and tile size.
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/parcels/geometry.hpp>
#include <bluecarbon/parcels/zonal.hpp>

#include <span>
#include <vector>

namespace bluecarbon::parcels {

struct ZonalRasters {
    const RasterSource* values{nullptr};   ///< required; its grid is the analysis grid
    int band{0};                           ///< 0-based selected band of `values`
    const RasterSource* weights{nullptr};  ///< optional; must read on the same grid (open it aligned)
    int weights_band{0};
};

struct ZonalRunSettings {
    std::int64_t tile_size{512};  ///< requested tile edge in pixels (rounded to the input's blocks)
    int threads{0};               ///< 0: all cores
    Progress* progress{nullptr};
};

struct ZonalRunResult {
    std::vector<ZonalPartial> parcels;   ///< one per input parcel, in input order
    std::vector<std::size_t> off_grid;   ///< parcels that do not touch the raster at all (ascending)
    std::size_t tiles{0};                ///< tiles processed (those touching a parcel)
};

/// Parcels must be in the values raster's CRS. Throws InputError when the weights raster reads on another grid.
[[nodiscard]] ZonalRunResult compute_zonal(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels,
                                           const ZonalOptions& options, const ZonalRunSettings& settings = {});

}  // namespace bluecarbon::parcels
