// `indices`: each tile's bands read once, every requested index computed from them and written; per-index
// statistics merged in tile order.
#include <bluecarbon/pipeline/indices.hpp>

#include "pipeline/finish_rasters.hpp"
#include "pipeline/phase.hpp"
#include "pipeline/run_clock.hpp"
#include "pipeline/shard/merges.hpp"
#include "pipeline/shard/tile_shards.hpp"

#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/io/stale_temporaries.hpp>
#include <bluecarbon/pipeline/compression.hpp>
#include <bluecarbon/science/reflectance_check.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <memory>

namespace bluecarbon::pipeline {

namespace {

namespace fs = std::filesystem;
using science::Index;
using science::SpectralBand;

constexpr double k_index_nodata = -9999.0;
// Index values are noisy floats: DEFLATE's fastest level stores them within ~0.5 % of level 6's size
// (10000^2 NDVI: 392 vs 390 MB) at a fraction of the encoding time.
constexpr int k_deflate_level = 1;

/// Which source band each spectral band is read from (-1: not needed), and the source's band selectors.
struct BandPlan {
    std::array<int, science::k_spectral_band_count> slot{};
    RasterSourceOptions source;
};

BandPlan plan_bands(const IndicesRequest& rq) {
    BandPlan bp;
    bp.slot.fill(-1);
    bp.source.scale = rq.scale;
    bp.source.offset = rq.offset;
    const bool explicit_bands = !rq.bands.empty();
    for (Index idx : rq.indices) {
        for (SpectralBand b : science::required_bands(idx)) {
            auto& s = bp.slot[static_cast<std::size_t>(b)];
            if (s >= 0) continue;
            const auto it = rq.bands.find(b);
            if (explicit_bands && it == rq.bands.end())
                throw RequestError("bands", fmt::format("index {} needs band '{}' (add {}=N)", science::index_name(idx),
                                                        science::band_name(b), science::band_name(b)));
            s = static_cast<int>(bp.source.bands.size());
            bp.source.bands.push_back(it != rq.bands.end() ? it->second : std::string(science::band_name(b)));
        }
    }
    return bp;
}

fs::path index_file(const IndicesRequest& rq, Index idx) {
    return rq.out / (std::string(science::index_name(idx)) + ".tif");
}

std::vector<std::unique_ptr<RasterSink>> make_sinks(const IndicesRequest& rq, const Grid& grid,
                                                    OutputTransaction& transaction) {
    const auto compression = choose_compression(rq.compression, rq.compression_level, k_deflate_level);
    std::vector<std::unique_ptr<RasterSink>> sinks;
    for (Index idx : rq.indices) {
        RasterSinkOptions so;
        so.type = PixelType::float32;
        so.compression = compression.codec;
        so.compression_level = compression.level;
        so.nodata = k_index_nodata;
        so.cog = true;
        so.description = std::string(science::index_name(idx));
        so.overview_resampling = "AVERAGE";
        so.metadata = {{"BLUECARBON_VERSION", k_version},
                       {"BLUECARBON_INDEX", std::string(science::index_name(idx))},
                       {"BLUECARBON_SOURCE", rq.input.filename().string()}};
        sinks.push_back(std::make_unique<RasterSink>(index_file(rq, idx), grid, so, &transaction));
    }
    return sinks;
}

/// Per-tile result: the statistics of each requested index over the tile, and the implausible reflectance seen.
struct TileStats {
    std::vector<science::IndexStats> index;
    science::ReflectanceCheck reflectance;
};

/// A worker thread's tile buffers: the bands read and one index at a time.
struct TileBuffers {
    std::vector<Block<float>> bands;
    Block<float> out;
};

TileStats compute_tile(const IndicesRequest& rq, const BandPlan& bp, const RasterSource& source,
                       const std::vector<std::unique_ptr<RasterSink>>& sinks, const Window& w) {
    // Per-thread buffers, reused from tile to tile: fresh tile-sized allocations would cost a page fault and a
    // memset per page on every tile.
    thread_local TileBuffers buf;
    buf.bands.resize(bp.source.bands.size());
    TileStats stats;
    stats.index.resize(rq.indices.size());
    // Each needed band is read once per tile; every index of the tile is computed from these blocks.
    science::BandSpans spans;
    for (std::size_t b = 0; b < science::k_spectral_band_count; ++b) {
        const int s = bp.slot[b];
        if (s < 0) continue;
        auto& blk = buf.bands[static_cast<std::size_t>(s)];
        source.read(s, w, blk);
        spans.set(static_cast<SpectralBand>(b), blk.px, blk.valid);
        stats.reflectance.add(blk.px, blk.valid);
    }
    const auto n = static_cast<std::size_t>(w.size());
    buf.out.window = w;
    buf.out.px.resize(n);
    buf.out.valid.resize(n);
    for (std::size_t i = 0; i < rq.indices.size(); ++i) {
        science::compute_index(rq.indices[i], spans, buf.out.px, buf.out.valid);
        stats.index[i].add(buf.out.px, buf.out.valid);
        sinks[i]->write(buf.out);
    }
    return stats;
}

std::string indices_json(const IndicesRequest& rq, const IndicesResult& r) {
    using json = nlohmann::ordered_json;
    json j;
    j["command"] = "indices";
    j["bluecarbon_version"] = k_version;
    j["input"] = rq.input.string();
    j["out"] = rq.out.string();
    j["width"] = r.grid.width();
    j["height"] = r.grid.height();
    j["tile_width"] = r.tile_width;
    j["tile_height"] = r.tile_height;
    j["tiles"] = r.tiles;
    j["threads"] = r.threads;
    auto& ji = j["indices"];
    ji = json::object();
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    for (const auto& o : r.outputs) {
        json e;
        e["file"] = o.file.string();
        e["valid_pixels"] = o.stats.valid_pixels();
        e["min"] = opt(o.stats.min());
        e["max"] = opt(o.stats.max());
        e["mean"] = opt(o.stats.mean());
        ji[std::string(science::index_name(o.index))] = e;
    }
    const double mpix = static_cast<double>(r.grid.pixel_count()) / 1e6;
    j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& o : r.outputs) j["outputs"].push_back(o.file.string());
    j["wall_seconds"] = r.wall_seconds;
    j["mpixel_per_s"] = r.wall_seconds > 0 ? mpix / r.wall_seconds : 0.0;
    j["peak_rss_mb"] = r.peak_rss_mb;
    j["reflectance_above_1_5"] = r.reflectance_above_limit;
    j["warnings"] = r.warnings;
    if (!r.shard.empty()) j["shard"] = r.shard;
    return j.dump(2);
}

IndicesResult make_result(const IndicesRequest& rq, const TilePlan& plan, int threads, const TileStats& totals,
                          std::chrono::steady_clock::time_point t0) {
    IndicesResult r;
    r.grid = plan.grid();
    r.tile_width = plan.tile_width();
    r.tile_height = plan.tile_height();
    r.tiles = plan.size();
    r.threads = threads;
    for (std::size_t i = 0; i < rq.indices.size(); ++i)
        r.outputs.push_back({rq.indices[i], index_file(rq, rq.indices[i]), totals.index[i]});
    r.reflectance_above_limit = totals.reflectance.values_above();
    if (auto w = totals.reflectance.warning("give the reflectance scale (reflectance = DN x scale + offset), e.g. "
                                            "0.0001 for DN in 0..10000, or set it in the file"))
        r.warnings.push_back(*w);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peak_rss_mb = peak_rss_mb();
    r.json = indices_json(rq, r);
    return r;
}

// Shards: the request's every output-shaping field in the manifest, the partial result of a tile its statistics.
shard::Manifest describe(const IndicesRequest& rq, const TilePlan& plan, std::int64_t tile, ShardSpec spec) {
    shard::Manifest m = shard::make_manifest(plan, spec.index, spec.count);
    m.tool_version = k_version;
    m.command = "indices";
    std::string names, bands;
    for (Index idx : rq.indices) {
        names += (names.empty() ? "" : ",") + std::string(science::index_name(idx));
        m.rasters.push_back(index_file(rq, idx).filename().string());
    }
    for (const auto& [b, v] : rq.bands)
        bands += (bands.empty() ? "" : ",") + std::string(science::band_name(b)) + "=" + v;
    const auto opt = [](const std::optional<double>& v) { return v ? shard::exact_text(*v) : std::string(); };
    m.parameters = {{"input", fs::absolute(rq.input).string()}, {"indices", names}, {"bands", bands},
                    {"scale", opt(rq.scale)}, {"offset", opt(rq.offset)}, {"compression", rq.compression},
                    {"compression_level", std::to_string(rq.compression_level)}, {"tile", std::to_string(tile)}};
    m.inputs = hash_inputs({{"input", fs::absolute(rq.input)}});
    return m;
}

std::vector<std::byte> encode_stats(const TileStats& s) {
    ByteWriter w;
    for (const auto& x : s.index) x.save(w);
    s.reflectance.save(w);
    return std::move(w.out);
}

IndicesResult merge_result(const fs::path& dir, const std::vector<shard::Manifest>& shards, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const shard::Manifest& m = shards.front();
    const auto& p = m.parameters;
    IndicesRequest rq;
    rq.input = p.at("input");
    rq.indices = science::parse_index_list(p.at("indices"));
    rq.bands = parse_band_list(p.at("bands"));
    if (!p.at("scale").empty()) rq.scale = shard::from_exact_text(p.at("scale"));
    if (!p.at("offset").empty()) rq.offset = shard::from_exact_text(p.at("offset"));
    rq.compression = p.at("compression");
    rq.compression_level = std::stoi(p.at("compression_level"));
    rq.out = dir;
    const std::int64_t tile = std::stoll(p.at("tile"));
    const BandPlan bp = plan_bands(rq);
    const auto source = RasterSource::open(rq.input, bp.source);
    const TilePlan plan =
        TilePlan::aligned_to_blocks(source->grid(), tile, tile, source->block_width(), source->block_height());
    if (const auto diff = shard::differences(m, describe(rq, plan, tile, {0, m.count}), true); !diff.empty())
        throw InputError(fmt::format("merge: the inputs changed since the shards ran: {}", fmt::join(diff, "; ")));
    const TileExecutor exec(resolve_threads(ctx));
    OutputTransaction transaction;
    const auto sinks = make_sinks(rq, plan.grid(), transaction);
    std::vector<RasterSink*> raw;
    for (const auto& s : sinks) raw.push_back(s.get());
    const shard::MergeRecords records(dir, shards, [&](const shard::Manifest& s) {
        return plan.shard(s.index, s.count);
    });
    TileStats totals;
    totals.index.resize(rq.indices.size());
    shard::replay(records, plan, raw, exec, ctx, [&](std::size_t, std::span<const std::byte> bytes) {
        ByteReader r(bytes);
        for (auto& x : totals.index) x.merge(science::IndexStats::load(r));
        totals.reflectance.merge(science::ReflectanceCheck::load(r));
    });
    finish_rasters(ctx, raw, exec.threads());
    transaction.commit();
    return make_result(rq, plan, exec.threads(), totals, t0);
}

IndicesResult run_sharded(const IndicesRequest& rq, const RunContext& ctx, const BandPlan& bp,
                          const RasterSource& source, const TilePlan& plan, const TileExecutor& exec,
                          std::int64_t tile) {
    const auto t0 = std::chrono::steady_clock::now();
    const ShardSpec spec = shard::spec_of(ctx);
    const fs::path out = fs::absolute(rq.out);
    const shard::Manifest m = describe(rq, plan, tile, spec);
    bool resuming = false;
    const fs::path folder = shard::open_shard_folder(out, m, ctx.resume, resuming);
    shard::ShardRun run;
    {
        IndicesRequest in_shard = rq;  // the sinks' (never finished) temporaries stay in the shard folder
        in_shard.out = folder;
        OutputTransaction never_committed;
        const auto sinks = make_sinks(in_shard, plan.grid(), never_committed);
        std::vector<RasterSink*> raw;
        for (const auto& s : sinks) raw.push_back(s.get());
        run = shard::run_shard_tiles(folder, resuming, plan, plan.shard(spec.index, spec.count), raw, exec, ctx,
                                     "indices", [&](std::size_t t) {
                                         return encode_stats(compute_tile(rq, bp, source, sinks, plan.window(t)));
                                     });
    }
    if (!ctx.shard) {  // a checkpointed run: shard 0 of 1, merged, its folder removed
        IndicesResult r = merge_result(out, {shard::read_manifest(folder)}, ctx);
        shard::remove_shard_folder(folder);
        return r;
    }
    TileStats none;
    none.index.resize(rq.indices.size());
    IndicesResult r = make_result(rq, plan, exec.threads(), none, t0);
    r.outputs.clear();
    r.shard_folder = run.folder;
    r.shard = fmt::format("shard {} of {}: {} tiles computed, {} resumed -> {}", spec.index, spec.count,
                          run.computed, run.resumed, folder.string());
    r.json = indices_json(rq, r);
    return r;
}

}  // namespace

