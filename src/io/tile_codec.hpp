#pragma once
// Private to io: the compression of captured tiles (RasterSink::capture_tiles) between a shard and its merge.
#include <cstddef>
#include <span>
#include <vector>

namespace bluecarbon::io {

/// zstd at a fast level: shard files are written once and read once, so speed matters more than size.
[[nodiscard]] std::vector<std::byte> compress_tile(std::span<const std::byte> raw);
/// Fills `out` with the bytes `data` was made from; throws std::runtime_error when `data` is not a zstd frame of
/// exactly out.size() bytes (a torn or foreign record).
void decompress_tile(std::span<const std::byte> data, std::span<std::byte> out);
}  // namespace bluecarbon::io
