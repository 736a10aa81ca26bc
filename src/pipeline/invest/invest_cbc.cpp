// `invest cbc`: InVEST Coastal Blue Carbon 3.x on InVEST's inputs. Each tile reads its snapshot blocks once, runs
// accounting's per-pixel kernel (memory bounded by the number of outputs, whatever the number of years) and writes
// one block per output raster.
#include <bluecarbon/pipeline/invest.hpp>

#include "pipeline/invest/invest_models.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"

#include <bluecarbon/accounting/cbc_block.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/invest_inputs.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/version.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <limits>
#include <memory>

namespace bluecarbon::pipeline {

namespace {
namespace fs = std::filesystem;

// InVEST's NODATA_FLOAT32_MIN.
constexpr double k_cbc_nodata = static_cast<double>(std::numeric_limits<float>::lowest());
// Output values come in runs of a few distinct values per class pair: DEFLATE's fastest level is enough.
constexpr int k_deflate_level = 1;

/// InVEST's utils.make_suffix_string: a non-empty suffix is joined with '_' unless it starts with one.
std::string suffix_of(const std::string& s) { return s.empty() || s.front() == '_' ? s : "_" + s; }

struct TileBuffers {
    std::vector<Block<float>> snapshots;
    std::vector<Block<float>> out;
    accounting::CbcScratch scratch;
};

std::string cbc_json(const InvestCbcRequest& rq, const InvestCbcResult& r) {
    using json = nlohmann::ordered_json;
    json j;
    j["command"] = "invest cbc";
    j["bluecarbon_version"] = k_version;
    j["args"] = rq.args_file.string();
    j["snapshot_years"] = r.snapshot_years;
    j["analysis_year"] = r.analysis_year;
    j["npv_method"] = rq.npv_method == accounting::NpvMethod::invest ? "invest" : "yearly";
    j["width"] = r.grid.width();
    j["height"] = r.grid.height();
    j["tiles"] = r.tiles;
    j["threads"] = r.threads;
    auto& o = j["outputs"];
    o = json::array();
    for (const auto& f : r.outputs) o.push_back(f.file.string());
    j["wall_seconds"] = r.wall_seconds;
    j["peak_rss_mb"] = r.peak_rss_mb;
    return j.dump(2);
}
}  // namespace

InvestCbcResult run_invest_cbc(const InvestCbcRequest& rq, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const TileExecutor executor(resolve_threads(ctx));  // 0: all cores
    const int threads = executor.threads();
    const std::int64_t tile = resolve_tile(ctx);
    const auto compression = choose_compression(rq.compression, rq.compression_level, k_deflate_level);

    // Every input is read and checked before any output exists.
    const InvestCbcArgs args = read_invest_cbc_args(rq.args_file);
    const auto snapshots = read_invest_snapshots(args.landcover_snapshot_csv);
    const int analysis_year = invest_cbc_analysis_year(args, snapshots);
    const accounting::CbcModel model = build_cbc_model(args, snapshots, analysis_year, rq.npv_method);
    const auto outputs = accounting::cbc_outputs(model);

    // The baseline snapshot's grid is the analysis grid; later snapshots are read onto it (nearest neighbour).
    std::vector<std::unique_ptr<RasterSource>> sources;
    sources.push_back(RasterSource::open(snapshots.front().raster));
    const Grid grid = sources.front()->grid();
    RasterSourceOptions aligned;
    aligned.grid_name = snapshots.front().raster.filename().string();
    for (std::size_t k = 1; k < snapshots.size(); ++k) {
        sources.push_back(RasterSource::open_aligned(snapshots[k].raster, grid, aligned));
    }
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, tile, tile, sources.front()->block_width(),
                                                      sources.front()->block_height());

    const fs::path out_dir = args.workspace_dir / "output";
    ensure_writable_dir(out_dir);
    OutputTransaction transaction;
    std::vector<std::unique_ptr<RasterSink>> sinks;
    InvestCbcResult result{grid, model.snapshot_years(), analysis_year, plan.size(), threads, {}, 0, 0, {}};
    const std::string suffix = suffix_of(args.results_suffix);
    for (const auto& o : outputs) {
        RasterSinkOptions so;
        so.type = PixelType::float32;
        so.compression = compression.codec;
        so.compression_level = compression.level;
        so.gdal_threads = threads;  // plain GeoTIFFs compress while the tiles are written
        so.nodata = k_cbc_nodata;
        so.cog = false;  // InVEST writes plain GeoTIFFs
        so.description = o.name;
        so.unit = o.kind == accounting::CbcOutputKind::npv ? "currency/ha" : "CO2e/ha";
        so.metadata = {{"BLUECARBON_VERSION", k_version}, {"BLUECARBON_MODEL", "InVEST Coastal Blue Carbon 3.x"}};
        const fs::path file = out_dir / (o.name + suffix + ".tif");
        sinks.push_back(std::make_unique<RasterSink>(file, grid, so, &transaction));
        result.outputs.push_back({o.name, file});
    }

    Phase phase(ctx, "invest cbc", static_cast<std::int64_t>(plan.size()));
    const auto tiles = plan.all();
    try {
        executor.run<int>(
            plan, tiles,
            [&](std::size_t, const Window& w) {
                phase.check_cancel();
                thread_local TileBuffers buf;
                buf.snapshots.resize(sources.size());
                buf.out.resize(outputs.size());
                std::vector<const Block<float>*> snaps;
                for (std::size_t k = 0; k < sources.size(); ++k) {
                    sources[k]->read(0, w, buf.snapshots[k]);
                    snaps.push_back(&buf.snapshots[k]);
                }
                accounting::run_cbc_block(model, outputs, snaps, buf.out, buf.scratch);
                for (std::size_t o = 0; o < outputs.size(); ++o) sinks[o]->write(buf.out[o]);
                return 0;
            },
            [&](std::size_t, int&&) { phase.tick(); });
    } catch (const accounting::UnknownClassError& e) {
        // Name the raster the code was found in.
        for (const auto& s : snapshots) {
            if (s.year == e.snapshot_year()) throw InputError(s.raster.string() + ": " + e.what());
        }
        throw;
    }
    phase.finish();
    std::vector<RasterSink*> raw;
    for (auto& s : sinks) raw.push_back(s.get());
    RasterSink::finish_all(raw, threads);
    transaction.commit();

    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.peak_rss_mb = peak_rss_mb();
    result.json = cbc_json(rq, result);
    return result;
}

}  // namespace bluecarbon::pipeline
