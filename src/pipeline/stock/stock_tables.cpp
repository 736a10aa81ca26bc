#include "pipeline/stock/stock_tables.hpp"

#include "pipeline/run_clock.hpp"

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
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

// The files a run read, by absolute path with their SHA-256.
json input_records(const config::ProjectConfig& cfg, const StockInputs& in, const StockRunSummary& run) {
    std::vector<std::pair<std::string, fs::path>> files{{"project", fs::absolute(cfg.file)}};
    for (const auto& [name, src] : in.sources)
        if (const auto* ri = cfg.input(name)) files.emplace_back(name, fs::absolute(ri->path));
    if (!in.geoid_grid.empty()) files.emplace_back("geoid_grid", fs::absolute(in.geoid_grid));
    if (in.table)
        files.emplace_back("tier1_table", fs::absolute(cfg.tier1.table.value_or(data_dir() / "tier1_pools.csv")));
    if (in.model) files.emplace_back("biomass_model", fs::absolute(run.model_path));
    if (cfg.stock.soc_from_cores && run.with_stock) files.emplace_back("soc_from_cores", *cfg.stock.soc_from_cores);
    json out = json::object();
    const auto hashes = run.input_hash_cache.empty() ? hash_inputs(files) : hash_inputs(files, run.input_hash_cache);
    for (const auto& h : hashes)
        out[h.name] = {{"path", h.path.lexically_normal().string()}, {"sha256", h.sha256}};
    return out;
}

// The Tier-1 rows each habitat used (values, intervals, sources) and its resolved densities.
json tier1_values(const science::PoolModel& pools, const std::vector<science::HabitatSummary>& summary) {
    json out = json::object();
    for (const auto& s : summary) {
        if (!pools.has(s.habitat)) continue;
        const auto& hp = pools.habitat(s.habitat);
        json rows = json::array();
        for (const auto& r : hp.rows) {
            json e{{"parameter", science::tier1_parameter_name(r.parameter)}, {"value", r.value}};
            if (r.ci95_low) e["ci95"] = {*r.ci95_low, *r.ci95_high};
            e["source"] = r.source;
            e["origin"] = r.origin;
            rows.push_back(std::move(e));
        }
        json dens = json::object();
        for (auto p : science::all_pools())
            dens[std::string(science::pool_name(p))] = {{"mg_c_ha", hp.density[static_cast<std::size_t>(p)]},
                                                        {"sigma", hp.sigma[static_cast<std::size_t>(p)]}};
        out[std::string(science::habitat_name(s.habitat))] = {{"rows", rows}, {"densities", dens}};
    }
    return out;
}

}  // namespace

std::vector<std::string> run_notices(const config::ProjectConfig& cfg, const StockInputs& in,
                                     const std::vector<science::HabitatSummary>& habitats) {
    std::vector<std::string> notes;
    if (in.dem_to_geoid && cfg.tidal && !cfg.tidal->geoid_grid_given)
        notes.push_back(fmt::format("[tidal] geoid_grid not set: the default {} ({}) converted the DEM's "
                                    "ellipsoidal heights",
                                    cfg.tidal->geoid_grid, in.geoid_grid.string()));
    if (in.rules_mode) {
        std::map<Habitat, std::int64_t> pixels;
        for (const auto& s : habitats) pixels[s.habitat] += s.pixels;
        std::map<Habitat, std::vector<std::string>> rules_of;
        for (const auto& r : cfg.habitat.rules) rules_of[r.habitat].push_back(r.origin);
        for (const auto& [h, origins] : rules_of)
            if (pixels[h] == 0)
                notes.push_back(fmt::format("no pixel became {}: {} matched no pixel (or only pixels an earlier rule "
                                            "took)",
                                            science::habitat_name(h), fmt::join(origins, ", ")));
    }
    return notes;
}

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
    report["inputs"] = input_records(cfg, in, run);
    if (in.rules_mode) {
        json rules = json::array();
        for (const auto& r : cfg.habitat.rules)
            rules.push_back(
                {{"habitat", science::habitat_name(r.habitat)}, {"when", r.expression}, {"origin", r.origin}});
        report["rules"] = {{"rules", rules}, {"fallback", science::habitat_name(cfg.habitat.fallback)}};
    }
    if (cfg.tidal) {
        report["tidal"] = {{"mllw_m", cfg.tidal->datums.mllw_m},
                           {"mhhw_m", cfg.tidal->datums.mhhw_m},
                           {"hat_m", cfg.tidal->datums.hat_m},
                           {"geoid_grid", cfg.tidal->geoid_grid},
                           {"geoid_grid_default", !cfg.tidal->geoid_grid_given},
                           {"geoid_grid_path", in.geoid_grid.empty() ? json(nullptr) : json(in.geoid_grid.string())},
                           {"dem_converted_to_geoid", in.dem_to_geoid}};
    }
    report["notices"] = run.notices;
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
        if (in.pools) t["values"] = tier1_values(*in.pools, summary);
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
            if (auto problem = science::survey::model_skill_problem(*in.model))
                report["biomass_model"]["forced_despite"] = *problem;
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
                              "uncertainty.tif", "uncertainty_agb.tif", "uncertainty_bgb.tif", "uncertainty_dead.tif",
                              "uncertainty_soc.tif", "stock_summary.csv"})
            outputs.push_back((cfg.output_dir / f).string());
        if (in.tidal_frame) outputs.push_back((cfg.output_dir / "tidal.tif").string());
    }
    if (in.write_masks)
        for (const char* f : {"elevation.tif", "tidal_zones.tif"}) outputs.push_back((cfg.output_dir / f).string());
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
