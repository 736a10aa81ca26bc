#include "pipeline/stock/stock_inputs.hpp"

#include "pipeline/input_file.hpp"

#include <bluecarbon/io/biomass_model_json.hpp>

#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/geoid.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/pipeline/run_context.hpp>
#include <bluecarbon/science/survey/soil_cores.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

namespace bluecarbon::pipeline::stock {

namespace {

namespace fs = std::filesystem;
using science::Habitat;

Resampling to_io(config::Resampling r) {
    switch (r) {
        case config::Resampling::nearest: return Resampling::nearest;
        case config::Resampling::bilinear: return Resampling::bilinear;
        case config::Resampling::average: return Resampling::average;
        case config::Resampling::cubic: return Resampling::cubic;
    }
    return Resampling::nearest;
}

Grid analysis_grid(const config::ProjectConfig& cfg) {
    if (cfg.grid.crs) {
        const CrsInfo crs = crs_from_user(*cfg.grid.crs);
        const double rx = *cfg.grid.resolution_x, ry = *cfg.grid.resolution_y;
        Extent e;
        if (cfg.grid.extent) {
            e = *cfg.grid.extent;
        } else {
            // The primary input's extent, reprojected into this CRS when it is in another (as gdalwarp -t_srs).
            const auto* in = cfg.input(cfg.primary_input());
            if (!in) throw ConfigError(cfg.grid.origin.str() + ": crs without extent needs an input raster");
            const Grid g = read_grid(in->path);
            if (g.crs().empty())
                throw InputError(in->path.string() + ": has no CRS (needed for the [grid] extent; give extent = "
                                                     "[xmin, ymin, xmax, ymax])");
            try {
                e = transform_extent(g.extent(), g.crs(), crs);
            } catch (const CrsError& err) {
                throw CrsError(cfg.grid.origin.str() + ": " + in->path.filename().string() + ": " + err.what());
            }
        }
        // Whole pixels from the upper-left corner; a last partial pixel is kept (covering the extent).
        const auto w = static_cast<std::int64_t>(std::ceil((e.xmax - e.xmin) / rx - 1e-9));
        const auto h = static_cast<std::int64_t>(std::ceil((e.ymax - e.ymin) / ry - 1e-9));
        return Grid(crs, GeoTransform{e.xmin, rx, 0.0, e.ymax, 0.0, -ry}, w, h);
    }
    const auto* in = cfg.input(cfg.primary_input());
    if (!in) throw ConfigError(cfg.file.string() + ": no input defines the analysis grid");
    Grid g = read_grid(in->path);
    if (g.crs().empty()) throw InputError(in->path.string() + ": has no CRS (needed to align the inputs)");
    return g;
}

// The DEM's unit and the geoid set-up; every check before any work.
void set_up_dem(const config::ProjectConfig& cfg, StockInputs& in) {
    const auto& dem = *cfg.dem;
    require_input_file(dem.raster.path, dem.raster.origin);
    // Conversion needs a vertical unit, stated in the project or by the file; when both state one they must agree
    // (a file in feet read as metres would shift every tidal zone by a factor of 3.28).
    constexpr const char* k_accepted = "accepted: m, cm, mm, ft, us-ft";
    const std::string file_unit = raster_band_unit(dem.raster.path, std::stoi(dem.raster.bands.at(0).second));
    const bool from_file = !dem.vertical_unit;
    std::string unit = dem.vertical_unit.value_or(file_unit);
    if (unit.empty()) {
        if (!dem.heights_above_geoid)
            throw InputError(fmt::format("{}: {} has no vertical unit (its band states none), needed to convert "
                                         "heights to the geoid; set inputs.dem.vertical_unit ({})",
                                         dem.raster.origin.str(), dem.raster.path.filename().string(), k_accepted));
        unit = "m";
    }
    const auto metres = vertical_unit_to_metres(unit);
    if (!metres)
        throw InputError(fmt::format("{}: unknown vertical unit \"{}\"{} ({})", dem.raster.origin.str(), unit,
                                     from_file ? " in the DEM" : "", k_accepted));
    if (!from_file && !file_unit.empty()) {
        const auto file_metres = vertical_unit_to_metres(file_unit);
        if (file_metres && *file_metres != *metres)
            throw InputError(fmt::format("{}: inputs.dem.vertical_unit = \"{}\" contradicts {}, whose band states "
                                         "\"{}\"; correct the project or the file's unit",
                                         dem.raster.origin.str(), unit, dem.raster.path.filename().string(),
                                         file_unit));
    }
    in.dem_metres_per_unit = *metres;
    in.dem_to_geoid = !dem.heights_above_geoid;
    if (in.dem_to_geoid) {
        try {
            in.geoid_grid = find_geoid_grid(cfg.tidal->geoid_grid, cfg.dir);
        } catch (const CrsError& e) {
            throw CrsError(cfg.tidal->geoid_origin.str() + ": " + e.what());
        }
        in.geoid_step = cfg.tidal->geoid_step_px;
        GeoidConverter probe(in.grid.crs(), in.geoid_grid);  // fails now if PROJ cannot use the grid
    }
}


// [stock] soc_from_cores: each habitat's SOC to 1 m from its cores (mean, σ of the mean) replaces the Tier-1 row.
void apply_core_soc(const config::ProjectConfig& cfg, science::Tier1Table& table) {
    const auto& path = *cfg.stock.soc_from_cores;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw InputError(fmt::format("{}: cannot read {} (write it with `bluecarbon survey cores`)",
                                     cfg.stock.soc_from_cores_origin.str(), path.string()));
    const auto csv = read_csv(path);
    for (const auto& h : science::survey::soc_by_habitat(parse_core_stocks(csv), 100.0, csv.source())) {
        const auto habitat = science::parse_habitat(h.habitat);
        if (!habitat)
            throw InputError(fmt::format("{}: habitat '{}' is not one of {}", csv.source(), h.habitat,
                                         science::habitat_name_list()));
        science::Tier1Row row;
        row.parameter = science::Tier1Parameter::soc_1m_mg_c_per_ha;
        row.habitat = *habitat;
        row.climate_zone = std::string(science::climate_zone_name(cfg.climate_zone));
        row.soil = std::string(science::soil_type_name(cfg.stock.soil));
        row.value = h.mean_mg_c_ha;
        row.ci95_low = std::max(0.0, h.mean_mg_c_ha - science::k_z95 * h.sigma_mg_c_ha);
        row.ci95_high = h.mean_mg_c_ha + science::k_z95 * h.sigma_mg_c_ha;
        row.source = fmt::format("mean of {} soil core(s) ({}) from {}", h.n, fmt::join(h.cores, ", "),
                                 path.filename().string());
        row.origin = cfg.stock.soc_from_cores_origin.str();
        table.apply_override(std::move(row));
    }
}

}  // namespace

bool StockInputs::is_dem_variable(const std::string& name) {
    return name == "elevation" || std::find(k_tidal_names.begin(), k_tidal_names.end(), name) != k_tidal_names.end();
}

namespace {
// Every [inputs.<name>] file and band the project names is checked before any work, even those this run does
// not read: a typo in `bands` would otherwise surface only in the run that first uses the band. The error
// names the project line and key.
void check_input_bands(const config::RasterInput& ri) {
    RasterSourceOptions so;
    for (const auto& [name, sel] : ri.bands) so.bands.push_back(sel);
    try {
        (void)RasterSource::open(ri.path, so);
    } catch (const InputError& e) {
        const std::string message = e.what();
        for (const auto& [name, sel] : ri.bands)
            if (message.find("'" + sel + "'") != std::string::npos && ri.band_origins.count(name) != 0)
                throw ConfigError(ri.band_origins.at(name).str() + ": " + message);
        throw ConfigError(ri.origin.str() + ": " + message);
    }
}
}  // namespace

StockInputs open_stock_inputs(const config::ProjectConfig& cfg, bool with_stock, std::int64_t tile, bool masks) {
    if (masks && !(cfg.dem && cfg.tidal))
        throw RequestError("write_masks", "needs [inputs.dem] and [tidal] in " + cfg.file.string() +
                                              " (the elevation and tidal zones come from them)");
    for (const auto& [name, ri] : cfg.rasters) check_input_bands(ri);
    StockInputs in;
    in.grid = analysis_grid(cfg);
    const auto primary_name = cfg.primary_input();
    auto open = [&](const config::RasterInput& ri) -> RasterSource& {
        auto& s = in.sources[ri.name];
        if (!s) {
            require_input_file(ri.path, ri.origin);  // the DEM and the class map too name their line and key
            RasterSourceOptions so;
            for (const auto& [name, sel] : ri.bands) so.bands.push_back(sel);
            so.scale = ri.scale;
            so.offset = ri.offset;
            so.nodata = ri.nodata;
            so.resampling = to_io(ri.resampling);
            so.grid_name = primary_name.empty() ? std::string() : primary_name;
            s = RasterSource::open_aligned(ri.path, in.grid, so);
        }
        return *s;
    };

    in.rules_mode = cfg.habitat.source == config::HabitatSource::rules;
    const bool need_variables = in.rules_mode || (with_stock && cfg.stock.biomass_model);
    std::set<std::string> needed;  // variable names some step reads
    if (need_variables) {
        // Names offered: every named band of every raster input, indices whose bands are all named, DEM values.
        for (const auto& [iname, ri] : cfg.rasters) {
            for (std::size_t b = 0; b < ri.bands.size(); ++b) {
                const auto& bname = ri.bands[b].first;
                if (in.bands.count(bname))
                    throw ConfigError(fmt::format("{}: band name \"{}\" is used by two inputs",
                                                  ri.band_origins.at(bname).str(), bname));
                in.bands[bname] = BandRef{nullptr, static_cast<int>(b)};
            }
        }
        std::map<std::string, std::string> hints;
        for (auto idx : science::all_indices()) {
            bool ok = true;
            std::string missing;
            for (auto band : science::required_bands(idx)) {
                if (!in.bands.count(std::string(science::band_name(band)))) {
                    ok = false;
                    missing += (missing.empty() ? "" : ", ") + std::string(science::band_name(band));
                }
            }
            if (ok) in.indices[std::string(science::index_name(idx))] = idx;
            else hints[std::string(science::index_name(idx))] = "needs band(s) " + missing + " in [inputs]";
        }
        const bool dem_available = cfg.dem.has_value();
        if (dem_available && cfg.tidal) in.datums = cfg.tidal->datums;
        for (const auto& n : k_tidal_names) hints.emplace(n, "needs [inputs.dem] and [tidal]");
        hints.emplace("elevation", "needs [inputs.dem]");
        std::vector<std::string> known;
        for (const auto& [n, b] : in.bands) known.push_back(n);
        for (const auto& [n, i] : in.indices) known.push_back(n);
        if (dem_available) known.emplace_back("elevation");
        if (dem_available && in.datums) known.insert(known.end(), k_tidal_names.begin(), k_tidal_names.end());
        if (in.rules_mode) {
            in.rules.emplace(cfg.habitat.rules, cfg.habitat.fallback, known, hints);
            for (const auto& v : in.rules->variables()) needed.insert(v);
        }
        if (with_stock && cfg.stock.biomass_model) {
            const auto& path = *cfg.stock.biomass_model;
            std::error_code ec;
            if (!fs::is_regular_file(path, ec))
                throw InputError(fmt::format("{}: cannot read the biomass model {} (write it with `bluecarbon survey "
                                             "calibrate`)",
                                             cfg.stock.biomass_model_origin.str(), path.string()));
            in.model = read_biomass_model(path);
            // Refused only on a known CV R² ≤ 0 (a hand-written model without one is the user's statement).
            const auto problem = science::survey::model_skill_problem(*in.model);
            if (problem && std::isfinite(in.model->cv_r2) && !cfg.stock.force_model)
                throw ConfigError(fmt::format("{}: {} ({}); refit it, or set [stock] force_model = true to apply it",
                                              cfg.stock.biomass_model_origin.str(), *problem, path.string()));
            for (const auto& p : in.model->predictors) {
                if (std::find(known.begin(), known.end(), p) == known.end())
                    throw ConfigError(fmt::format("{}: biomass model predictor \"{}\" is not an available band or "
                                                  "index (available: {})",
                                                  cfg.stock.biomass_model_origin.str(), p, fmt::join(known, ", ")));
                needed.insert(p);
            }
        }
    }
    // Open only what is read; resolve raw bands of the needed indices.
    std::set<std::string> raw;
    for (const auto& n : needed) {
        if (auto ix = in.indices.find(n); ix != in.indices.end())
            for (auto band : science::required_bands(ix->second)) raw.insert(std::string(science::band_name(band)));
        else if (in.bands.count(n)) raw.insert(n);
    }
    for (const auto& [iname, ri] : cfg.rasters) {
        bool used = false;
        for (const auto& [bname, sel] : ri.bands) used = used || raw.count(bname);
        if (!used) continue;
        auto& src = open(ri);
        for (std::size_t b = 0; b < ri.bands.size(); ++b) in.bands[ri.bands[b].first].source = &src;
    }
    // The tidal frame for the parcels step's tidal-frame rule: the intertidal mask, written as tidal.tif.
    if (with_stock && cfg.dem && cfg.tidal) {
        in.datums = cfg.tidal->datums;
        in.tidal_frame = true;
        needed.insert("intertidal");
    }
    if (masks) {
        in.datums = cfg.tidal->datums;
        in.write_masks = true;
        needed.insert("intertidal");
    }
    if (std::any_of(needed.begin(), needed.end(), StockInputs::is_dem_variable)) {
        set_up_dem(cfg, in);
        in.dem = &open(cfg.dem->raster);
    }
    if (!in.rules_mode) in.class_source = &open(*cfg.habitat.map);

    // Habitats the run can produce: for the Tier-1 check before any work.
    if (in.rules_mode) {
        for (const auto& r : cfg.habitat.rules) in.producible.push_back(r.habitat);
        in.producible.push_back(cfg.habitat.fallback);
    } else {
        for (const auto& [code, h] : cfg.habitat.classes.entries()) in.producible.push_back(h);
    }
    std::sort(in.producible.begin(), in.producible.end());
    in.producible.erase(std::unique(in.producible.begin(), in.producible.end()), in.producible.end());

    if (with_stock) {
        in.table = science::Tier1Table::load(cfg.tier1.table.value_or(data_dir() / "tier1_pools.csv"));
        for (const auto& ov : cfg.tier1.overrides) in.table->apply_override(ov);
        if (cfg.stock.soc_from_cores) apply_core_soc(cfg, *in.table);
        in.pools.emplace(*in.table, cfg.climate_zone, cfg.stock.soil, in.producible, in.model ? &*in.model : nullptr);
    }

    const RasterSource* plan_source = in.sources.count(primary_name) ? in.sources.at(primary_name).get() : nullptr;
    if (!plan_source && !in.sources.empty()) plan_source = in.sources.begin()->second.get();
    if (plan_source && !plan_source->is_warped())
        in.plan.emplace(TilePlan::aligned_to_blocks(in.grid, tile, tile, plan_source->block_width(),
                                                    plan_source->block_height()));
    else
        in.plan.emplace(in.grid, tile, tile);
    return in;
}

}  // namespace bluecarbon::pipeline::stock
