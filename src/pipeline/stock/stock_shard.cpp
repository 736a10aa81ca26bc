// Shards, checkpoints and their merge for the habitat and stock steps. A shard computes its tiles exactly as one
// process does, but its sinks capture each tile's converted blocks (RasterSink::capture_tiles) and the tile's
// partial sums go with them into the shard's journalled store. The merge feeds every record, in plan order, to
// sinks made with the same options and merges the sums in the same order: the rasters (whose COG step depends on
// nothing but the pixels and options) and the tables come out as one process writes them.
#include "pipeline/stock/stock_shard.hpp"

#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"
#include "pipeline/shard/shard_store.hpp"
#include "pipeline/stock/scene_statistics.hpp"
#include "pipeline/stock/stock_inputs.hpp"
#include "pipeline/stock/stock_kernel.hpp"
#include "pipeline/stock/stock_rasters.hpp"
#include "pipeline/stock/sums_codec.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace bluecarbon::pipeline::stock {

namespace fs = std::filesystem;

namespace {


// Every file whose bytes shape the outputs.
std::vector<std::pair<std::string, fs::path>> input_files(const config::ProjectConfig& cfg, const StockInputs& in) {
    std::vector<std::pair<std::string, fs::path>> f{{"project", fs::absolute(cfg.file)}};
    for (const auto& [name, src] : in.sources) f.emplace_back("raster " + name, src->path());
    if (cfg.tier1.table) f.emplace_back("tier1 table", *cfg.tier1.table);
    if (cfg.stock.biomass_model && in.model) f.emplace_back("biomass model", *cfg.stock.biomass_model);
    if (!in.geoid_grid.empty() && fs::is_regular_file(in.geoid_grid)) f.emplace_back("geoid grid", in.geoid_grid);
    return f;
}

// Where the shards of a run in `out` and their merge record the inputs' hashes, so that each input is read once.
fs::path hash_cache(const fs::path& out) { return out / ".input-hashes.json"; }

// The run's manifest but for the scene statistics and, unless `hashed`, the inputs' hashes. `tile`: the requested
// tile edge (the plan rounds it).
shard::Manifest describe(const config::ProjectConfig& cfg, const StockInputs& in, bool with_stock, std::int64_t tile,
                         ShardSpec spec, bool hashed = true) {
    shard::Manifest m = shard::make_manifest(*in.plan, spec.index, spec.count);
    m.tool_version = k_version;
    m.command = with_stock ? "stock" : "habitat";
    m.project = fs::absolute(cfg.file);
    m.parameters = {{"compression", cfg.processing.compression},
                    {"compression_level", std::to_string(cfg.processing.compression_level)},
                    {"tile", std::to_string(tile)}};
    m.rasters = {"habitat.tif"};
    if (with_stock)
        for (const char* r : {"stock_agb.tif", "stock_bgb.tif", "stock_dead.tif", "stock_soc.tif", "stock_total.tif",
                              "uncertainty.tif", "uncertainty_agb.tif", "uncertainty_bgb.tif", "uncertainty_dead.tif",
                              "uncertainty_soc.tif"})
            m.rasters.emplace_back(r);
    if (hashed) m.inputs = hash_inputs(input_files(cfg, in), hash_cache(cfg.output_dir));
    return m;
}

// Whether `out` holds a shard folder with a manifest (a checkpoint or a sibling shard to compare with).
bool any_manifest(const fs::path& out) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec))
        if (fs::exists(e.path() / "manifest.json")) return true;
    return false;
}

// Removes a shard folder so that a crash part-way leaves either the whole folder or none of it: renamed aside
// first (atomic), then deleted.
void remove_shard_folder(const fs::path& dir) {
    const fs::path aside = dir.parent_path() / ("." + dir.filename().string() + ".removing");
    std::error_code ec;
    fs::remove_all(aside, ec);
    fs::rename(dir, aside, ec);
    fs::remove_all(aside, ec);
}

// The scene statistics of a sibling shard of the same run (same inputs, parameters, plan and tool version), when
// one has already been computed in `out`: they are the same numbers, and the pass over the whole scene is the one
// piece of work every shard would otherwise repeat.
std::optional<std::map<std::string, double>> sibling_statistics(const fs::path& out, const shard::Manifest& m) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec)) {
        if (!fs::exists(e.path() / "manifest.json")) continue;
        try {
            const shard::Manifest other = shard::read_manifest(e.path());
            if (shard::differences(other, m, false).empty()) return other.thresholds;
        } catch (const Error&) {
            // not a usable manifest: ignore it
        }
    }
    return std::nullopt;
}

