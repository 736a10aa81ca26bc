#pragma once
// Private to the habitat/stock steps: the variables of one tile (bands read, indices computed, elevation above
// the geoid, tidal masks), computed on demand and kept for the tile. One instance per worker thread, reused
// from tile to tile, so its buffers are allocated once per thread rather than once per tile.
#include "pipeline/stock/stock_inputs.hpp"

#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/window.hpp>
#include <bluecarbon/io/geoid.hpp>
#include <bluecarbon/science/reflectance_check.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::pipeline::stock {

class TileVariables {
public:
    explicit TileVariables(const StockInputs& inputs) : m_in(inputs) {}

    /// Starts tile `w`: forgets the previous tile's values (keeping their buffers).
    void start(const Window& w);

    /// The variable's pixels over the current tile (bands as read, with scale/offset; indices; "elevation" in
    /// metres above the geoid; tidal masks as 1/0 with the elevation's validity). Throws std::logic_error for a
    /// name StockInputs does not offer.
    const Block<float>& get(const std::string& name);

    /// The tile's tidal zone codes (science::TidalZone: 0 where the elevation is invalid).
    [[nodiscard]] std::span<const std::uint8_t> tidal_zones();

    /// Spectral bands (green, red, ...) read by this worker so far, checked for unscaled values.
    [[nodiscard]] const science::ReflectanceCheck& reflectance() const noexcept { return m_reflectance; }

    /// Pixels where every raw input read so far in this tile is valid.
    [[nodiscard]] std::span<const std::uint8_t> base_valid();

private:
    struct Slot {
        Block<float> block;
        bool ready{false};
    };
    Slot& slot(const std::string& name);
    void note_raw(const Block<float>& b);
    void tidal_masks();

    const StockInputs& m_in;
    Window m_w;
    std::map<std::string, Slot> m_slots;
    std::vector<std::uint8_t> m_base;
    bool m_base_ready{false};
    std::vector<std::uint8_t> m_zones;
    std::unique_ptr<GeoidConverter> m_geoid;  // this thread's PROJ context
    science::ReflectanceCheck m_reflectance;
};

}  // namespace bluecarbon::pipeline::stock
