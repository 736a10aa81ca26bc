#pragma once
/// A deterministic row-major partition of a grid into tiles. Tile index order is the merge order.
#include <bluecarbon/core/grid.hpp>

#include <cstddef>
#include <vector>

namespace bluecarbon {

class TilePlan {
public:
    /// Tiles of `tile_w` x `tile_h` pixels (the last column/row of tiles may be smaller).
    /// Throws ConfigError when a tile dimension is not positive.
    TilePlan(Grid grid, std::int64_t tile_w, std::int64_t tile_h);

    /// A plan whose tiles are whole multiples of the primary input's block size (so every read hits whole
    /// blocks): each requested dimension is rounded to the nearest non-zero multiple of the block dimension;
    /// a block as wide (or as tall) as the grid leaves that dimension as requested.
    [[nodiscard]] static TilePlan aligned_to_blocks(Grid grid, std::int64_t requested_w, std::int64_t requested_h,
                                                    std::int64_t block_w, std::int64_t block_h);

    [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
    [[nodiscard]] std::int64_t tile_width() const noexcept { return m_tile_w; }
    [[nodiscard]] std::int64_t tile_height() const noexcept { return m_tile_h; }
    [[nodiscard]] std::int64_t tiles_across() const noexcept { return m_across; }
    [[nodiscard]] std::int64_t tiles_down() const noexcept { return m_down; }
    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(m_across * m_down); }
    /// The pixel window of tile i (row-major). Throws std::out_of_range for i >= size().
    [[nodiscard]] Window window(std::size_t i) const;
    /// The tile indices owned by shard `index` of `count` (0-based): contiguous row-major ranges of near-equal
    /// length, so shards together cover every tile exactly once. Throws ConfigError for a bad shard spec.
    [[nodiscard]] std::vector<std::size_t> shard(std::size_t index, std::size_t count) const;
    /// All tile indices, 0..size()-1.
    [[nodiscard]] std::vector<std::size_t> all() const;

private:
    Grid m_grid;
    std::int64_t m_tile_w, m_tile_h, m_across, m_down;
};

}  // namespace bluecarbon