[[noreturn]] void throw_unmapped(const config::ProjectConfig& cfg, const std::vector<std::int64_t>& unmapped) {
    throw InputError(fmt::format("{}: class codes {} occur in {} but are not in [habitat.classes]; map every code to "
                                 "a habitat",
                                 cfg.habitat.classes_origin.str(), fmt::join(unmapped, ", "),
                                 cfg.habitat.map->path.filename().string()));
}

StockResult run_shard(const config::ProjectConfig& cfg, const RunContext& ctx, bool with_stock, ShardSpec spec) {
    RunClock clock;
    const int threads = resolve_threads(ctx, cfg.processing.threads);
    const std::int64_t tile = resolve_tile(ctx, cfg.processing.tile);
    const auto compression = choose_compression(cfg.processing.compression, cfg.processing.compression_level, 0);
    ensure_gdal_ready();
    const TileExecutor exec(threads);
    StockInputs inputs = open_stock_inputs(cfg, with_stock, tile);
    std::error_code no_folder;  // the shard makes it below; made now, it holds the inputs' hashes for its siblings
    fs::create_directories(cfg.output_dir, no_folder);
    // The inputs' hashes are needed before the scene statistics only to compare with a checkpoint or a sibling
    // shard. Otherwise they are taken after: hashing touches a few MB of OpenSSL's code, which on top of the
    // statistics pass made a shard's peak memory 2 % higher than one process's (20000^2, one thread).
    const bool compare_first = any_manifest(cfg.output_dir);
    shard::Manifest m = describe(cfg, inputs, with_stock, tile, spec, compare_first);
    const fs::path dir = cfg.output_dir / shard::shard_folder_name(spec.index, spec.count);

    bool resuming = false;
    if (ctx.resume && fs::exists(dir / "manifest.json")) {
        const shard::Manifest old = shard::read_manifest(dir);
        auto diff = shard::differences(old, m, false);
        if (old.index != m.index || old.count != m.count)
            diff.push_back(fmt::format("shard {}/{} vs {}/{}", old.index, old.count, m.index, m.count));
        if (!diff.empty())
            throw ConfigError(fmt::format("--resume: {} holds a checkpoint of another run: {}", dir.string(),
                                          fmt::join(diff, "; ")));
        m.thresholds = old.thresholds;  // computed by the interrupted run from the same inputs
        if (inputs.rules && !inputs.rules->statistics().empty()) inputs.rules->set_statistics(m.thresholds);
        resuming = true;
    }
    StockRunSummary run;
    run.cfg = &cfg;
    run.inputs = &inputs;
    run.with_stock = with_stock;
    run.threads = exec.threads();
    if (inputs.model) run.model_path = *cfg.stock.biomass_model;
    run.timings.inputs = clock.mark();
    // The scene statistics: from the checkpoint or a sibling shard when known; under MPI each rank builds its
    // own tiles' histograms and rank 0 merges them (every rank takes part, whatever it knows).
    const auto known = resuming        ? std::optional(m.thresholds)
                       : compare_first ? sibling_statistics(cfg.output_dir, m)
                                       : std::nullopt;
    if (ctx.ranks) {
        m.thresholds = shared_scene_statistics(inputs, exec, ctx, known);
    } else if (known && !resuming) {
        m.thresholds = *known;
        if (inputs.rules && !inputs.rules->statistics().empty()) inputs.rules->set_statistics(m.thresholds);
    } else if (!resuming) {
        m.thresholds = compute_scene_statistics(inputs, exec, ctx);
    }
    run.timings.statistics = clock.mark();
    if (!compare_first) m.inputs = hash_inputs(input_files(cfg, inputs), hash_cache(cfg.output_dir));
    if (!resuming) {
        remove_shard_folder(dir);
        ensure_writable_dir(dir);
        shard::write_manifest(dir, m);
    }
    run.thresholds = m.thresholds;
    // Hashing the inputs (and writing the manifest) is input work, whether it ran before the statistics or after.
    const auto hashing = clock.mark();
    run.timings.inputs.wall += hashing.wall;
    run.timings.inputs.cpu += hashing.cpu;

    shard::ShardStore store(dir, resuming);
    config::ProjectConfig in_shard = cfg;  // the sinks' (never finished) temporaries stay in the shard folder
    in_shard.output_dir = dir;
    OutputTransaction never_committed;
    StockRasters rasters(in_shard, inputs, m.thresholds, with_stock, compression, never_committed);
    const auto sinks = rasters.all();
    for (auto* s : sinks) s->capture_tiles();
    const std::vector<double> row_area = row_areas(inputs.grid);
    const StockKernel kernel(inputs, cfg.habitat, rasters.sinks(), row_area);

    const auto& plan = *inputs.plan;
    std::vector<std::size_t> todo;
    for (std::size_t t : plan.shard(spec.index, spec.count))
        if (store.done().count(t) == 0) todo.push_back(t);
    std::vector<std::unique_ptr<StockWorker>> workers(static_cast<std::size_t>(exec.threads()));
    std::vector<std::int64_t> unmapped;
    Phase phase(ctx, with_stock ? "stock" : "habitat", static_cast<std::int64_t>(todo.size()));
    exec.run_ordered(
        todo.size(),
        [&](std::size_t p, int slot) {
            phase.check_cancel();
            auto& w = workers[static_cast<std::size_t>(slot)];
            if (!w) w = std::make_unique<StockWorker>(inputs);
            kernel.run(plan.window(todo[p]), *w);
        },
        [&](std::size_t p, int slot) {
            const auto& r = workers[static_cast<std::size_t>(slot)]->result;
            science::merge_unmapped_codes(unmapped, r.unmapped);
            if (unmapped.empty()) {
                const Window w = plan.window(todo[p]);
                std::vector<std::vector<std::byte>> blobs;
                for (auto* s : sinks) blobs.push_back(s->take_tile(w));
                blobs.push_back(encode_sums(r.sums));
                store.append(todo[p], blobs);
            }
            phase.tick();
        });
    phase.finish();
    if (!unmapped.empty()) throw_unmapped(cfg, unmapped);
    run.timings.tiles = clock.mark();
    run.timings.total = clock.total();

    nlohmann::json j;
    j["command"] = m.command;
    j["shard"] = {{"index", spec.index}, {"count", spec.count}, {"first_tile", m.first_tile}, {"end_tile", m.end_tile}};
    j["tiles_computed"] = todo.size();
    j["tiles_resumed"] = (m.end_tile - m.first_tile) - todo.size();
    j["folder"] = dir.string();
    j["threads"] = run.threads;
    j["timings_seconds"] = {{"inputs", run.timings.inputs.wall},
                            {"statistics", run.timings.statistics.wall},
                            {"tiles", run.timings.tiles.wall},
                            {"total", run.timings.total.wall}};
    j["cpu_seconds"] = run.timings.total.cpu;
    j["peak_rss_mb"] = peak_rss_mb();
    StockResult result = make_result(run, j.dump(2), {dir});
    result.output_dir = dir;
    return result;
}

}  // namespace

