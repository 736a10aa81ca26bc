#include "cli/stock_pipeline.hpp"

#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/core/exact_sum.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/geoid.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/habitat_rules.hpp>
#include <bluecarbon/science/histogram.hpp>
#include <bluecarbon/science/indices.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/tidal.hpp>
#include <bluecarbon/science/tier1_table.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using science::Habitat;

constexpr float k_stock_nodata = -9999.0F;
const std::vector<std::string> k_tidal_names = {"subtidal", "intertidal", "supratidal"};

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

Resampling to_io(config::Resampling r) {
    switch (r) {
        case config::Resampling::nearest: return Resampling::nearest;
        case config::Resampling::bilinear: return Resampling::bilinear;
        case config::Resampling::average: return Resampling::average;
        case config::Resampling::cubic: return Resampling::cubic;
    }
    return Resampling::nearest;
}

// ---------------------------------------------------------------------------------------------------------
// Inputs and the variables they offer to rules: band names, indices, elevation and tidal masks.

struct BandRef {
    const RasterSource* source{nullptr};
    int band{0};  // 0-based selected band of `source`
};

class Variables {
public:
    // Raw bands by name, indices computable from them, DEM-derived variables.
    std::map<std::string, BandRef> bands;
    std::map<std::string, science::Index> indices;
    const RasterSource* dem{nullptr};
    bool dem_available{false};
    bool dem_to_geoid{false};
    double dem_metres_per_unit{1.0};
    fs::path geoid_grid;
    int geoid_step{8};
    std::optional<science::TidalDatums> datums;
    Grid grid;

    [[nodiscard]] std::vector<std::string> known() const {
        std::vector<std::string> v;
        for (const auto& [n, b] : bands) v.push_back(n);
        for (const auto& [n, i] : indices) v.push_back(n);
        if (dem_available) v.emplace_back("elevation");
        if (dem_available && datums) v.insert(v.end(), k_tidal_names.begin(), k_tidal_names.end());
        return v;
    }
    [[nodiscard]] bool is_dem_variable(const std::string& n) const {
        return n == "elevation" || std::find(k_tidal_names.begin(), k_tidal_names.end(), n) != k_tidal_names.end();
    }
};

/// One tile's variables, computed on demand and cached for the tile.
class TileVars {
public:
    TileVars(const Variables& v, const Window& w, GeoidConverter* geoid) : m_v(v), m_w(w), m_geoid(geoid) {}

    const Block<float>& get(const std::string& name) {
        if (auto it = m_cache.find(name); it != m_cache.end()) return it->second;
        Block<float> out(m_w);
        if (auto b = m_v.bands.find(name); b != m_v.bands.end()) {
            b->second.source->read(b->second.band, m_w, out);
            note_raw(out);
        } else if (auto ix = m_v.indices.find(name); ix != m_v.indices.end()) {
            science::BandSpans spans;
            for (auto band : science::required_bands(ix->second)) {
                const auto& blk = get(std::string(science::band_name(band)));
                spans.set(band, blk.px, blk.valid);
            }
            science::compute_index(ix->second, spans, out.px, out.valid);
        } else if (name == "elevation") {
            m_v.dem->read(0, m_w, out);
            note_raw(out);
            if (m_v.dem_to_geoid) {
                m_geoid->to_geoid(m_v.grid, out, m_v.dem_metres_per_unit, m_v.geoid_step);
            } else if (m_v.dem_metres_per_unit != 1.0) {
                for (auto& p : out.px) p = static_cast<float>(p * m_v.dem_metres_per_unit);
            }
        } else if (m_v.is_dem_variable(name)) {
            const auto& elev = get("elevation");
            std::vector<std::uint8_t> zones(elev.size());
            science::classify_tidal(elev.px, elev.valid, *m_v.datums, zones);
            for (std::size_t k = 0; k < 3; ++k) {
                Block<float> mask(m_w);
                const auto zone = static_cast<std::uint8_t>(k + 1);
                for (std::size_t i = 0; i < zones.size(); ++i) {
                    mask.px[i] = zones[i] == zone ? 1.0F : 0.0F;
                    mask.valid[i] = zones[i] != 0;
                }
                m_cache.emplace(k_tidal_names[k], std::move(mask));
            }
            return m_cache.at(name);
        } else {
            throw std::logic_error("unknown variable " + name);
        }
        return m_cache.emplace(name, std::move(out)).first->second;
    }

