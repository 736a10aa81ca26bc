#include "tile_codec.hpp"

#include <zstd.h>

#include <stdexcept>
#include <string>

namespace bluecarbon::io {

namespace {
// Level 1: about as fast as the tile computation writes; pixels of a tile compress 2-10x.
constexpr int k_level = 1;
}  // namespace

std::vector<std::byte> compress_tile(std::span<const std::byte> raw) {
    std::vector<std::byte> out(ZSTD_compressBound(raw.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), k_level);
    if (ZSTD_isError(n) != 0) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

std::vector<std::byte> decompress_tile(std::span<const std::byte> data, std::size_t expected_size) {
    const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size != expected_size) throw std::runtime_error("tile data of the wrong size");
    std::vector<std::byte> out(expected_size);
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n) != 0 || n != expected_size) throw std::runtime_error("corrupt tile data");
    return out;
}

}  // namespace bluecarbon::io
