#include "cli/stock/stock_outputs.hpp"

#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace bluecarbon::cli::stock {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using science::Habitat;

constexpr float k_stock_nodata = -9999.0F;

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

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
                           CompressionChoice compression, OutputTransaction& transaction) {
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
    m_habitat = std::make_unique<RasterSink>(cfg.output_dir / "habitat.tif", in.grid, hab_opts, &transaction);
    write_text_file(cfg.output_dir / "habitat.tif.aux.xml", habitat_aux_xml(), &transaction);

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
            m_pools.push_back(
                std::make_unique<RasterSink>(cfg.output_dir / (stem + ".tif"), in.grid, so, &transaction));
        };
        make("stock_agb", "above-ground biomass carbon", true);
        make("stock_bgb", "below-ground biomass carbon", true);
        make("stock_dead", "dead wood and litter carbon", false);
        make("stock_soc", "soil organic carbon to 1 m", false);
        make("stock_total", "total carbon stock", true);
        make("uncertainty", "90 % confidence half-width of the total stock", true);
    }
}

StockSinks StockRasters::sinks() const {
    StockSinks s;
    s.habitat = m_habitat.get();
    for (std::size_t k = 0; k < m_pools.size() && k < s.pools.size(); ++k) s.pools[k] = m_pools[k].get();
    return s;
}

void StockRasters::finish(int threads) {
    std::vector<RasterSink*> all{m_habitat.get()};
    for (auto& s : m_pools) all.push_back(s.get());
    RasterSink::finish_all(all, threads);
}

std::string write_stock_tables(const StockRunSummary& run, OutputTransaction& transaction) {
    const auto& cfg = *run.cfg;
    const auto& in = *run.inputs;
    const auto& plan = *in.plan;
    const auto& summary = run.habitats;
    json report;
    report["command"] = run.with_stock ? "stock" : "habitat";
    report["project"] = cfg.file.string();
    report["bluecarbon_version"] = k_version;
    report["grid"] = {{"crs", in.grid.crs().name},
                      {"width", in.grid.width()},
                      {"height", in.grid.height()},
                      {"geographic", in.grid.crs().geographic}};
    report["tiles"] = plan.size();
    report["tile_width"] = plan.tile_width();
    report["tile_height"] = plan.tile_height();
    report["threads"] = run.threads;
    report["habitat_source"] = in.rules_mode ? "rules" : "map";
    report["thresholds"] = json::object();
    for (const auto& [k, v] : run.thresholds) report["thresholds"][k] = v;
    if (in.table) {
        json t;
        t["file"] = in.table->file_name();
        t["version"] = in.table->version();
        t["climate_zone"] = science::climate_zone_name(cfg.climate_zone);
        t["soil"] = science::soil_type_name(cfg.stock.soil);
        t["overrides"] = json::array();
        for (const auto& r : in.table->overrides()) {
            json e{{"key", r.key()}, {"value", r.value}, {"source", r.source}, {"origin", r.origin}};
            if (r.ci95_low) e["ci95"] = {*r.ci95_low, *r.ci95_high};
            t["overrides"].push_back(e);
        }
        report["tier1"] = t;
        if (in.model) {
            json hs = json::array();
            for (auto h : in.model->habitats) hs.push_back(std::string(science::habitat_name(h)));
            report["biomass_model"] = {{"file", run.model_path.string()},
                                       {"form", science::survey::model_form_name(in.model->form)},
                                       {"predictors", in.model->predictors},
                                       {"habitats", hs},
                                       {"cv_rmse_t_dm_per_ha", in.model->cv_rmse_t_dm_per_ha},
                                       {"fallback_pixels", run.model_fallback_pixels}};
        }
    }
    json hab_json = json::array();
    for (const auto& s : summary) {
        json e{{"habitat", science::habitat_name(s.habitat)}, {"pixels", s.pixels}, {"area_ha", s.area_ha}};
        if (run.with_stock) {
            for (auto p : science::all_pools()) {
                const auto k = static_cast<std::size_t>(p);
                e[std::string(science::pool_name(p)) + "_mg_c"] = s.total_mg_c[k];
                e[std::string(science::pool_name(p)) + "_ci90_half_width_mg_c"] = s.half_width_90_mg_c[k];
            }
            e["model_pixels"] = s.model_pixels;
        }
        hab_json.push_back(e);
    }
    report["habitats"] = hab_json;

    std::vector<std::string> outputs = {(cfg.output_dir / "habitat.tif").string(),
                                        (cfg.output_dir / "habitat.tif.aux.xml").string()};
    if (run.with_stock) {
        // stock_summary.csv: per habitat, area and each pool's total with its 90 % interval; last line, all.
        std::ostringstream csv;
        csv << "habitat,pixels,area_ha";
        for (auto p : science::all_pools())
            csv << fmt::format(",{0}_mg_c,{0}_ci90_low_mg_c,{0}_ci90_high_mg_c", science::pool_name(p));
        csv << ",agb_source\n";
        ExactSum all_area;
        std::int64_t all_pixels = 0;
        std::array<ExactSum, science::k_pool_count> all_total;
        std::array<double, science::k_pool_count> all_var{};
        for (const auto& s : summary) {
            csv << fmt::format("{},{},{:.6f}", science::habitat_name(s.habitat), s.pixels, s.area_ha);
            for (std::size_t k = 0; k < science::k_pool_count; ++k) {
                const double t = s.total_mg_c[k], hw = s.half_width_90_mg_c[k];
                csv << fmt::format(",{:.3f},{:.3f},{:.3f}", t, std::max(0.0, t - hw), t + hw);
                all_total[k].add(t);
                all_var[k] += hw * hw;  // different habitats draw on different table rows: independent
            }
            csv << "," << (in.pools->habitat(s.habitat).from_model ? "model" : "tier1") << "\n";
            all_area.add(s.area_ha);
            all_pixels += s.pixels;
        }
        csv << fmt::format("all,{},{:.6f}", all_pixels, all_area.value());
        for (std::size_t k = 0; k < science::k_pool_count; ++k) {
            const double t = all_total[k].value(), hw = std::sqrt(all_var[k]);
            csv << fmt::format(",{:.3f},{:.3f},{:.3f}", t, std::max(0.0, t - hw), t + hw);
        }
        csv << ",\n";
        write_text_file(cfg.output_dir / "stock_summary.csv", csv.str(), &transaction);
        for (const char* f : {"stock_agb.tif", "stock_bgb.tif", "stock_dead.tif", "stock_soc.tif", "stock_total.tif",
                              "uncertainty.tif", "stock_summary.csv"})
            outputs.push_back((cfg.output_dir / f).string());
    }
    const std::string run_json = run.with_stock ? "stock_run.json" : "habitat_run.json";
    outputs.push_back((cfg.output_dir / run_json).string());
    report["outputs"] = outputs;
    const auto& t = run.timings;
    report["wall_seconds"] = t.total.wall;
    report["cpu_seconds"] = t.total.cpu;
    report["timings_seconds"] = {{"inputs", t.inputs.wall}, {"statistics", t.statistics.wall},
                                 {"tiles", t.tiles.wall}, {"finish", t.finish.wall}};
    report["cpu_timings_seconds"] = {{"inputs", t.inputs.cpu}, {"statistics", t.statistics.cpu},
                                     {"tiles", t.tiles.cpu}, {"finish", t.finish.cpu}};
    report["mpixel_per_s"] =
        t.total.wall > 0 ? static_cast<double>(in.grid.pixel_count()) / 1e6 / t.total.wall : 0.0;
    report["peak_rss_mb"] = peak_rss_mb();
    const std::string text = report.dump(2);
    write_text_file(cfg.output_dir / run_json, text + "\n", &transaction);
    return text;
}