    /// Pixels where every raw input read so far is valid.
    [[nodiscard]] const std::vector<std::uint8_t>& base_valid() {
        if (m_base.empty()) m_base.assign(static_cast<std::size_t>(m_w.size()), 1);
        return m_base;
    }

private:
    void note_raw(const Block<float>& b) {
        auto& base = const_cast<std::vector<std::uint8_t>&>(base_valid());
        for (std::size_t i = 0; i < base.size(); ++i) base[i] = base[i] & (b.valid[i] != 0 ? 1 : 0);
    }
    const Variables& m_v;
    Window m_w;
    GeoidConverter* m_geoid;
    std::map<std::string, Block<float>> m_cache;
    std::vector<std::uint8_t> m_base;
};

// ---------------------------------------------------------------------------------------------------------

Grid analysis_grid(const config::ProjectConfig& cfg) {
    if (cfg.grid.crs) {
        const CrsInfo crs = crs_from_user(*cfg.grid.crs);
        const double rx = *cfg.grid.resolution_x, ry = *cfg.grid.resolution_y;
        Extent e;
        if (cfg.grid.extent) {
            e = *cfg.grid.extent;
        } else {
            // The primary input's extent, which must already be in this CRS.
            const auto* in = cfg.input(cfg.primary_input());
            if (!in) throw ConfigError(cfg.grid.origin.str() + ": crs without extent needs an input raster");
            const Grid g = read_grid(in->path);
            if (!same_crs(g.crs(), crs))
                throw ConfigError(cfg.grid.origin.str() + ": give extent = [xmin, ymin, xmax, ymax] in " + crs.name +
                                  " (the primary input " + in->path.filename().string() + " is in " + g.crs().name + ")");
            e = g.extent();
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


science::BiomassModel load_biomass_model(const fs::path& path, const config::Origin& origin) {
    std::ifstream f(path);
    if (!f) throw InputError(fmt::format("{}: cannot read the biomass model {}", origin.str(), path.string()));
    json j;
    try {
        j = json::parse(f);
    } catch (const std::exception& e) {
        throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
    }
    auto need = [&](const char* key) -> const json& {
        if (!j.contains(key)) throw InputError(fmt::format("{}: missing \"{}\"", path.string(), key));
        return j.at(key);
    };
    science::BiomassModel m;
    m.source = path.string();
    try {
        m.predictors = need("predictors").get<std::vector<std::string>>();
        m.coefficients = need("coefficients").get<std::vector<double>>();
        m.intercept = need("intercept").get<double>();
        m.residual_sigma_t_dm_per_ha = j.value("residual_sigma", 0.0);
        m.cv_rmse_t_dm_per_ha = need("cv_rmse").get<double>();
        for (const auto& h : need("habitats").get<std::vector<std::string>>()) {
            const auto hab = science::parse_habitat(h);
            if (!hab) throw InputError(fmt::format("{}: habitats: unknown habitat \"{}\"", path.string(), h));
            m.habitats.push_back(*hab);
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fmt::format("{}: {}", path.string(), e.what()));
    }
    try {
        m.validate();
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{}: {}", path.string(), e.what()));
    }
    return m;
}

// Per-tile result of the classification/stock pass.
struct TileResult {
    science::TileStockSums sums;
    std::vector<std::int64_t> unmapped;
};

}  // namespace

void run_stock_pipeline(const CliContext& ctx, const StockPipelineOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    const config::ProjectConfig cfg = config::load_project(o.project);
    ensure_gdal_ready();
    const int threads = o.threads_given ? o.common.threads : cfg.processing.threads;
    const std::int64_t tile = o.tile_given ? o.common.tile : cfg.processing.tile;
    const TileExecutor exec(threads);

    // ---- grid and inputs (every check before any output exists) ----
    const Grid grid = analysis_grid(cfg);
    const auto primary_name = cfg.primary_input();
    std::map<std::string, std::unique_ptr<RasterSource>> sources;
    auto open = [&](const config::RasterInput& in) -> RasterSource& {
        auto& s = sources[in.name];
        if (!s) {
            RasterSourceOptions so;
            for (const auto& [name, sel] : in.bands) so.bands.push_back(sel);
            so.scale = in.scale;
            so.offset = in.offset;
            so.nodata = in.nodata;
            so.resampling = to_io(in.resampling);
            so.grid_name = primary_name.empty() ? std::string() : primary_name;
            s = RasterSource::open_aligned(in.path, grid, so);
        }
        return *s;
    };

    Variables vars;
    vars.grid = grid;
    const bool rules_mode = cfg.habitat.source == config::HabitatSource::rules;
    const bool need_variables = rules_mode || (o.with_stock && cfg.stock.biomass_model);
    std::optional<science::HabitatRules> rules;
    std::optional<science::BiomassModel> model;
    std::set<std::string> needed;  // variable names some step reads
    if (need_variables) {
        // Names offered: every named band of every raster input, indices whose bands are all named, DEM values.
        for (const auto& [iname, in] : cfg.rasters) {
            for (std::size_t b = 0; b < in.bands.size(); ++b) {
                const auto& bname = in.bands[b].first;
                if (vars.bands.count(bname))
                    throw ConfigError(fmt::format("{}: band name \"{}\" is used by two inputs",
                                                  in.band_origins.at(bname).str(), bname));
                vars.bands[bname] = BandRef{nullptr, static_cast<int>(b)};
            }
        }
        std::map<std::string, std::string> hints;
        for (auto idx : science::all_indices()) {
            bool ok = true;
            std::string missing;
            for (auto band : science::required_bands(idx)) {
                if (!vars.bands.count(std::string(science::band_name(band)))) {
                    ok = false;
                    missing += (missing.empty() ? "" : ", ") + std::string(science::band_name(band));
                }
            }
            if (ok) vars.indices[std::string(science::index_name(idx))] = idx;
            else hints[std::string(science::index_name(idx))] = "needs band(s) " + missing + " in [inputs]";
        }
        if (cfg.dem) {
            vars.dem_available = true;
            if (cfg.tidal) vars.datums = cfg.tidal->datums;
        }
        for (const auto& n : k_tidal_names) hints.emplace(n, "needs [inputs.dem] and [tidal]");
        hints.emplace("elevation", "needs [inputs.dem]");
        const auto known = vars.known();
        if (rules_mode) {
            rules.emplace(cfg.habitat.rules, cfg.habitat.fallback, known, hints);
            for (const auto& v : rules->variables()) needed.insert(v);
        }
        if (o.with_stock && cfg.stock.biomass_model) {
            model = load_biomass_model(*cfg.stock.biomass_model, cfg.stock.biomass_model_origin);
            for (const auto& p : model->predictors) {
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
        if (auto ix = vars.indices.find(n); ix != vars.indices.end())
            for (auto band : science::required_bands(ix->second)) raw.insert(std::string(science::band_name(band)));
        else if (vars.bands.count(n)) raw.insert(n);
    }
    for (const auto& [iname, in] : cfg.rasters) {
        bool used = false;
        for (const auto& [bname, sel] : in.bands) used = used || raw.count(bname);
        if (!used) continue;
        auto& src = open(in);
        for (std::size_t b = 0; b < in.bands.size(); ++b) vars.bands[in.bands[b].first].source = &src;
    }
    const bool uses_dem = std::any_of(needed.begin(), needed.end(), [&](const std::string& n) {
        return n == "elevation" || std::find(k_tidal_names.begin(), k_tidal_names.end(), n) != k_tidal_names.end();
    });
    if (uses_dem) {
        const auto& dem = *cfg.dem;
        // Conversion needs a vertical unit (stated in the project or by the file) and the geoid grid.
        std::string unit = dem.vertical_unit.value_or("");
        const bool from_file = !dem.vertical_unit;
        if (from_file) unit = raster_band_unit(dem.raster.path, std::stoi(dem.raster.bands.at(0).second));
        if (unit.empty()) {
            if (!dem.heights_above_geoid)
                throw InputError(fmt::format("{}: {} has no vertical unit (its band states none), needed to convert "
                                             "heights to the geoid; set inputs.dem.vertical_unit = \"m\"",
                                             dem.raster.origin.str(), dem.raster.path.filename().string()));
            unit = "m";
        }
        const auto metres = vertical_unit_to_metres(unit);
        if (!metres)
            throw InputError(fmt::format("{}: unknown vertical unit \"{}\"{} (m, cm, ft, US survey foot)",
                                         dem.raster.origin.str(), unit, from_file ? " in the DEM" : ""));
        vars.dem_metres_per_unit = *metres;
        vars.dem_to_geoid = !dem.heights_above_geoid;
        if (vars.dem_to_geoid) {
            try {
                vars.geoid_grid = find_geoid_grid(cfg.tidal->geoid_grid, cfg.dir);
            } catch (const CrsError& e) {
                throw CrsError(cfg.tidal->geoid_origin.str() + ": " + e.what());
            }
            vars.geoid_step = cfg.tidal->geoid_step_px;
            GeoidConverter probe(grid.crs(), vars.geoid_grid);  // fails now if PROJ cannot use the grid
        }
        vars.dem = &open(dem.raster);
    }
    const RasterSource* class_source = nullptr;
    if (!rules_mode) class_source = &open(*cfg.habitat.map);

    // Habitats the run can produce: for the Tier-1 check before any work.
    std::vector<Habitat> producible;
    if (rules_mode) {
        for (const auto& r : cfg.habitat.rules) producible.push_back(r.habitat);
        producible.push_back(cfg.habitat.fallback);
    } else {
        for (const auto& [code, h] : cfg.habitat.classes.entries()) producible.push_back(h);
    }
    std::sort(producible.begin(), producible.end());
    producible.erase(std::unique(producible.begin(), producible.end()), producible.end());

    std::optional<science::Tier1Table> table;
    std::optional<science::PoolModel> pools;
    if (o.with_stock) {
        table = science::Tier1Table::load(cfg.tier1.table.value_or(data_dir() / "tier1_pools.csv"));
        for (const auto& ov : cfg.tier1.overrides) table->apply_override(ov);
        pools.emplace(*table, cfg.climate_zone, cfg.stock.soil, producible, model ? &*model : nullptr);
    }

    const RasterSource* plan_source = sources.count(primary_name) ? sources.at(primary_name).get() : nullptr;
    if (!plan_source && !sources.empty()) plan_source = sources.begin()->second.get();
    const TilePlan plan = plan_source && !plan_source->is_warped()
                              ? TilePlan::aligned_to_blocks(grid, tile, tile, plan_source->block_width(),
                                                            plan_source->block_height())
                              : TilePlan(grid, tile, tile);
    const auto tiles = plan.all();
    std::vector<std::unique_ptr<GeoidConverter>> geoids(static_cast<std::size_t>(exec.threads()));
    auto geoid_for = [&](int slot) -> GeoidConverter* {
        if (!vars.dem_to_geoid) return nullptr;
        auto& g = geoids[static_cast<std::size_t>(slot)];
        if (!g) g = std::make_unique<GeoidConverter>(grid.crs(), vars.geoid_grid);
        return g.get();
    };

    // ---- pass 1: scene statistics for otsu()/percentile() ----
    std::map<std::string, double> thresholds;
    if (rules && !rules->statistics().empty()) {
        std::set<std::string> stat_vars;
        for (const auto& s : rules->statistics()) stat_vars.insert(s.variable);
        const std::vector<std::string> names(stat_vars.begin(), stat_vars.end());
        std::vector<science::SceneHistogram> scene(names.size());
        std::vector<std::optional<std::vector<science::SceneHistogram>>> slots(static_cast<std::size_t>(exec.threads()));
        const auto progress = make_progress(ctx, o.common, "statistics", static_cast<std::int64_t>(tiles.size()));
        exec.run_ordered(
            tiles.size(),
            [&](std::size_t p, int slot) {
                const Window w = plan.window(tiles[p]);
                TileVars tv(vars, w, geoid_for(slot));
                std::vector<science::SceneHistogram> hist(names.size());
                for (std::size_t i = 0; i < names.size(); ++i) {
                    const auto& b = tv.get(names[i]);
                    hist[i].add(b.px, b.valid);
                }
                slots[static_cast<std::size_t>(slot)] = std::move(hist);
            },
            [&](std::size_t, int slot) {
                auto& h = slots[static_cast<std::size_t>(slot)];
                for (std::size_t i = 0; i < names.size(); ++i) scene[i].merge((*h)[i]);
                h.reset();
            },
            progress.get());
        progress->finish();
        for (const auto& s : rules->statistics()) {
            const auto i = static_cast<std::size_t>(std::find(names.begin(), names.end(), s.variable) - names.begin());
            const auto v = s.kind == science::SceneStatistic::Kind::otsu ? scene[i].otsu() : scene[i].percentile(s.p);
            if (!v)
                throw InputError(fmt::format("habitat rules: {} is undefined on this scene ({} valid pixels of {})",
                                             s.key(), scene[i].total(), s.variable));
            thresholds[s.key()] = *v;
        }
        rules->set_statistics(thresholds);
    }

    // ---- outputs: all staged in one transaction ----
    ensure_writable_dir(cfg.output_dir);
    OutputTransaction transaction;
    std::map<std::string, std::string> provenance = {{"BLUECARBON_VERSION", k_version},
                                                     {"BLUECARBON_PROJECT", cfg.name},
                                                     {"BLUECARBON_HABITAT_SOURCE", rules_mode ? "rules" : "map"}};
    for (const auto& [k, v] : thresholds) provenance["BLUECARBON_THRESHOLD_" + k] = fmt::format("{:.17g}", v);
    if (table) {
        provenance["BLUECARBON_TIER1_TABLE"] = table->file_name();
        provenance["BLUECARBON_TIER1_VERSION"] = table->version();
        provenance["BLUECARBON_CLIMATE_ZONE"] = std::string(science::climate_zone_name(cfg.climate_zone));
        provenance["BLUECARBON_SOIL"] = std::string(science::soil_type_name(cfg.stock.soil));
        std::string ov;
        for (const auto& r : table->overrides())
            ov += fmt::format("{}{}={} ({}; {})", ov.empty() ? "" : "; ", r.key(), r.value, r.source, r.origin);
        provenance["BLUECARBON_TIER1_OVERRIDES"] = ov.empty() ? "none" : ov;
        if (model) provenance["BLUECARBON_BIOMASS_MODEL"] = model->source;
    }

    RasterSinkOptions hab_opts;
    hab_opts.type = PixelType::uint8;
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
    RasterSink habitat_sink(cfg.output_dir / "habitat.tif", grid, hab_opts, &transaction);

    std::vector<std::unique_ptr<RasterSink>> pool_sinks;  // agb, bgb, dead, soc, total, uncertainty
    if (o.with_stock) {
        auto make = [&](const std::string& stem, const std::string& desc) {
            RasterSinkOptions so;
            so.type = PixelType::float32;
            so.nodata = k_stock_nodata;
            so.description = desc;
            so.unit = "Mg C/ha";
            so.metadata = provenance;
            pool_sinks.push_back(std::make_unique<RasterSink>(cfg.output_dir / (stem + ".tif"), grid, so, &transaction));
        };
        make("stock_agb", "above-ground biomass carbon");
        make("stock_bgb", "below-ground biomass carbon");
        make("stock_dead", "dead wood and litter carbon");
        make("stock_soc", "soil organic carbon to 1 m");
        make("stock_total", "total carbon stock");
        make("uncertainty", "90 % confidence half-width of the total stock");
    }

    // ---- pass 2: habitat (and pools) per tile ----
    science::SceneStockSums scene_sums(grid.height());
    std::vector<std::int64_t> unmapped;
    std::vector<double> row_area(static_cast<std::size_t>(grid.height()));
    for (std::int64_t r = 0; r < grid.height(); ++r) row_area[static_cast<std::size_t>(r)] = grid.cell_area_m2(r);
    const auto predictors = pools ? pools->model_predictors() : std::vector<std::string>{};
    std::vector<std::optional<TileResult>> slots(static_cast<std::size_t>(exec.threads()));
    {
        const auto progress = make_progress(ctx, o.common, o.with_stock ? "stock" : "habitat",
                                            static_cast<std::int64_t>(tiles.size()));
        exec.run_ordered(
            tiles.size(),
            [&](std::size_t p, int slot) {
                const Window w = plan.window(tiles[p]);
                TileResult res;
                res.sums.reset(w.row_off, w.rows);
                Block<std::uint8_t> hab(w, science::k_habitat_nodata, 0);
                TileVars tv(vars, w, geoid_for(slot));
                if (rules) {
                    std::map<std::string, science::RuleVariable> rv;
                    for (const auto& n : rules->pixel_variables()) {
                        const auto& b = tv.get(n);
                        rv[n] = science::RuleVariable{b.px, b.valid};
                    }
                    rules->classify(rv, tv.base_valid(), hab.px);
                } else {
                    Block<float> codes;
                    class_source->read(0, w, codes);
                    cfg.habitat.classes.apply(codes.px, codes.valid, hab.px, res.unmapped);
                }
                for (std::size_t i = 0; i < hab.size(); ++i) hab.valid[i] = hab.px[i] != science::k_habitat_nodata;
                if (!res.unmapped.empty()) {  // the run fails at the end; skip the work
                    slots[static_cast<std::size_t>(slot)] = std::move(res);
                    return;
                }
                habitat_sink.write(hab);
                if (pools) {
                    std::vector<Block<float>> out(science::k_pool_count + 1, Block<float>(w));
                    Block<std::uint8_t> valid(w);
                    science::PoolSpans ps;
                    for (std::size_t k = 0; k < science::k_pool_count; ++k) ps.density[k] = out[k].px;
                    ps.uncertainty_90 = out[science::k_pool_count].px;
                    ps.valid = valid.px;
                    std::vector<std::span<const float>> pv;
                    std::vector<std::span<const std::uint8_t>> pm;
                    for (const auto& n : predictors) {
                        const auto& b = tv.get(n);
                        pv.emplace_back(b.px);
                        pm.emplace_back(b.valid);
                    }
                    const std::span<const double> areas(row_area.data() + w.row_off, static_cast<std::size_t>(w.rows));
                    pools->compute(hab.px, w.cols, pv, pm, ps, &res.sums, areas);
                    for (std::size_t k = 0; k <= science::k_pool_count; ++k) {
                        out[k].valid = valid.px;
                        pool_sinks[k]->write(out[k]);
                    }
                } else {
                    for (std::int64_t r = 0; r < w.rows; ++r)
                        for (std::int64_t c = 0; c < w.cols; ++c) {
                            const auto code = hab.px[hab.index(c, r)];
                            if (code != science::k_habitat_nodata) ++res.sums.counts[static_cast<std::size_t>(r)][code - 1];
                        }
                }
                slots[static_cast<std::size_t>(slot)] = std::move(res);
            },
            [&](std::size_t, int slot) {
                auto& r = slots[static_cast<std::size_t>(slot)];
                science::merge_unmapped_codes(unmapped, r->unmapped);
                if (unmapped.empty()) scene_sums.merge(r->sums);
                r.reset();
            },
            progress.get());
        progress->finish();
    }
    if (!unmapped.empty()) {
        throw InputError(fmt::format("{}: class codes {} occur in {} but are not in [habitat.classes]; map every "
                                     "code to a habitat",
                                     cfg.habitat.classes_origin.str(), fmt::join(unmapped, ", "),
                                     cfg.habitat.map->path.filename().string()));
    }

    // ---- summaries ----
    std::vector<science::HabitatSummary> summary;
    if (pools) {
        summary = scene_sums.summarize(*pools, row_area);
    } else {
        summary = scene_sums.areas(row_area);
    }

    // Finish the rasters (COG conversion) in parallel, then the tables, then publish everything at once.
    std::vector<RasterSink*> all_sinks{&habitat_sink};
    for (auto& s : pool_sinks) all_sinks.push_back(s.get());
    exec.parallel_for(all_sinks.size(), [&](std::size_t i, int) { all_sinks[i]->finish(); });

    json report;
    report["command"] = o.with_stock ? "stock" : "habitat";
    report["project"] = o.project.string();
    report["bluecarbon_version"] = k_version;
    report["grid"] = {{"crs", grid.crs().name},
                      {"width", grid.width()},
                      {"height", grid.height()},
                      {"geographic", grid.crs().geographic}};
    report["tiles"] = plan.size();
    report["tile_width"] = plan.tile_width();
    report["tile_height"] = plan.tile_height();
    report["threads"] = exec.threads();
    report["habitat_source"] = rules_mode ? "rules" : "map";
    report["thresholds"] = json::object();
    for (const auto& [k, v] : thresholds) report["thresholds"][k] = v;
    if (table) {
        json t;
        t["file"] = table->file_name();
        t["version"] = table->version();
        t["climate_zone"] = science::climate_zone_name(cfg.climate_zone);
        t["soil"] = science::soil_type_name(cfg.stock.soil);
        t["overrides"] = json::array();
        for (const auto& r : table->overrides()) {
            json e{{"key", r.key()}, {"value", r.value}, {"source", r.source}, {"origin", r.origin}};
            if (r.ci95_low) e["ci95"] = {*r.ci95_low, *r.ci95_high};
            t["overrides"].push_back(e);
        }
        report["tier1"] = t;
        if (model) report["biomass_model"] = {{"file", model->source}, {"fallback_pixels", scene_sums.model_fallback_pixels()}};
    }
    json hab_json = json::array();
    for (const auto& s : summary) {
        json e{{"habitat", science::habitat_name(s.habitat)}, {"pixels", s.pixels}, {"area_ha", s.area_ha}};
        if (o.with_stock) {
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

    std::vector<std::string> outputs = {(cfg.output_dir / "habitat.tif").string()};
    if (o.with_stock) {
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
            csv << "," << (pools->habitat(s.habitat).from_model ? "model" : "tier1") << "\n";
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
    const std::string run_json = o.with_stock ? "stock_run.json" : "habitat_run.json";
    outputs.push_back((cfg.output_dir / run_json).string());
    report["outputs"] = outputs;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report["wall_seconds"] = seconds;
    report["mpixel_per_s"] = seconds > 0 ? static_cast<double>(grid.pixel_count()) / 1e6 / seconds : 0.0;
    report["peak_rss_mb"] = peak_rss_mb();
    write_text_file(cfg.output_dir / run_json, report.dump(2) + "\n", &transaction);
    transaction.commit();

    if (o.common.json) {
        ctx.out << report.dump(2) << '\n';
        return;
    }
    ctx.out << fmt::format("{}: {} x {} pixels ({}), {} tiles, {} threads, {:.2f} s, peak memory {:.0f} MB\n",
                           o.with_stock ? "stock" : "habitat", grid.width(), grid.height(), grid.crs().name,
                           plan.size(), exec.threads(), seconds, peak_rss_mb());
    for (const auto& [k, v] : thresholds) ctx.out << fmt::format("  threshold {} = {:.6g}\n", k, v);
    if (table)
        ctx.out << fmt::format("  Tier-1 table {} version {}, climate zone {}, soil {}, {} override(s)\n",
                               table->file_name(), table->version(), science::climate_zone_name(cfg.climate_zone),
                               science::soil_type_name(cfg.stock.soil), table->overrides().size());
    if (o.with_stock) {
        ctx.out << fmt::format("  {:<17} {:>11} {:>12} {:>12} {:>12} {:>12} {:>14} {:>12}\n", "habitat", "area ha",
                               "AGB Mg C", "BGB Mg C", "dead Mg C", "SOC Mg C", "total Mg C", "±90 %");
        for (const auto& s : summary)
            ctx.out << fmt::format("  {:<17} {:>11.2f} {:>12.1f} {:>12.1f} {:>12.1f} {:>12.1f} {:>14.1f} {:>12.1f}\n",
                                   science::habitat_name(s.habitat), s.area_ha, s.total_mg_c[0], s.total_mg_c[1],
                                   s.total_mg_c[2], s.total_mg_c[3], s.total_mg_c[4], s.half_width_90_mg_c[4]);
    } else {
        for (const auto& s : summary)
            ctx.out << fmt::format("  {:<17} {:>12} pixels {:>12.2f} ha\n", science::habitat_name(s.habitat), s.pixels,
                                   s.area_ha);
    }
    ctx.out << "  outputs in " << cfg.output_dir.string() << "\n";
}

}  // namespace bluecarbon::cli
