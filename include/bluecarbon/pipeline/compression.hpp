#pragma once
/// The codec and level the raster outputs are written with, from a codec name and a level (0: not given).
#include <bluecarbon/io/raster_sink.hpp>

#include <optional>
#include <string>

namespace bluecarbon::pipeline {

struct CompressionChoice {
    Compression codec{Compression::deflate};
    int level{0};
};

/// "must be 1-12 for deflate (got 13)" when `level` is outside `codec`'s range, "lzw has no compression level
/// (...)" for a level given to a codec without one (level 0 means "not given" and is always fine); nullopt
/// otherwise, and for unknown names.
[[nodiscard]] std::optional<std::string> compression_level_problem(const std::string& codec, int level);

/// `codec` ("deflate", "zstd", "lzw", "none") at `level`. Level 0 becomes `deflate_level` for DEFLATE (0 leaves
/// GDAL's default, 6) and 1 for ZSTD (its fastest level; GDAL's default, 9, is slower to write); LZW and none
/// have no level. Throws RequestError ("compression: ...", "compression level: ...") for a bad name or level.
[[nodiscard]] CompressionChoice choose_compression(const std::string& codec, int level, int deflate_level);

}  // namespace bluecarbon::pipeline