void print_stock_summary(const CliContext& ctx, const CommonOptions& common, const StockRunSummary& run,
                         const std::string& run_json) {
    if (common.json) {
        ctx.out << run_json << '\n';
        return;
    }
    const auto& cfg = *run.cfg;
    const auto& in = *run.inputs;
    ctx.out << fmt::format("{}: {} x {} pixels ({}), {} tiles, {} threads, {:.2f} s, peak memory {:.0f} MB\n",
                           run.with_stock ? "stock" : "habitat", in.grid.width(), in.grid.height(),
                           in.grid.crs().name, in.plan->size(), run.threads, run.timings.total.wall, peak_rss_mb());
    for (const auto& [k, v] : run.thresholds) ctx.out << fmt::format("  threshold {} = {:.6g}\n", k, v);
    if (in.table)
        ctx.out << fmt::format("  Tier-1 table {} version {}, climate zone {}, soil {}, {} override(s)\n",
                               in.table->file_name(), in.table->version(), science::climate_zone_name(cfg.climate_zone),
                               science::soil_type_name(cfg.stock.soil), in.table->overrides().size());
    if (in.model) {
        std::vector<std::string> hs;
        for (auto h : in.model->habitats) hs.emplace_back(science::habitat_name(h));
        ctx.out << fmt::format("  biomass model {} ({} form, {}; CV RMSE {:.2f} t d.m./ha) on {}\n",
                               run.model_path.filename().string(), science::survey::model_form_name(in.model->form),
                               fmt::join(in.model->predictors, ", "), in.model->cv_rmse_t_dm_per_ha,
                               fmt::join(hs, ", "));
    }
    if (run.with_stock) {
        ctx.out << fmt::format("  {:<17} {:>11} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12}\n", "habitat", "area ha",
                               "AGB Mg C", "BGB Mg C", "dead Mg C", "SOC Mg C", "total Mg C", "±90 %");
        for (const auto& s : run.habitats)
            ctx.out << fmt::format("  {:<17} {:>11.2f} {:>12.1f} {:>12.1f} {:>12.1f} {:>12.1f} {:>14.1f} {:>12.1f}\n",
                                   science::habitat_name(s.habitat), s.area_ha, s.total_mg_c[0], s.total_mg_c[1],
                                   s.total_mg_c[2], s.total_mg_c[3], s.total_mg_c[4], s.half_width_90_mg_c[4]);
    } else {
        for (const auto& s : run.habitats)
            ctx.out << fmt::format("  {:<17} {:>12} pixels {:>12.2f} ha\n", science::habitat_name(s.habitat), s.pixels,
                                   s.area_ha);
    }
    ctx.out << "  outputs in " << cfg.output_dir.string() << "\n";
}

}  // namespace bluecarbon::cli::stock
