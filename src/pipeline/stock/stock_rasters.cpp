#include "pipeline/stock/stock_rasters.hpp"

#include "pipeline/finish_rasters.hpp"

#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace bluecarbon::pipeline::stock {

namespace {

using science::Habitat;

constexpr float k_stock_nodata = -9999.0F;

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// habitat.tif's class names for GIS tools. A GeoTIFF has no tag for them, and GDAL keeps category names and
// raster attribute tables in a PAM side file, "<file>.aux.xml", which GDAL (and so QGIS) reads when it opens
// the raster. We write that side file ourselves: the category names (GetCategoryNames) and a thematic raster
// attribute table with value, name and colour (which QGIS 3.30+ uses to label and colour the classes).
std::string habitat_aux_xml() {
    std::string x = "<PAMDataset>\n  <PAMRasterBand band=\"1\">\n    <CategoryNames>\n";
    std::size_t last = 0;
    for (Habitat h : science::all_habitats()) last = std::max(last, static_cast<std::size_t>(h));
    for (std::size_t v = 0; v <= last; ++v) {
        const auto h = science::habitat_from_code(static_cast<std::uint8_t>(v));
        x += "      <Category>" + (h ? xml_escape(science::habitat_label(*h)) : std::string()) + "</Category>\n";
    }
    x += "    </CategoryNames>\n";
    // Field types: 0 integer, 2 string. Usages: 5 min-max (the pixel value), 2 name, 6/7/8 red/green/blue.
    x += "    <GDALRasterAttributeTable tableType=\"thematic\">\n";
    const std::array<std::tuple<const char*, int, int>, 6> fields{
        {{"value", 0, 5}, {"habitat", 2, 2}, {"label", 2, 0}, {"red", 0, 6}, {"green", 0, 7}, {"blue", 0, 8}}};
    for (std::size_t i = 0; i < fields.size(); ++i)
        x += fmt::format("      <FieldDefn index=\"{}\"><Name>{}</Name><Type>{}</Type><Usage>{}</Usage></FieldDefn>\n",
                         i, std::get<0>(fields[i]), std::get<1>(fields[i]), std::get<2>(fields[i]));
    int row = 0;
    for (Habitat h : science::all_habitats()) {
        const auto c = science::habitat_color(h);
        x += fmt::format("      <Row index=\"{}\"><F>{}</F><F>{}</F><F>{}</F><F>{}</F><F>{}</F><F>{}</F></Row>\n", row++,
                         static_cast<int>(h), science::habitat_name(h), xml_escape(science::habitat_label(h)), c.r, c.g,
                         c.b);
    }
    x += "    </GDALRasterAttributeTable>\n  </PAMRasterBand>\n</PAMDataset>\n";
    return x;
}

}  // namespace

