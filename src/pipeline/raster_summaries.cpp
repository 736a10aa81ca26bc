// Human summaries of the raster commands (what the CLI prints without --json), and the band list a front end
// passes to run_indices.
#include <bluecarbon/pipeline/indices.hpp>
#include <bluecarbon/pipeline/invest.hpp>
#include <bluecarbon/pipeline/stock.hpp>
#include <bluecarbon/science/habitat.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace bluecarbon::pipeline {

std::string summary_text(const StockResult& r) {
    std::string s = fmt::format("{}: {} x {} pixels ({}), {} tiles, {} threads, {:.2f} s, peak memory {:.0f} MB\n",
                                r.command, r.grid.width(), r.grid.height(), r.grid.crs().name, r.tiles, r.threads,
                                r.timings.total.wall, r.peak_rss_mb);
    for (const auto& [k, v] : r.thresholds) s += fmt::format("  threshold {} = {:.6g}\n", k, v);
    if (r.tier1)
        s += fmt::format("  Tier-1 table {} version {}, climate zone {}, soil {}, {} override(s)\n", r.tier1->file_name,
                         r.tier1->version, r.tier1->climate_zone, r.tier1->soil, r.tier1->overrides);
    if (r.model) {
        std::vector<std::string> hs;
        for (auto h : r.model->habitats) hs.emplace_back(science::habitat_name(h));
        s += fmt::format("  biomass model {} ({} form, {}; CV RMSE {:.2f} t d.m./ha) on {}\n",
                         r.model_path.filename().string(), science::survey::model_form_name(r.model->form),
                         fmt::join(r.model->predictors, ", "), r.model->cv_rmse_t_dm_per_ha, fmt::join(hs, ", "));
    }
    if (r.command == "stock") {
        s += fmt::format("  {:<17} {:>11} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12}\n", "habitat", "area ha",
                         "AGB Mg C", "BGB Mg C", "dead Mg C", "SOC Mg C", "total Mg C", "±90 %");
        for (const auto& h : r.habitats)
            s += fmt::format("  {:<17} {:>11.2f} {:>12.1f} {:>12.1f} {:>12.1f} {:>12.1f} {:>14.1f} {:>12.1f}\n",
                             science::habitat_name(h.habitat), h.area_ha, h.total_mg_c[0], h.total_mg_c[1],
                             h.total_mg_c[2], h.total_mg_c[3], h.total_mg_c[4], h.half_width_90_mg_c[4]);
    } else {
        for (const auto& h : r.habitats)
            s += fmt::format("  {:<17} {:>12} pixels {:>12.2f} ha\n", science::habitat_name(h.habitat), h.pixels,
                             h.area_ha);
    }
    for (const auto& n : r.notices) s += "  note: " + n + "\n";
    for (const auto& w : r.warnings) s += "  warning: " + w + "\n";
    return s + "  outputs in " + r.output_dir.string() + "\n";
}

std::string summary_text(const IndicesResult& r) {
    if (!r.shard.empty()) return "indices: " + r.shard + "\n";
    const double mpix = static_cast<double>(r.grid.pixel_count()) / 1e6;
    std::string s = fmt::format("indices: {} x {} pixels, {} tiles of {} x {}, {} threads: {:.2f} s ({:.1f} Mpixel/s), "
                                "peak memory {:.0f} MB\n",
                                r.grid.width(), r.grid.height(), r.tiles, r.tile_width, r.tile_height, r.threads,
                                r.wall_seconds, r.wall_seconds > 0 ? mpix / r.wall_seconds : 0.0, r.peak_rss_mb);
    for (const auto& o : r.outputs) {
        const auto& st = o.stats;
        const std::string name(science::index_name(o.index));
        if (st.valid_pixels() == 0)
            s += fmt::format("  {:<6} no valid pixels  -> {}\n", name, o.file.string());
        else
            s += fmt::format("  {:<6} valid {:>12}  min {:>9.4f}  max {:>9.4f}  mean {:>9.4f}  -> {}\n", name,
                             st.valid_pixels(), *st.min(), *st.max(), *st.mean(), o.file.string());
    }
    for (const auto& w : r.warnings) s += "  warning: " + w + "\n";
    return s;
}

std::map<science::SpectralBand, std::string> parse_band_list(const std::string& text) {
    std::map<science::SpectralBand, std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
                throw RequestError("bands", "expected NAME=BAND items (e.g. green=1,red=2,nir=3,swir1=4), got '" +
                                                item + "'");
            const auto band = science::parse_band(item.substr(0, eq));
            if (!band)
                throw RequestError("bands", "unknown band name '" + item.substr(0, eq) +
                                                "' (valid: blue, green, red, nir, swir1)");
            if (out.count(*band) != 0)
                throw RequestError("bands", "band '" + std::string(science::band_name(*band)) + "' given twice");
            out[*band] = item.substr(eq + 1);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string summary_text(const InvestCbcResult& r) {
    if (!r.shard.empty()) return "invest cbc: " + r.shard + "\n";
    std::string s = fmt::format("invest cbc: {} x {} pixels, snapshots", r.grid.width(), r.grid.height());
    for (int y : r.snapshot_years) s += fmt::format(" {}", y);
    s += fmt::format(", analysis year {}, {} tiles, {} threads: {:.2f} s, peak memory {:.0f} MB\n", r.analysis_year,
                     r.tiles, r.threads, r.wall_seconds, r.peak_rss_mb);
    for (const auto& f : r.outputs) s += "  " + f.file.string() + "\n";
    return s;
}

std::string summary_text(const InvestCarbonResult& r) {
    std::string s = fmt::format("invest carbon: {} x {} pixels, {} tiles, {} threads: {:.2f} s\n", r.grid.width(),
                                r.grid.height(), r.tiles, r.threads, r.wall_seconds);
    if (r.valuation_constant) s += fmt::format("  valuation constant {:.6g}\n", *r.valuation_constant);
    for (const auto& t : r.totals) s += fmt::format("  {:<36} {:>18.2f} {}\n", t.raster, t.total, t.units);
    return s;
}

}  // namespace bluecarbon::pipeline
