// `invest cbc`: InVEST Coastal Blue Carbon 3.x on InVEST's inputs. Each tile reads its snapshot blocks once, runs
// accounting's per-pixel kernel (memory bounded by the number of outputs, whatever the number of years) and writes
// one block per output raster.
#include <bluecarbon/pipeline/invest.hpp>

#include "pipeline/finish_rasters.hpp"
#include "pipeline/invest/invest_models.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"
#include "pipeline/shard/merges.hpp"
#include "pipeline/shard/tile_shards.hpp"

#include <bluecarbon/accounting/cbc_block.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/invest_inputs.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <limits>
#include <memory>
#include <optional>

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
// What every CBC run (one process, a shard, a merge) opens and checks first: the model, the snapshots read onto
// the baseline's grid, the plan.
struct CbcRun {
    InvestCbcArgs args;
    std::vector<InvestSnapshot> snapshots;
    int analysis_year{0};
    std::optional<accounting::CbcModel> model;  // no default state
    std::vector<accounting::CbcOutput> outputs;
    std::vector<std::unique_ptr<RasterSource>> sources;
    std::optional<TilePlan> plan;
};

CbcRun open_cbc(const InvestCbcRequest& rq, std::int64_t tile) {
    CbcRun c;
    c.args = read_invest_cbc_args(rq.args_file);
    c.snapshots = read_invest_snapshots(c.args.landcover_snapshot_csv);
    c.analysis_year = invest_cbc_analysis_year(c.args, c.snapshots);
    c.model.emplace(build_cbc_model(c.args, c.snapshots, c.analysis_year, rq.npv_method));
    c.outputs = accounting::cbc_outputs(*c.model);
    // The baseline snapshot's grid is the analysis grid; later snapshots are read onto it (nearest neighbour).
    c.sources.push_back(RasterSource::open(c.snapshots.front().raster));
    const Grid grid = c.sources.front()->grid();
    RasterSourceOptions aligned;
    aligned.grid_name = c.snapshots.front().raster.filename().string();
    for (std::size_t k = 1; k < c.snapshots.size(); ++k)
        c.sources.push_back(RasterSource::open_aligned(c.snapshots[k].raster, grid, aligned));
    c.plan = TilePlan::aligned_to_blocks(grid, tile, tile, c.sources.front()->block_width(),
                                         c.sources.front()->block_height());
    return c;
}

std::vector<std::unique_ptr<RasterSink>> make_sinks(const InvestCbcRequest& rq, const CbcRun& c, const fs::path& dir,
                                                    int threads, OutputTransaction& transaction,
                                                    std::vector<InvestOutputFile>* files) {
    const auto compression = choose_compression(rq.compression, rq.compression_level, k_deflate_level);
    std::vector<std::unique_ptr<RasterSink>> sinks;
    const std::string suffix = suffix_of(c.args.results_suffix);
    for (const auto& o : c.outputs) {
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
        const fs::path file = dir / (o.name + suffix + ".tif");
        sinks.push_back(std::make_unique<RasterSink>(file, c.plan->grid(), so, &transaction));
        if (files) files->push_back({o.name, file});
    }
    return sinks;
}

// One tile: the snapshot blocks read once, the per-pixel kernel, one block per output.
void compute_tile(const CbcRun& c, const std::vector<std::unique_ptr<RasterSink>>& sinks, const Window& w) {
    thread_local TileBuffers buf;
    buf.snapshots.resize(c.sources.size());
    buf.out.resize(c.outputs.size());
    std::vector<const Block<float>*> snaps;
    for (std::size_t k = 0; k < c.sources.size(); ++k) {
        c.sources[k]->read(0, w, buf.snapshots[k]);
        snaps.push_back(&buf.snapshots[k]);
    }
    try {
        accounting::run_cbc_block(*c.model, c.outputs, snaps, buf.out, buf.scratch);
    } catch (const accounting::UnknownClassError& e) {
        for (const auto& s : c.snapshots)  // name the raster the code was found in
            if (s.year == e.snapshot_year()) throw InputError(s.raster.string() + ": " + e.what());
        throw;
    }
    for (std::size_t o = 0; o < c.outputs.size(); ++o) sinks[o]->write(buf.out[o]);
}

InvestCbcResult make_result(const InvestCbcRequest& rq, const CbcRun& c, int threads,
                            std::vector<InvestOutputFile> files, std::chrono::steady_clock::time_point t0) {
    InvestCbcResult r{c.plan->grid(), c.model->snapshot_years(), c.analysis_year, c.plan->size(), threads,
                      std::move(files), 0, 0, {}, {}, {}};
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peak_rss_mb = peak_rss_mb();
    r.json = cbc_json(rq, r);
    return r;
}

// Shards: the request in the manifest, every input file hashed; a tile's partial result is empty.
shard::Manifest describe(const InvestCbcRequest& rq, const CbcRun& c, std::int64_t tile, ShardSpec spec) {
    shard::Manifest m = shard::make_manifest(*c.plan, spec.index, spec.count);
    m.tool_version = k_version;
    m.command = "invest cbc";
    m.parameters = {{"args", fs::absolute(rq.args_file).string()},
                    {"npv", rq.npv_method == accounting::NpvMethod::invest ? "invest" : "yearly"},
                    {"compression", rq.compression},
                    {"compression_level", std::to_string(rq.compression_level)},
                    {"tile", std::to_string(tile)}};
    std::vector<std::pair<std::string, fs::path>> files{{"args", fs::absolute(rq.args_file)},
                                                         {"snapshots", c.args.landcover_snapshot_csv},
                                                         {"biophysical", c.args.biophysical_table_path},
                                                         {"transitions", c.args.landcover_transitions_table}};
    if (c.args.price_table_path) files.emplace_back("prices", *c.args.price_table_path);
    for (const auto& s : c.snapshots) files.emplace_back("snapshot " + std::to_string(s.year), s.raster);
    m.inputs = hash_inputs(files);
    return m;
}