StockRasters::StockRasters(const config::ProjectConfig& cfg, const StockInputs& in,
                           const std::map<std::string, double>& thresholds, bool with_stock,
                           CompressionChoice compression, OutputTransaction& transaction, RasterShare share) {
    std::size_t position = 0;  // of the next raster in all()
    // The sink of the next position, when this process's share holds it.
    auto sink_if_owned = [&](const std::string& file, RasterSinkOptions options) -> std::unique_ptr<RasterSink> {
        if (!share.owns(position++)) return nullptr;
        return std::make_unique<RasterSink>(cfg.output_dir / file, in.grid, std::move(options), &transaction);
    };
    std::map<std::string, std::string> provenance = {{"BLUECARBON_VERSION", k_version},
                                                     {"BLUECARBON_PROJECT", cfg.name},
                                                     {"BLUECARBON_HABITAT_SOURCE", in.rules_mode ? "rules" : "map"}};
    for (const auto& [k, v] : thresholds) provenance["BLUECARBON_THRESHOLD_" + k] = fmt::format("{:.17g}", v);
    if (in.table) {
        provenance["BLUECARBON_TIER1_TABLE"] = in.table->file_name();
        provenance["BLUECARBON_TIER1_VERSION"] = in.table->version();
        provenance["BLUECARBON_CLIMATE_ZONE"] = std::string(science::climate_zone_name(cfg.climate_zone));
        provenance["BLUECARBON_SOIL"] = std::string(science::soil_type_name(cfg.stock.soil));
        std::string ov;
        for (const auto& r : in.table->overrides())
            ov += fmt::format("{}{}={} ({}; {})", ov.empty() ? "" : "; ", r.key(), r.value, r.source, r.origin);
        provenance["BLUECARBON_TIER1_OVERRIDES"] = ov.empty() ? "none" : ov;
        if (in.model) provenance["BLUECARBON_BIOMASS_MODEL"] = cfg.stock.biomass_model->string();
    }

    RasterSinkOptions hab_opts;
    hab_opts.type = PixelType::uint8;
    hab_opts.compression = compression.codec;
    hab_opts.compression_level = compression.level;
    hab_opts.predictor = false;  // a class map: DEFLATE does better on the codes themselves
    hab_opts.nodata = science::k_habitat_nodata;
    hab_opts.description = "habitat";
    hab_opts.overview_resampling = "NEAREST";
    hab_opts.metadata = provenance;
    hab_opts.color_table.assign(256, ColorEntry{0, 0, 0, 0});
    hab_opts.category_names.assign(science::k_habitat_count + 1, std::string());
    for (Habitat h : science::all_habitats()) {
        const auto c = science::habitat_color(h);
        hab_opts.color_table[static_cast<std::size_t>(h)] = ColorEntry{c.r, c.g, c.b, 255};
        hab_opts.category_names[static_cast<std::size_t>(h)] = std::string(science::habitat_label(h));
    }
    m_habitat = sink_if_owned("habitat.tif", hab_opts);
    if (m_habitat) write_text_file(cfg.output_dir / "habitat.tif.aux.xml", habitat_aux_xml(), &transaction);

    if (with_stock) {
        // A pool taken from the Tier-1 table is one value per habitat: few distinct values, which DEFLATE
        // compresses best (and fastest) without the floating-point predictor. Where the biomass model applies,
        // AGB, BGB, the total and the uncertainty vary continuously and the predictor pays.
        const bool model = in.pools && in.pools->model() != nullptr;
        auto make = [&](const std::string& stem, const std::string& desc, bool varies_with_model) {
            RasterSinkOptions so;
            so.type = PixelType::float32;
            so.compression = compression.codec;
            so.compression_level = compression.level;
            so.predictor = model && varies_with_model;
            so.nodata = k_stock_nodata;
            so.description = desc;
            so.unit = "Mg C/ha";
            so.metadata = provenance;
            m_pools.push_back(sink_if_owned(stem + ".tif", so));
        };
        make("stock_agb", "above-ground biomass carbon", true);
        make("stock_bgb", "below-ground biomass carbon", true);
        make("stock_dead", "dead wood and litter carbon", false);
        make("stock_soc", "soil organic carbon to 1 m", false);
        make("stock_total", "total carbon stock", true);
        make("uncertainty", "90 % confidence half-width of the total stock", true);
        // Each pool's own half-width (the total's is not their sum: AGB and BGB covary, the rest add in
        // quadrature). Dead wood and SOC keep one σ per habitat even under the model, as their stocks do: like
        // stock_dead/stock_soc they go without the predictor, which would make them larger (see its test).
        make("uncertainty_agb", "90 % confidence half-width of the above-ground biomass carbon", true);
        make("uncertainty_bgb", "90 % confidence half-width of the below-ground biomass carbon", true);
        make("uncertainty_dead", "90 % confidence half-width of the dead wood and litter carbon", false);
        make("uncertainty_soc", "90 % confidence half-width of the soil organic carbon", false);
    }
    m_has_tidal = with_stock && in.tidal_frame;
    m_has_masks = in.write_masks;
    if (m_has_tidal) {
        RasterSinkOptions to;
        to.type = PixelType::uint8;
        to.compression = compression.codec;
        to.compression_level = compression.level;
        to.predictor = false;
        to.nodata = 255;
        to.description = "tidal frame: 1 between MLLW and HAT, 0 outside";
        to.overview_resampling = "NEAREST";
        to.metadata = provenance;
        m_tidal = sink_if_owned("tidal.tif", to);
    }
    if (m_has_masks) {
        RasterSinkOptions eo;
        eo.type = PixelType::float32;
        eo.compression = compression.codec;
        eo.compression_level = compression.level;
        eo.nodata = k_stock_nodata;
        eo.description = "elevation above the geoid";
        eo.unit = "m";
        eo.metadata = provenance;
        m_elevation = sink_if_owned("elevation.tif", eo);
        RasterSinkOptions zo;
        zo.type = PixelType::uint8;
        zo.compression = compression.codec;
        zo.compression_level = compression.level;
        zo.predictor = false;
        zo.nodata = 0;
        zo.description = "tidal zone: 1 subtidal (below MLLW), 2 intertidal (MLLW to HAT), 3 supratidal";
        zo.overview_resampling = "NEAREST";
        zo.metadata = provenance;
        zo.category_names = {"", "subtidal", "intertidal", "supratidal"};
        m_zones = sink_if_owned("tidal_zones.tif", zo);
    }
}

StockSinks StockRasters::sinks() const {
    StockSinks s;
    s.habitat = m_habitat.get();
    for (std::size_t k = 0; k < m_pools.size() && k < s.pools.size(); ++k) s.pools[k] = m_pools[k].get();
    s.tidal = m_tidal.get();
    s.elevation = m_elevation.get();
    s.tidal_zones = m_zones.get();
    return s;
}

std::vector<RasterSink*> StockRasters::all() const {
    std::vector<RasterSink*> all{m_habitat.get()};
    for (const auto& s : m_pools) all.push_back(s.get());
    if (m_has_tidal) all.push_back(m_tidal.get());
    if (m_has_masks) {  // never in a shard (run_habitat refuses masks there)
        all.push_back(m_elevation.get());
        all.push_back(m_zones.get());
    }
    return all;
}

void StockRasters::finish(const RunContext& ctx, int threads) {
    std::vector<RasterSink*> mine;
    for (auto* s : all())
        if (s) mine.push_back(s);
    finish_rasters(ctx, mine, threads);
}

}  // namespace bluecarbon::pipeline::stock
