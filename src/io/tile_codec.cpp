#include "tile_codec.hpp"

#include <zstd.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace bluecarbon::io {

namespace {
// Level 1: about as fast as the tile computation writes; pixels of a tile compress 2-10x.
constexpr int k_level = 1;
// A scratch buffer grown past this (a huge tile) is released after use rather than kept by the thread.
constexpr std::size_t k_keep_bytes = std::size_t{16} << 20;

struct CctxFree {
    void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};
struct DctxFree {
    void operator()(ZSTD_DCtx* c) const noexcept { ZSTD_freeDCtx(c); }
};

// One context per thread, reused: a fresh one per tile allocates and clears its tables every time (with the
// zero-filled output buffer, a fifth of a shard's CPU time, measured).
ZSTD_CCtx& thread_cctx() {
    thread_local const std::unique_ptr<ZSTD_CCtx, CctxFree> ctx(ZSTD_createCCtx());
    if (!ctx) throw std::bad_alloc();
    return *ctx;
}

ZSTD_DCtx& thread_dctx() {
    thread_local const std::unique_ptr<ZSTD_DCtx, DctxFree> ctx(ZSTD_createDCtx());
    if (!ctx) throw std::bad_alloc();
    return *ctx;
}
}  // namespace

std::vector<std::byte> compress_tile(std::span<const std::byte> raw) {
    // Compressed into the thread's scratch (never zero-filled again), then copied out at its exact size.
    thread_local std::unique_ptr<std::byte[]> scratch;
    thread_local std::size_t scratch_size = 0;
    const std::size_t bound = ZSTD_compressBound(raw.size());
    if (scratch_size < bound) {
        scratch = std::make_unique_for_overwrite<std::byte[]>(bound);
        scratch_size = bound;
    }
    const std::size_t n = ZSTD_compressCCtx(&thread_cctx(), scratch.get(), bound, raw.data(), raw.size(), k_level);
    if (ZSTD_isError(n) != 0) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    std::vector<std::byte> out(scratch.get(), scratch.get() + n);
    if (scratch_size > k_keep_bytes) {
        scratch.reset();
        scratch_size = 0;
    }
    return out;
}

void decompress_tile(std::span<const std::byte> data, std::span<std::byte> out) {
    const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size != out.size()) throw std::runtime_error("tile data of the wrong size");
    const std::size_t n = ZSTD_decompressDCtx(&thread_dctx(), out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n) != 0 || n != out.size()) throw std::runtime_error("corrupt tile data");
}

}  // namespace bluecarbon::io