InvestCbcResult merge_result(const fs::path& dir, const std::vector<shard::Manifest>& shards,
                             const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const shard::Manifest& m = shards.front();
    const auto& p = m.parameters;
    InvestCbcRequest rq;
    rq.args_file = p.at("args");
    if (p.at("npv") == "yearly") rq.npv_method = accounting::NpvMethod::yearly;
    rq.compression = p.at("compression");
    rq.compression_level = std::stoi(p.at("compression_level"));
    const std::int64_t tile = std::stoll(p.at("tile"));
    const CbcRun c = open_cbc(rq, tile);
    if (const auto diff = shard::differences(m, describe(rq, c, tile, {0, m.count}), true); !diff.empty())
        throw InputError(fmt::format("merge: the inputs changed since the shards ran: {}", fmt::join(diff, "; ")));
    const TileExecutor exec(resolve_threads(ctx));
    OutputTransaction transaction;
    std::vector<InvestOutputFile> files;
    const auto sinks = make_sinks(rq, c, dir, exec.threads(), transaction, &files);
    std::vector<RasterSink*> raw;
    for (const auto& s : sinks) raw.push_back(s.get());
    const shard::MergeRecords records(dir, shards, [&](const shard::Manifest& s) {
        return c.plan->shard(s.index, s.count);
    });
    shard::replay(records, *c.plan, raw, exec, ctx, [](std::size_t, std::span<const std::byte>) {});
    finish_rasters(ctx, raw, exec.threads());
    transaction.commit();
    return make_result(rq, c, exec.threads(), std::move(files), t0);
}

InvestCbcResult run_sharded(const InvestCbcRequest& rq, const RunContext& ctx, const CbcRun& c,
                            const TileExecutor& exec, std::int64_t tile) {
    const auto t0 = std::chrono::steady_clock::now();
    const ShardSpec spec = shard::spec_of(ctx);
    const fs::path out = fs::absolute(c.args.workspace_dir / "output");
    const shard::Manifest m = describe(rq, c, tile, spec);
    bool resuming = false;
    const fs::path folder = shard::open_shard_folder(out, m, ctx.resume, resuming);
    shard::ShardRun run;
    {
        OutputTransaction never_committed;  // the sinks' (never finished) temporaries stay in the shard folder
        const auto sinks = make_sinks(rq, c, folder, exec.threads(), never_committed, nullptr);
        std::vector<RasterSink*> raw;
        for (const auto& s : sinks) raw.push_back(s.get());
        run = shard::run_shard_tiles(folder, resuming, *c.plan, c.plan->shard(spec.index, spec.count), raw, exec,
                                     ctx, "invest cbc", [&](std::size_t t) {
                                         compute_tile(c, sinks, c.plan->window(t));
                                         return std::vector<std::byte>();
                                     });
    }
    if (!ctx.shard) {  // a checkpointed run: shard 0 of 1, merged, its folder removed
        InvestCbcResult r = merge_result(out, {shard::read_manifest(folder)}, ctx);
        shard::remove_shard_folder(folder);
        return r;
    }
    InvestCbcResult r = make_result(rq, c, exec.threads(), {}, t0);
    r.shard_folder = run.folder;
    r.shard = fmt::format("shard {} of {}: {} tiles computed, {} resumed -> {}", spec.index, spec.count,
                          run.computed, run.resumed, folder.string());
    return r;
}

}  // namespace

InvestCbcResult run_invest_cbc(const InvestCbcRequest& rq, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const TileExecutor executor(resolve_threads(ctx));  // 0: all cores
    const int threads = executor.threads();
    const std::int64_t tile = resolve_tile(ctx);
    // Every input is read and checked before any output exists.
    const CbcRun c = open_cbc(rq, tile);
    if (ctx.shard || ctx.resume) return run_sharded(rq, ctx, c, executor, tile);

    const fs::path out_dir = c.args.workspace_dir / "output";
    ensure_writable_dir(out_dir);
    OutputTransaction transaction;
    std::vector<InvestOutputFile> files;
    const auto sinks = make_sinks(rq, c, out_dir, threads, transaction, &files);
    const TilePlan& plan = *c.plan;
    Phase phase(ctx, "invest cbc", static_cast<std::int64_t>(plan.size()));
    const auto tiles = plan.all();
    executor.run<int>(
        plan, tiles,
        [&](std::size_t, const Window& w) {
            phase.check_cancel();
            compute_tile(c, sinks, w);
            return 0;
        },
        [&](std::size_t, int&&) { phase.tick(); });
    phase.finish();
    std::vector<RasterSink*> raw;
    for (auto& s : sinks) raw.push_back(s.get());
    finish_rasters(ctx, raw, threads);
    transaction.commit();
    return make_result(rq, c, threads, std::move(files), t0);
}

namespace shard {

Merged merge_invest_cbc(const fs::path& dir, const std::vector<Manifest>& shards, const RunContext& ctx) {
    const InvestCbcResult r = merge_result(dir, shards, ctx);
    return {r.json, summary_text(r)};
}

}  // namespace shard

}  // namespace bluecarbon::pipeline
