#pragma once
// Private to the habitat/stock steps: a tile's partial sums as bytes in a shard's record, exactly: integer
// counts as they are, each ExactSum as its non-overlapping partials (plus its non-finite part), so the scene
// totals merged from shards are the very ones one process computes.
#include <bluecarbon/science/pools.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace bluecarbon::pipeline::stock {

[[nodiscard]] std::vector<std::byte> encode_sums(const science::TileStockSums& sums);
/// Throws InputError for bytes that are not an encoding of sums.
[[nodiscard]] science::TileStockSums decode_sums(std::span<const std::byte> data);

}  // namespace bluecarbon::pipeline::stock
