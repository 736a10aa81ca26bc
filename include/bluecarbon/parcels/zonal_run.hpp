#pragma once
/// Zonal statistics of parcels over a whole raster: tiles in parallel (TileExecutor), the parcels a tile touches
/// from a spatial index, each parcel's coverage computed for that tile only, per-tile partials merged in tile
/// order. Results are bit-identical for any thread count and tile size.
#include <bluecarbon/core/progress.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/parcels/geometry.hpp>
#include <bluecarbon/parcels/parcel_index.hpp>
#include <bluecarbon/parcels/zonal.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <utility>
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

/// One tile's partials: (parcel index, its partial over the tile), in the order the tile's parcels were found.
using TilePartials = std::vector<std::pair<std::size_t, ZonalPartial>>;

/// compute_zonal's tiles for callers that run or replay them one by one (shards and their merge): the plan, the
/// tiles touching a parcel, and one tile's partials. Merging tiles' partials into ZonalRunResult::parcels in
/// plan order gives compute_zonal's result.
class ZonalTiles {
public:
    /// Throws InputError when the weights raster reads on another grid. `rasters` and `parcels` must outlive it.
    ZonalTiles(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels, const ZonalOptions& options,
               std::int64_t tile_size);
    [[nodiscard]] const TilePlan& plan() const noexcept { return m_plan; }
    /// The plan's tiles touching a parcel (ascending): the only ones with work.
    [[nodiscard]] const std::vector<std::size_t>& tiles() const noexcept { return m_tiles; }
    /// A result with every parcel empty and the off-grid parcels listed; tiles = tiles().size().
    [[nodiscard]] ZonalRunResult empty_result() const;
    /// The partials of plan tile `tile` (thread-safe; `scratch` is per thread, from make_scratch()).
    struct Scratch;
    [[nodiscard]] static std::shared_ptr<Scratch> make_scratch();  // shared: its deleter is type-erased
    [[nodiscard]] TilePartials compute(std::size_t tile, Scratch& scratch) const;

private:
    ZonalRasters m_rasters;
    const ZonalOptions& m_options;
    bool m_use_weights{false};
    std::vector<PixelPolygon> m_polygons;
    std::vector<std::size_t> m_off_grid;
    ParcelIndex m_index;
    TilePlan m_plan;
    std::vector<std::size_t> m_tiles;
};

/// Shard records: a tile's partials as bytes and back.
[[nodiscard]] std::vector<std::byte> encode_tile_partials(const TilePartials& t);
[[nodiscard]] TilePartials decode_tile_partials(std::span<const std::byte> data);

/// Parcels must be in the values raster's CRS. Throws InputError when the weights raster reads on another grid.
[[nodiscard]] ZonalRunResult compute_zonal(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels,
                                           const ZonalOptions& options, const ZonalRunSettings& settings = {});

}  // namespace bluecarbon::parcels
