// `invest carbon`: InVEST's Carbon storage and sequestration model on its own inputs. Pixels are looked up per
// landcover code; totals come from exact per-code (and per code pair) pixel counts merged in tile order, so they
// do not depend on tiling or threads.
#include <bluecarbon/pipeline/invest.hpp>

#include "pipeline/finish_rasters.hpp"
#include "pipeline/phase.hpp"

#include <bluecarbon/accounting/carbon_storage.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/invest_inputs.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/version.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace bluecarbon::pipeline {

namespace {
namespace fs = std::filesystem;

constexpr double k_carbon_nodata = -1.0;                                    // InVEST's _CARBON_NODATA
constexpr double k_npv_nodata = std::numeric_limits<float>::max();          // float32 max, as InVEST's NPV map
constexpr std::int64_t k_none = std::numeric_limits<std::int64_t>::min();  // a nodata pixel's code
constexpr std::array<const char*, 4> k_pools = {"c_above", "c_below", "c_soil", "c_dead"};

std::string suffix_of(const std::string& s) { return s.empty() || s.front() == '_' ? s : "_" + s; }

// Per tile: pixel counts by code (baseline, alternate) and by code pair.
struct Counts {
    std::map<std::int64_t, std::int64_t> bas, alt;
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> pairs;
};

std::int64_t code_at(const Block<float>& b, std::size_t i, const fs::path& raster) {
    if (!b.valid[i]) return k_none;
    const float v = b.px[i];
    if (v != std::floor(v)) {
        throw InputError(raster.string() + ": pixel value " + std::to_string(v) + " is not a whole landcover code");
    }
    return static_cast<std::int64_t>(v);
}

struct TileBuffers {
    Block<float> bas, alt;
    std::vector<Block<float>> out;
};
}  // namespace

