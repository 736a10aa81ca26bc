// `zonal --shard I/N` and the merge of its shards: the parcels module's zonal tiles (ZonalTiles) of one shard's
// range, each tile's per-parcel partials (exact sums) journalled; the merge replays every shard's tiles in plan
// order into the per-parcel results and writes the table one process writes.
#include "pipeline/parcels/zonal_shard.hpp"

#include "pipeline/run_clock.hpp"
#include "pipeline/shard/merges.hpp"
#include "pipeline/shard/tile_shards.hpp"

#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;

namespace {

std::string stats_text(const std::vector<parcels::Stat>& stats) {
    std::string t;
    for (auto s : stats) {
        if (!t.empty()) t += ',';
        t += parcels::stat_name(s);
    }
    return t;
}

// The manifest of shard `spec` of the job: every request field that shapes the table, the inputs' hashes.
shard::Manifest describe(const parcels::ZonalRequest& job, const parcels::ZonalTiles& zt, ShardSpec spec) {
    shard::Manifest m = shard::make_manifest(zt.plan(), spec.index, spec.count);
    m.tool_version = k_version;
    m.command = "zonal";
    m.parameters = {{"raster", fs::absolute(job.raster.file).string()},
                    {"band", job.raster.band},
                    {"weights", job.weights ? fs::absolute(job.weights->file).string() : ""},
                    {"weights_band", job.weights ? job.weights->band : ""},
                    {"polygons", fs::absolute(job.polygons).string()},
                    {"layer", job.layer},
                    {"id", job.id_field},
                    {"stats", stats_text(job.stats)},
                    {"min_coverage", shard::exact_text(job.min_coverage)},
                    {"make_valid", job.make_valid ? "1" : "0"},
                    {"out", job.out.filename().string()},
                    {"tile", std::to_string(job.tile_size)}};
    std::vector<std::pair<std::string, fs::path>> files{{"raster", fs::absolute(job.raster.file)}};
    if (job.weights) files.emplace_back("weights", fs::absolute(job.weights->file));
    if (fs::is_regular_file(job.polygons)) files.emplace_back("polygons", fs::absolute(job.polygons));
    m.inputs = hash_inputs(files);
    return m;
}

// The tiles with work in shard `s`'s range.
std::vector<std::size_t> tiles_of(const parcels::ZonalTiles& zt, const shard::Manifest& s) {
    std::vector<std::size_t> t;
    for (std::size_t x : zt.tiles())
        if (x >= s.first_tile && x < s.end_tile) t.push_back(x);
    return t;
}

ZonalResult merge_result(const fs::path& dir, const std::vector<shard::Manifest>& shards, const RunContext& ctx) {
    RunClock clock;
    const shard::Manifest& m = shards.front();
    const auto& p = m.parameters;
    parcels::ZonalRequest job;
    job.raster = {p.at("raster"), p.at("band")};
    if (!p.at("weights").empty()) job.weights = parcels::RasterBandSpec{p.at("weights"), p.at("weights_band")};
    job.polygons = p.at("polygons");
    job.layer = p.at("layer");
    job.id_field = p.at("id");
    job.stats = parcels::parse_stats(p.at("stats"));
    job.min_coverage = shard::from_exact_text(p.at("min_coverage"));
    job.make_valid = p.at("make_valid") == "1";
    job.out = dir / p.at("out");
    job.tile_size = std::stoll(p.at("tile"));
    const parcels::ZonalJobInputs in = parcels::open_zonal_job(job);
    const parcels::ZonalTiles zt(in.rasters(), in.table.geometries, in.options, job.tile_size);
    if (const auto diff = shard::differences(m, describe(job, zt, {0, m.count}), true); !diff.empty())
        throw InputError(fmt::format("merge: the inputs changed since the shards ran: {}", fmt::join(diff, "; ")));
    const TileExecutor exec(resolve_threads(ctx));
    parcels::ZonalRunResult result = zt.empty_result();
    const shard::MergeRecords records(dir, shards, [&](const shard::Manifest& s) { return tiles_of(zt, s); });
    shard::replay(records, zt.plan(), {}, exec, ctx, [&](std::size_t, std::span<const std::byte> partial) {
        for (auto& [i, part] : parcels::decode_tile_partials(partial)) result.parcels.at(i).merge(std::move(part));
    });
    ZonalResult r;
    r.summary = parcels::write_zonal_table(job, in, result);
    r.threads = exec.threads();
    r.tile = job.tile_size;
    (void)clock.mark();
    r.wall_seconds = clock.total().wall;
    r.peak_rss_mb = peak_rss_mb();
    return r;
}

}  // namespace

ZonalResult run_zonal_sharded(const parcels::ZonalRequest& job, const RunContext& ctx) {
    RunClock clock;
    const ShardSpec spec = shard::spec_of(ctx);
    const fs::path out_dir = fs::absolute(job.out).parent_path();
    const parcels::ZonalJobInputs in = parcels::open_zonal_job(job);
    const parcels::ZonalTiles zt(in.rasters(), in.table.geometries, in.options, job.tile_size);
    const shard::Manifest m = describe(job, zt, spec);
    const TileExecutor exec(job.threads);
    const auto tiles = tiles_of(zt, m);
    bool resuming = false;
    const fs::path folder = shard::open_shard_folder(out_dir, m, ctx.resume, resuming);
    const shard::ShardRun run =
        shard::run_shard_tiles(folder, resuming, zt.plan(), tiles, {}, exec, ctx, "zonal", [&](std::size_t t) {
            thread_local std::shared_ptr<parcels::ZonalTiles::Scratch> scratch;
            if (!scratch) scratch = parcels::ZonalTiles::make_scratch();
            return parcels::encode_tile_partials(zt.compute(t, *scratch));
        });
    if (!ctx.shard) {  // a checkpointed run: shard 0 of 1, merged, its folder removed
        ZonalResult r = merge_result(out_dir, {shard::read_manifest(run.folder)}, ctx);
        shard::remove_shard_folder(run.folder);
        return r;
    }
    ZonalResult r;
    r.summary.out = run.folder;
    r.summary.parcels = in.table.size();
    r.summary.tiles = tiles.size();
    r.threads = exec.threads();
    r.tile = job.tile_size;
    r.shard_folder = run.folder;
    r.shard = fmt::format("shard {} of {}: {} tiles computed, {} resumed -> {}", spec.index, spec.count,
                          run.computed, run.resumed, run.folder.string());
    (void)clock.mark();
    r.wall_seconds = clock.total().wall;
    r.peak_rss_mb = peak_rss_mb();
    return r;
}

namespace shard {

Merged merge_zonal(const fs::path& dir, const std::vector<Manifest>& shards, const RunContext& ctx) {
    const ZonalResult r = merge_result(dir, shards, ctx);
    return {to_json(r), summary_text(r)};
}

}  // namespace shard

}  // namespace bluecarbon::pipeline