IndicesResult run_indices(const IndicesRequest& rq, const RunContext& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    const TileExecutor exec(resolve_threads(ctx));
    const std::int64_t tile = resolve_tile(ctx);
    if (rq.indices.empty()) throw RequestError("indices", "no index given");
    ensure_gdal_ready();

    // Which bands are needed, and where each is in the file. Without a band map, bands are found by their
    // description ("green", "red", ...), as the sample's reflectance.tif has them.
    const BandPlan bp = plan_bands(rq);
    const auto source = RasterSource::open(rq.input, bp.source);
    const Grid& grid = source->grid();
    if (grid.crs().empty()) throw InputError(rq.input.string() + " has no CRS");
    ensure_writable_dir(rq.out);
    remove_stale_temporaries(rq.out);  // left by runs that were killed
    const TilePlan plan = TilePlan::aligned_to_blocks(grid, tile, tile, source->block_width(), source->block_height());
    if (ctx.shard || ctx.resume) return run_sharded(rq, ctx, bp, *source, plan, exec, tile);

    // Every output goes through one transaction: all of them appear at the end, or none.
    OutputTransaction transaction;
    const auto sinks = make_sinks(rq, grid, transaction);
    TileStats totals;
    totals.index.resize(rq.indices.size());
    Phase phase(ctx, "indices", static_cast<std::int64_t>(plan.size()));
    const auto tiles = plan.all();
    exec.run<TileStats>(
        plan, tiles,
        [&](std::size_t, const Window& w) {
            phase.check_cancel();
            return compute_tile(rq, bp, *source, sinks, w);
        },
        [&](std::size_t, TileStats&& stats) {
            for (std::size_t i = 0; i < rq.indices.size(); ++i) totals.index[i].merge(stats.index[i]);
            totals.reflectance.merge(stats.reflectance);
            phase.tick();
        });
    phase.finish();
    std::vector<RasterSink*> to_finish;
    for (const auto& s : sinks) to_finish.push_back(s.get());
    finish_rasters(ctx, to_finish, exec.threads());
    transaction.commit();

    return make_result(rq, plan, exec.threads(), totals, t0);
}

namespace shard {

Merged merge_indices(const fs::path& dir, const std::vector<Manifest>& shards, const RunContext& ctx) {
    const IndicesResult r = merge_result(dir, shards, ctx);
    return {r.json, summary_text(r)};
}

}  // namespace shard

}  // namespace bluecarbon::pipeline
