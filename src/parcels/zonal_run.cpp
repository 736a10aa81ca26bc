#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/parcels/coverage.hpp>
#include <bluecarbon/parcels/parcel_index.hpp>
#include <bluecarbon/parcels/zonal_run.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace bluecarbon::parcels {

struct ZonalTiles::Scratch {
    CoverageScratch coverage;
    CoverageBlock cov;
    Block<float> values;
    Block<float> weights;
};

namespace {

const RasterSource& checked_values(const ZonalRasters& rasters) {
    if (!rasters.values) throw std::invalid_argument("compute_zonal: no values raster");
    const Grid& grid = rasters.values->grid();
    if (rasters.weights) {
        const Grid& wg = rasters.weights->grid();
        if (wg.width() != grid.width() || wg.height() != grid.height() || !(wg.transform() == grid.transform()))
            throw InputError(fmt::format("{}: the weights raster is not on the grid of {} (open it aligned)",
                                         rasters.weights->path().string(), rasters.values->path().string()));
    }
    return *rasters.values;
}

std::vector<PixelPolygon> pixel_polygons(std::span<const MultiPolygon> parcels, const Grid& grid) {
    std::vector<PixelPolygon> polygons;
    polygons.reserve(parcels.size());
    for (const auto& g : parcels) polygons.emplace_back(g, grid.transform());
    return polygons;
}

}  // namespace

ZonalTiles::ZonalTiles(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels,
                       const ZonalOptions& options, std::int64_t tile_size)
    : m_rasters(rasters),
      m_options(options),
      m_use_weights(rasters.weights && options.wants_weights()),
      m_polygons(pixel_polygons(parcels, checked_values(rasters).grid())),
      m_index(m_polygons),
      m_plan(TilePlan::aligned_to_blocks(rasters.values->grid(), tile_size, tile_size,
                                         rasters.values->block_width(), rasters.values->block_height())) {
    const Grid& grid = rasters.values->grid();
    for (std::size_t i = 0; i < m_polygons.size(); ++i)
        if (m_polygons[i].window().intersection(grid.full_window()).empty()) m_off_grid.push_back(i);
    for (std::size_t t = 0; t < m_plan.size(); ++t)
        if (!m_index.query(m_plan.window(t)).empty()) m_tiles.push_back(t);
}

ZonalRunResult ZonalTiles::empty_result() const {
    ZonalRunResult result;
    result.parcels.resize(m_polygons.size());
    result.off_grid = m_off_grid;
    result.tiles = m_tiles.size();
    return result;
}

std::shared_ptr<ZonalTiles::Scratch> ZonalTiles::make_scratch() { return std::make_shared<Scratch>(); }

TilePartials ZonalTiles::compute(std::size_t t, Scratch& s) const {
    const Window tile = m_plan.window(t);
    TilePartials out;
    const auto hits = m_index.query(tile);
    // Read only the part of the tile the parcels' windows cover.
    Window need{};
    for (std::size_t i : hits) {
        const Window w = m_polygons[i].window().intersection(tile);
        if (w.empty()) continue;
        if (need.empty()) {
            need = w;
        } else {
            const auto c0 = std::min(need.col_off, w.col_off), r0 = std::min(need.row_off, w.row_off);
            const auto c1 = std::max(need.col_end(), w.col_end()), r1 = std::max(need.row_end(), w.row_end());
            need = {c0, r0, c1 - c0, r1 - r0};
        }
    }
    if (need.empty()) return out;
    m_rasters.values->read(m_rasters.band, need, s.values);
    if (m_use_weights) m_rasters.weights->read(m_rasters.weights_band, need, s.weights);
    for (std::size_t i : hits) {
        coverage_fractions(m_polygons[i], need, s.cov, s.coverage);
        if (s.cov.window.empty()) continue;
        ZonalPartial part;
        accumulate(s.cov, s.values, m_use_weights ? &s.weights : nullptr, m_rasters.values->grid(), m_options, part);
        out.emplace_back(i, std::move(part));
    }
    return out;
}

std::vector<std::byte> encode_tile_partials(const TilePartials& t) {
    ByteWriter w;
    w.put<std::uint64_t>(t.size());
    for (const auto& [i, part] : t) {
        w.put<std::uint64_t>(i);
        part.save(w);
    }
    return std::move(w.out);
}

TilePartials decode_tile_partials(std::span<const std::byte> data) {
    ByteReader r(data);
    TilePartials t(r.get_count(8));
    for (auto& [i, part] : t) {
        i = r.get<std::uint64_t>();
        part = ZonalPartial::load(r);
    }
    if (!r.at_end()) throw InputError("shard record: trailing bytes after the zonal partials");
    return t;
}

ZonalRunResult compute_zonal(const ZonalRasters& rasters, std::span<const MultiPolygon> parcels,
                             const ZonalOptions& options, const ZonalRunSettings& settings) {
    const ZonalTiles zt(rasters, parcels, options, settings.tile_size);
    ZonalRunResult result = zt.empty_result();
    const auto& tiles = zt.tiles();
    const TileExecutor executor(settings.threads);
    std::vector<std::shared_ptr<ZonalTiles::Scratch>> scratch(static_cast<std::size_t>(executor.threads()));
    std::vector<std::optional<TilePartials>> slots(static_cast<std::size_t>(executor.threads()));
    executor.run_ordered(
        tiles.size(),
        [&](std::size_t p, int slot) {
            auto& s = scratch[static_cast<std::size_t>(slot)];
            if (!s) s = ZonalTiles::make_scratch();
            slots[static_cast<std::size_t>(slot)].emplace(zt.compute(tiles[p], *s));
        },
        [&](std::size_t, int slot) {
            auto& r = slots[static_cast<std::size_t>(slot)];
            for (auto& [i, part] : *r) result.parcels[i].merge(std::move(part));
            r.reset();
        },
        settings.progress);
    return result;
}

}  // namespace bluecarbon::parcels
