#include "pipeline/stock/tile_variables.hpp"

#include <bluecarbon/science/indices.hpp>
#include <bluecarbon/science/tidal.hpp>

#include <algorithm>
#include <stdexcept>

namespace bluecarbon::pipeline::stock {

void TileVariables::start(const Window& w) {
    m_w = w;
    for (auto& [name, s] : m_slots) s.ready = false;
    m_base_ready = false;
}

TileVariables::Slot& TileVariables::slot(const std::string& name) {
    auto& s = m_slots[name];
    // Resizing to the same tile size (the usual case) keeps the buffers: no allocation, no page faults.
    const auto n = static_cast<std::size_t>(m_w.size());
    s.block.window = m_w;
    s.block.px.resize(n);
    s.block.valid.resize(n);
    return s;
}

std::span<const std::uint8_t> TileVariables::base_valid() {
    if (!m_base_ready) {
        m_base.assign(static_cast<std::size_t>(m_w.size()), 1);
        m_base_ready = true;
    }
    return m_base;
}

void TileVariables::note_raw(const Block<float>& b) {
    (void)base_valid();
    for (std::size_t i = 0; i < m_base.size(); ++i) m_base[i] = m_base[i] & (b.valid[i] != 0 ? 1 : 0);
}

void TileVariables::tidal_masks() {
    const auto& elev = get("elevation");
    m_zones.resize(elev.size());
    science::classify_tidal(elev.px, elev.valid, *m_in.datums, m_zones);
    for (std::size_t k = 0; k < k_tidal_names.size(); ++k) {
        auto& s = slot(k_tidal_names[k]);
        const auto zone = static_cast<std::uint8_t>(k + 1);
        float* px = s.block.px.data();
        std::uint8_t* valid = s.block.valid.data();
        for (std::size_t i = 0; i < m_zones.size(); ++i) {
            px[i] = m_zones[i] == zone ? 1.0F : 0.0F;
            valid[i] = m_zones[i] != 0 ? 1 : 0;
        }
        s.ready = true;
    }
}

std::span<const std::uint8_t> TileVariables::tidal_zones() {
    (void)get("intertidal");  // classifies the tile's elevation once
    return m_zones;
}

const Block<float>& TileVariables::get(const std::string& name) {
    if (auto it = m_slots.find(name); it != m_slots.end() && it->second.ready) return it->second.block;
    if (auto b = m_in.bands.find(name); b != m_in.bands.end()) {
        auto& s = slot(name);
        b->second.source->read(b->second.band, m_w, s.block);
        note_raw(s.block);
        if (science::parse_band(name)) m_reflectance.add(s.block.px, s.block.valid);
        s.ready = true;
        return s.block;
    }
    if (auto ix = m_in.indices.find(name); ix != m_in.indices.end()) {
        science::BandSpans spans;
        for (auto band : science::required_bands(ix->second)) {
            const auto& blk = get(std::string(science::band_name(band)));
            spans.set(band, blk.px, blk.valid);
        }
        auto& s = slot(name);
        science::compute_index(ix->second, spans, s.block.px, s.block.valid);
        s.ready = true;
        return s.block;
    }
    if (name == "elevation") {
        auto& s = slot(name);
        m_in.dem->read(0, m_w, s.block);
        note_raw(s.block);
        if (m_in.dem_to_geoid) {
            if (!m_geoid) m_geoid = std::make_unique<GeoidConverter>(m_in.grid.crs(), m_in.geoid_grid);
            m_geoid->to_geoid(m_in.grid, s.block, m_in.dem_metres_per_unit, m_in.geoid_step);
        } else if (m_in.dem_metres_per_unit != 1.0) {
            for (auto& p : s.block.px) p = static_cast<float>(p * m_in.dem_metres_per_unit);
        }
        s.ready = true;
        return s.block;
    }
    if (StockInputs::is_dem_variable(name)) {
        tidal_masks();
        return m_slots.at(name).block;
    }
    throw std::logic_error("unknown variable " + name);
}

}  // namespace bluecarbon::pipeline::stock
