#include "pipeline/stock/stock_tables.hpp"

#include "pipeline/run_clock.hpp"

#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace bluecarbon::pipeline::stock {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using science::Habitat;

// stock_summary.csv: per habitat, area and each pool's total with its 90 % interval; last line, all.
std::string summary_csv(const std::vector<science::HabitatSummary>& summary, const science::PoolModel& pools) {
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
        csv << "," << (pools.habitat(s.habitat).from_model ? "model" : "tier1") << "\n";
        all_area.add(s.area_ha);
        all_pixels += s.pixels;
    }
    csv << fmt::format("all,{},{:.6f}", all_pixels, all_area.value());
    for (std::size_t k = 0; k < science::k_pool_count; ++k) {
        const double t = all_total[k].value(), hw = std::sqrt(all_var[k]);
        csv << fmt::format(",{:.3f},{:.3f},{:.3f}", t, std::max(0.0, t - hw), t + hw);
    }
    csv << ",\n";
    return csv.str();
}

}  // namespace

std::string write_stock_tables(const StockRunSummary& run, OutputTransaction& transaction,
                               std::vector<fs::path>& paths) {
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
    report["warnings"] = run.warnings;

    std::vector<std::string> outputs = {(cfg.output_dir / "habitat.tif").string(),
                                        (cfg.output_dir / "habitat.tif.aux.xml").string()};
    if (run.with_stock) {
        write_text_file(cfg.output_dir / "stock_summary.csv", summary_csv(summary, *in.pools), &transaction);
        for (const char* f : {"stock_agb.tif", "stock_bgb.tif", "stock_dead.tif", "stock_soc.tif", "stock_total.tif",
                              "uncertainty.tif", "stock_summary.csv"})
            outputs.push_back((cfg.output_dir / f).string());
        if (in.tidal_frame) outputs.push_back((cfg.output_dir / "tidal.tif").string());
    }
    const std::string run_json = run.with_stock ? "stock_run.json" : "habitat_run.json";
    outputs.push_back((cfg.output_dir / run_json).string());
    report["outputs"] = outputs;
    for (const auto& o : outputs) paths.emplace_back(o);
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

}  // namespace bluecarbon::pipeline::stock