StockResult run_checkpointed(const config::ProjectConfig& cfg, const RunContext& ctx, bool with_stock) {
    if (ctx.shard) {
        if (ctx.shard->count == 0 || ctx.shard->index >= ctx.shard->count)
            throw RequestError("shard", fmt::format("{}/{}: the index must be below the count (0 <= i < n)",
                                                    ctx.shard->index, ctx.shard->count));
        return run_shard(cfg, ctx, with_stock, *ctx.shard);
    }
    // One checkpointed process: shard 0 of 1, merged, then its folder removed.
    const StockResult shard_run = run_shard(cfg, ctx, with_stock, ShardSpec{0, 1});
    const fs::path dir = shard_run.output_dir;
    StockResult merged = merge_stock_shards(cfg.output_dir, {shard::read_manifest(dir)}, ctx);
    remove_shard_folder(dir);
    std::error_code ec;
    fs::remove(hash_cache(cfg.output_dir), ec);
    return merged;
}

StockResult merge_stock_shards(const fs::path& dir, const std::vector<shard::Manifest>& shards,
                               const RunContext& ctx) {
    RunClock clock;
    const shard::Manifest& m = shards.front();
    const bool with_stock = m.command == "stock";
    config::ProjectConfig cfg = config::load_project(m.project);
    cfg.output_dir = fs::absolute(dir);
    cfg.processing.compression = m.parameters.at("compression");
    cfg.processing.compression_level = std::stoi(m.parameters.at("compression_level"));
    const std::int64_t tile = std::stoll(m.parameters.at("tile"));
    const int threads = resolve_threads(ctx, cfg.processing.threads);
    const auto compression = choose_compression(cfg.processing.compression, cfg.processing.compression_level, 0);
    ensure_gdal_ready();
    const TileExecutor exec(threads);
    StockInputs inputs = open_stock_inputs(cfg, with_stock, tile);
    if (const auto diff = shard::differences(m, describe(cfg, inputs, with_stock, tile, {0, m.count}), false);
        !diff.empty())
        throw InputError(fmt::format("merge: the inputs changed since the shards ran: {}", fmt::join(diff, "; ")));

    std::vector<std::unique_ptr<shard::ShardReader>> readers;
    std::vector<std::pair<std::size_t, std::size_t>> records;  // (reader, k) in plan order
    for (const auto& s : shards) {
        const fs::path sd = dir / shard::shard_folder_name(s.index, s.count);
        readers.push_back(std::make_unique<shard::ShardReader>(sd));
        const auto& tiles = readers.back()->tiles();
        std::vector<std::size_t> sorted(tiles);
        std::sort(sorted.begin(), sorted.end());
        const std::size_t want = s.end_tile - s.first_tile;
        bool ok = sorted.size() == want;
        for (std::size_t k = 0; ok && k < want; ++k) ok = sorted[k] == s.first_tile + k;
        if (!ok)
            throw InputError(fmt::format("merge: {} is unfinished ({} of {} tiles done): run it again with --shard "
                                         "{}/{} --resume",
                                         sd.string(), tiles.size(), want, s.index, s.count));
        // Journal order is plan order for a run that was never resumed; a resumed one appended in plan order
        // after its earlier tiles. Either way, feed the records in plan order.
        std::vector<std::size_t> order(tiles.size());
        for (std::size_t k = 0; k < tiles.size(); ++k) order[k] = k;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return tiles[a] < tiles[b]; });
        for (std::size_t k : order) records.emplace_back(readers.size() - 1, k);
    }

    StockRunSummary run;
    run.cfg = &cfg;
    run.inputs = &inputs;
    run.with_stock = with_stock;
    run.threads = exec.threads();
    run.thresholds = m.thresholds;
    run.input_hash_cache = hash_cache(cfg.output_dir);
    if (inputs.model) run.model_path = *cfg.stock.biomass_model;
    run.timings.inputs = clock.mark();
    run.timings.statistics = clock.mark();

    // Under MPI each rank finishes its share of the rasters (the COG step is most of a merge's time) and rank 0
    // also the tables; every rank stages its files, and they are published once all have.
    const RasterShare share = ctx.ranks ? RasterShare{ctx.ranks->rank(), ctx.ranks->size()} : RasterShare{};
    const bool tables = share.part == 0;
    ensure_writable_dir(cfg.output_dir);
    OutputTransaction transaction;
    StockRasters rasters(cfg, inputs, run.thresholds, with_stock, compression, transaction, share);
    const auto sinks = rasters.all();
    const auto& plan = *inputs.plan;
    science::SceneStockSums scene_sums(inputs.grid.height());
    std::vector<std::optional<science::TileStockSums>> slots(static_cast<std::size_t>(exec.threads()));
    Phase phase(ctx, "merge", static_cast<std::int64_t>(records.size()));
    exec.run_ordered(
        records.size(),
        [&](std::size_t p, int slot) {
            phase.check_cancel();
            const auto [ri, k] = records[p];
            shard::TileRecord rec = readers[ri]->read(k);
            if (rec.blobs.size() != sinks.size() + 1)
                throw InputError(fmt::format("merge: tile {} has {} blobs, {} expected", rec.tile, rec.blobs.size(),
                                             sinks.size() + 1));
            const Window w = plan.window(rec.tile);
            for (std::size_t i = 0; i < sinks.size(); ++i)
                if (sinks[i]) sinks[i]->write_tile(w, rec.blobs[i]);
            if (tables) slots[static_cast<std::size_t>(slot)].emplace(decode_sums(rec.blobs.back()));
        },
        [&](std::size_t, int slot) {
            auto& s = slots[static_cast<std::size_t>(slot)];
            if (s) scene_sums.merge(*s);
            s.reset();
            phase.tick();
        });
    phase.finish();
    run.timings.tiles = clock.mark();
    const std::vector<double> row_area = row_areas(inputs.grid);
    run.habitats = inputs.pools ? scene_sums.summarize(*inputs.pools, row_area) : scene_sums.areas(row_area);
    run.model_fallback_pixels = scene_sums.model_fallback_pixels();
    rasters.finish(ctx, exec.threads());
    run.timings.finish = clock.mark();
    run.timings.total = clock.total();
    std::vector<fs::path> outputs;
    std::string run_json = tables ? write_stock_tables(run, transaction, outputs) : std::string();
    if (ctx.ranks) {
        // Every rank has staged its files: or this throws (another rank failed), and none is published. A rename
        // failing after this point could still leave some ranks' files published without the others'.
        (void)ctx.ranks->combine({}, [](const std::vector<RankGroup::Bytes>&) { return RankGroup::Bytes{}; });
    }
    transaction.commit();
    return make_result(run, std::move(run_json), std::move(outputs));
}

}  // namespace bluecarbon::pipeline::stock
