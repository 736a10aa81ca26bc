#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace bluecarbon {

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

std::int64_t round_to_block(std::int64_t requested, std::int64_t block, std::int64_t extent) {
    if (block <= 0 || block >= extent) return requested;
    const auto multiples = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::llround(static_cast<double>(requested) / static_cast<double>(block))));
    return multiples * block;
}
}  // namespace

TilePlan::TilePlan(Grid grid, std::int64_t tile_w, std::int64_t tile_h)
    : m_grid(std::move(grid)), m_tile_w(tile_w), m_tile_h(tile_h) {
    if (tile_w <= 0 || tile_h <= 0)
        throw ConfigError("tile size: must be a positive number of pixels, got " + std::to_string(tile_w) +
                          " x " + std::to_string(tile_h));
    m_tile_w = std::min(tile_w, m_grid.width());
    m_tile_h = std::min(tile_h, m_grid.height());
    m_across = ceil_div(m_grid.width(), m_tile_w);
    m_down = ceil_div(m_grid.height(), m_tile_h);
}

TilePlan TilePlan::aligned_to_blocks(Grid grid, std::int64_t requested_w, std::int64_t requested_h,
                                     std::int64_t block_w, std::int64_t block_h) {
    if (requested_w <= 0 || requested_h <= 0)
        throw ConfigError("tile size: must be a positive number of pixels, got " +
                          std::to_string(requested_w) + " x " + std::to_string(requested_h));
    const auto w = round_to_block(requested_w, block_w, grid.width());
    const auto h = round_to_block(requested_h, block_h, grid.height());
    return TilePlan(std::move(grid), w, h);
}

Window TilePlan::window(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("tile index " + std::to_string(i) + " out of range");
    const auto ti = static_cast<std::int64_t>(i);
    const auto tx = ti % m_across, ty = ti / m_across;
    const auto c0 = tx * m_tile_w, r0 = ty * m_tile_h;
    return {c0, r0, std::min(m_tile_w, m_grid.width() - c0), std::min(m_tile_h, m_grid.height() - r0)};
}

std::vector<std::size_t> TilePlan::shard(std::size_t index, std::size_t count) const {
    if (count == 0 || index >= count)
        throw ConfigError("--shard: expected i/n with 0 <= i < n, got " + std::to_string(index) + "/" +
                          std::to_string(count));
    const std::size_t n = size();
    const std::size_t begin = n * index / count, end = n * (index + 1) / count;
    std::vector<std::size_t> out(end - begin);
    std::iota(out.begin(), out.end(), begin);
    return out;
}

std::vector<std::size_t> TilePlan::all() const { return shard(0, 1); }

}  // namespace bluecarbon
