#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

namespace bluecarbon::pipeline {

std::optional<std::string> compression_level_problem(const std::string& codec, int level) {
    const auto c = compression_from_name(codec);
    if (!c || level == 0) return std::nullopt;
    if (*c != Compression::deflate && *c != Compression::zstd)
        return codec + " has no compression level (levels are for deflate 1-12 and zstd 1-22; got " +
               std::to_string(level) + ")";
    const int max = *c == Compression::zstd ? 22 : 12;
    if (level >= 1 && level <= max) return std::nullopt;
    return "must be 1-" + std::to_string(max) + " for " + codec + " (got " + std::to_string(level) + ")";
}

CompressionChoice choose_compression(const std::string& codec, int level, int deflate_level) {
    const auto c = compression_from_name(codec);
    if (!c) throw RequestError("compression", "unknown codec \"" + codec + "\" (deflate, zstd, lzw or none)");
    if (auto problem = compression_level_problem(codec, level)) throw RequestError("compression level", *problem);
    CompressionChoice out{*c, level};
    if (out.level == 0) out.level = *c == Compression::deflate ? deflate_level : *c == Compression::zstd ? 1 : 0;
    if (*c != Compression::deflate && *c != Compression::zstd) out.level = 0;  // LZW and none have none
    return out;
}

}  // namespace bluecarbon::pipeline