InvestCarbonResult run_invest_carbon(const InvestCarbonRequest& rq, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const TileExecutor executor(resolve_threads(ctx));  // 0: all cores
    const int threads = executor.threads();
    const std::int64_t tile = resolve_tile(ctx);
    const auto compression = choose_compression(rq.compression, rq.compression_level, 1);

    const InvestCarbonArgs args = read_invest_carbon_args(rq.args_file);
    std::vector<accounting::CarbonPoolRow> rows;
    for (const auto& r : read_invest_carbon_pools(args.carbon_pools_path)) {
        rows.push_back({r.lucode, r.c_above, r.c_below, r.c_soil, r.c_dead});
    }
    const accounting::CarbonStorageModel model(rows);
    std::optional<double> k;
    if (args.do_valuation) {
        k = accounting::invest_carbon_valuation_constant(*args.price_per_metric_ton_of_c, *args.lulc_bas_year,
                                                         *args.lulc_alt_year, *args.discount_rate_pct / 100.0,
                                                         *args.rate_change_pct / 100.0);
    }

    const auto bas = RasterSource::open(args.lulc_bas_path);
    const Grid grid = bas->grid();
    std::unique_ptr<RasterSource> alt;
    if (args.lulc_alt_path) {
        RasterSourceOptions o;
        o.grid_name = args.lulc_bas_path.filename().string();
        alt = RasterSource::open_aligned(*args.lulc_alt_path, grid, o);
    }
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, tile, tile, bas->block_width(), bas->block_height());

    // Outputs, in a fixed order: pools (bas, then alt) under intermediate_outputs/, storage, change, NPV.
    const std::string suffix = suffix_of(args.results_suffix);
    ensure_writable_dir(args.workspace_dir / "intermediate_outputs");
    OutputTransaction transaction;
    std::vector<std::unique_ptr<RasterSink>> sinks;
    InvestCarbonResult result{grid, plan.size(), threads, k, {}, {}, 0, {}};
    auto add_sink = [&](const fs::path& file, const std::string& description, double nodata, const char* unit) {
        RasterSinkOptions so;
        so.type = PixelType::float32;
        so.compression = compression.codec;
        so.compression_level = compression.level;
        so.gdal_threads = threads;  // plain GeoTIFFs compress while the tiles are written
        so.predictor = false;  // values looked up per class: few distinct values
        so.nodata = nodata;
        so.cog = false;
        so.description = description;
        so.unit = unit;
        so.metadata = {{"BLUECARBON_VERSION", k_version}, {"BLUECARBON_MODEL", "InVEST Carbon storage"}};
        sinks.push_back(std::make_unique<RasterSink>(file, grid, so, &transaction));
        result.files.push_back(file);
    };
    std::vector<std::string> scenarios{"bas"};
    if (alt) scenarios.push_back("alt");
    for (const auto& s : scenarios) {
        for (const char* p : k_pools) {
            add_sink(args.workspace_dir / "intermediate_outputs" / (std::string(p) + "_" + s + suffix + ".tif"),
                     std::string(p) + "_" + s, k_carbon_nodata, "Mg C/ha");
        }
    }
    for (const auto& s : scenarios) {
        add_sink(args.workspace_dir / ("c_storage_" + s + suffix + ".tif"), "c_storage_" + s, k_carbon_nodata,
                 "Mg C/ha");
    }
    if (alt) add_sink(args.workspace_dir / ("c_change_bas_alt" + suffix + ".tif"), "c_change_bas_alt", k_carbon_nodata,
                      "Mg C/ha");
    if (alt && k) add_sink(args.workspace_dir / ("npv_alt" + suffix + ".tif"), "npv_alt", k_npv_nodata, "currency/ha");

    // Unknown codes are reported with the raster they were found in.
    const std::array<std::string, 2> raster_names{args.lulc_bas_path.string(),
                                                  args.lulc_alt_path ? args.lulc_alt_path->string() : std::string()};
    Counts counts;
    Phase phase(ctx, "invest carbon", static_cast<std::int64_t>(plan.size()));
    executor.run<Counts>(
        plan, plan.all(),
        [&](std::size_t, const Window& w) {
            phase.check_cancel();
            thread_local TileBuffers buf;
            bas->read(0, w, buf.bas);
            if (alt) alt->read(0, w, buf.alt);
            buf.out.resize(sinks.size());
            const auto n = static_cast<std::size_t>(w.size());
            for (auto& b : buf.out) {
                b.window = w;
                b.px.assign(n, 0.0f);
                b.valid.assign(n, 0);
            }
            Counts c;
            const std::size_t per = k_pools.size();
            const std::size_t storage = per * scenarios.size();
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t code_b = code_at(buf.bas, i, args.lulc_bas_path);
                const std::int64_t code_a = alt ? code_at(buf.alt, i, *args.lulc_alt_path) : k_none;
                std::array<std::optional<float>, 2> total;
                for (std::size_t s = 0; s < scenarios.size(); ++s) {
                    const std::int64_t code = s == 0 ? code_b : code_a;
                    if (code == k_none) continue;
                    const auto px = model.pixel(code, raster_names[s].c_str());
                    const std::array<double, 4> pools{px.above, px.below, px.soil, px.dead};
                    float sum = 0;  // InVEST sums the float32 pool rasters
                    for (std::size_t p = 0; p < per; ++p) {
                        buf.out[s * per + p].px[i] = static_cast<float>(pools[p]);
                        buf.out[s * per + p].valid[i] = 1;
                        sum += static_cast<float>(pools[p]);
                    }
                    buf.out[storage + s].px[i] = sum;
                    buf.out[storage + s].valid[i] = 1;
                    total[s] = sum;
                    ++(s == 0 ? c.bas : c.alt)[code];
                }
                if (alt && total[0] && total[1]) {
                    const float change = *total[1] - *total[0];
                    buf.out[storage + 2].px[i] = change;
                    buf.out[storage + 2].valid[i] = 1;
                    if (k) {
                        buf.out[storage + 3].px[i] = static_cast<float>(change * *k);
                        buf.out[storage + 3].valid[i] = 1;
                    }
                    ++c.pairs[{code_b, code_a}];
                }
            }
            for (std::size_t o = 0; o < sinks.size(); ++o) sinks[o]->write(buf.out[o]);
            return c;
        },
        [&](std::size_t, Counts&& c) {
            for (const auto& [code, n] : c.bas) counts.bas[code] += n;
            for (const auto& [code, n] : c.alt) counts.alt[code] += n;
            for (const auto& [pair, n] : c.pairs) counts.pairs[pair] += n;
            phase.tick();
        });
    phase.finish();

    // Totals as InVEST reports them: Σ pixel values × pixel area (m²) / 10,000.
    const auto& gt = grid.transform();
    const double area_ha = std::fabs(gt.x_scale * gt.y_scale - gt.x_rot * gt.y_rot) / 10000.0;
    auto storage_of = [&](std::int64_t code) {
        const auto p = model.pixel(code, "lulc");
        float sum = 0;
        for (double v : {p.above, p.below, p.soil, p.dead}) sum += static_cast<float>(v);
        return sum;
    };
    const std::size_t storage = k_pools.size() * scenarios.size();
    auto add_total = [&](const char* name, double sum, const char* units, std::size_t sink) {
        result.totals.push_back({name, sum * area_ha, units, sinks[sink]->path()});
    };
    double bas_sum = 0, alt_sum = 0, change_sum = 0, npv_sum = 0;
    for (const auto& [code, n] : counts.bas) bas_sum += static_cast<double>(n) * storage_of(code);
    for (const auto& [code, n] : counts.alt) alt_sum += static_cast<double>(n) * storage_of(code);
    for (const auto& [pair, n] : counts.pairs) {
        const float change = storage_of(pair.second) - storage_of(pair.first);
        change_sum += static_cast<double>(n) * change;
        if (k) npv_sum += static_cast<double>(n) * static_cast<float>(change * *k);
    }
    add_total("Baseline Carbon Storage", bas_sum, "metric tons", storage);
    if (alt) {
        add_total("Alternate Carbon Storage", alt_sum, "metric tons", storage + 1);
        add_total("Change in Carbon Storage", change_sum, "metric tons", storage + 2);
        if (k) add_total("Net Present Value of Carbon Change", npv_sum, "currency units", storage + 3);
    }

    std::vector<RasterSink*> raw;
    for (auto& s : sinks) raw.push_back(s.get());
    finish_rasters(ctx, raw, threads);
    CsvWriter summary({"Raster", "Total", "Units", "Filename"});
    for (const auto& t : result.totals) {
        summary.add_row({t.raster, format_number(t.total), t.units, t.file.filename().string()});
    }
    const fs::path summary_file = args.workspace_dir / ("raster_values_summary" + suffix + ".csv");
    write_text_file(summary_file, summary.str(), &transaction);
    result.files.push_back(summary_file);
    transaction.commit();

    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    using json = nlohmann::ordered_json;
    json j;
    j["command"] = "invest carbon";
    j["bluecarbon_version"] = k_version;
    j["args"] = rq.args_file.string();
    j["width"] = grid.width();
    j["height"] = grid.height();
    j["tiles"] = result.tiles;
    j["threads"] = threads;
    j["valuation_constant"] = k ? json(*k) : json(nullptr);
    auto& jt = j["totals"];
    jt = json::array();
    for (const auto& t : result.totals) {
        jt.push_back({{"raster", t.raster}, {"total", t.total}, {"units", t.units}, {"file", t.file.string()}});
    }
    j["outputs"] = json::array();
    for (const auto& f : result.files) j["outputs"].push_back(f.string());
    j["wall_seconds"] = result.wall_seconds;
    result.json = j.dump(2);
    return result;
}

}  // namespace bluecarbon::pipeline
