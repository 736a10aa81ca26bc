// `bluecarbon indices`: spectral indices of one reflectance raster, one float32 COG per index.
#include <bluecarbon/core/block.hpp>
#include <bluecarbon/core/tile_plan.hpp>
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/io/raster_source.hpp>
#include <bluecarbon/science/indices.hpp>
#include <bluecarbon/version.hpp>

#include "cli/cli_context.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bluecarbon::cli {

namespace {

namespace fs = std::filesystem;
using science::Index;
using science::SpectralBand;

constexpr double k_index_nodata = -9999.0;
constexpr int k_deflate_level = 1;

/// Peak resident set size of this process so far [MB] (ru_maxrss is in KiB on Linux).
double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct IndicesOptions {
    fs::path input;
    std::string bands;
    std::string indices;
    fs::path out;
    std::optional<double> scale;
    std::optional<double> offset;
    CommonOptions common;
    CompressionOptions compression;
};

/// `--bands green=1,red=2,nir=nir_b8`: band name -> the file's band (1-based index or band description).
std::map<SpectralBand, std::string> parse_band_map(const std::string& text) {
    std::map<SpectralBand, std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
                throw ConfigError("--bands: expected NAME=BAND items (e.g. green=1,red=2,nir=3,swir1=4), got '" + item +
                                  "'");
            const auto band = science::parse_band(item.substr(0, eq));
            if (!band)
                throw ConfigError("--bands: unknown band name '" + item.substr(0, eq) +
                                  "' (valid: blue, green, red, nir, swir1)");
            if (out.count(*band) != 0)
                throw ConfigError("--bands: band '" + std::string(science::band_name(*band)) + "' given twice");
            out[*band] = item.substr(eq + 1);
        }
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

/// Per-tile result: the statistics of each requested index over the tile.
using TileStats = std::vector<science::IndexStats>;

/// A worker thread's tile buffers: the bands read and one index at a time.
struct TileBuffers {
    std::vector<Block<float>> bands;
    Block<float> out;
};

/// GDAL's block cache for this command. Reads take whole blocks straight into our tiles and the sink writes
/// whole blocks, so the cache only holds blocks in transit; anything more fills with input blocks that are never
/// read again, and peak memory then grows with the raster. Measured (NDVI, 2 threads): peak RSS 2000^2 / 10000^2
/// = 99 / 105 MB with 16 MB, 101 / 123 MB with 32 MB, 101 / 140 MB with 48 MB, at the same speed.
constexpr std::int64_t k_gdal_cache_bytes = 16LL * 1024 * 1024;

void run_indices(const CliContext& ctx, const IndicesOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    ensure_gdal_ready(GdalSetupOptions{k_gdal_cache_bytes});
    const std::vector<Index> indices = science::parse_index_list(o.indices);

    // Which bands are needed, and where each is in the file. Without --bands, bands are found by their
    // description ("green", "red", ...), as the sample's reflectance.tif has them.
    const bool explicit_bands = !o.bands.empty();
    const auto band_map = parse_band_map(o.bands);
    std::array<int, science::k_spectral_band_count> slot{};  // SpectralBand -> selected source band (0-based)
    slot.fill(-1);
    RasterSourceOptions src_opts;
    src_opts.scale = o.scale;
    src_opts.offset = o.offset;
    for (Index idx : indices) {
        for (SpectralBand b : science::required_bands(idx)) {
            auto& s = slot[static_cast<std::size_t>(b)];
            if (s >= 0)
                continue;
            const auto it = band_map.find(b);
            if (explicit_bands && it == band_map.end())
                throw ConfigError(fmt::format("--bands: index {} needs band '{}' (add {}=N to --bands)",
                                              science::index_name(idx), science::band_name(b), science::band_name(b)));
            s = static_cast<int>(src_opts.bands.size());
            src_opts.bands.push_back(it != band_map.end() ? it->second : std::string(science::band_name(b)));
        }
    }

    const auto source = RasterSource::open(o.input, src_opts);
    const Grid& grid = source->grid();
    if (grid.crs().empty())
        throw InputError(o.input.string() + " has no CRS");
    ensure_writable_dir(o.out);

    const TilePlan plan =
        TilePlan::aligned_to_blocks(grid, o.common.tile, o.common.tile, source->block_width(), source->block_height());
    const TileExecutor exec(o.common.threads);

    const auto compression = choose_compression(o.compression, "deflate", 0, k_deflate_level);
    // Every output goes through one transaction: all of them appear at the end, or none.
    OutputTransaction transaction;
    std::vector<std::unique_ptr<RasterSink>> sinks;
    for (Index idx : indices) {
        RasterSinkOptions so;
        so.type = PixelType::float32;
        // Index values are noisy floats: DEFLATE's fastest level stores them within ~0.5 % of level 6's size
        // (10000^2 NDVI: 392 vs 390 MB) at a fraction of the encoding time.
        so.compression = compression.codec;
        so.compression_level = compression.level;
        so.nodata = k_index_nodata;
        so.cog = true;
        so.description = std::string(science::index_name(idx));
        so.overview_resampling = "AVERAGE";
        so.metadata = {{"BLUECARBON_VERSION", k_version},
                       {"BLUECARBON_INDEX", std::string(science::index_name(idx))},
                       {"BLUECARBON_SOURCE", o.input.filename().string()}};
        sinks.push_back(std::make_unique<RasterSink>(o.out / (std::string(science::index_name(idx)) + ".tif"), grid, so,
                                                     &transaction));
    }

    TileStats totals(indices.size());
    const auto progress = make_progress(ctx, o.common, "indices", static_cast<std::int64_t>(plan.size()));
    const auto tiles = plan.all();
    exec.run<TileStats>(
        plan, tiles,
        [&](std::size_t, const Window& w) {
            // Per-thread buffers, reused from tile to tile: fresh tile-sized allocations would cost a page
            // fault and a memset per page on every tile.
            thread_local TileBuffers buf;
            buf.bands.resize(src_opts.bands.size());
            // Each needed band is read once per tile; every index of the tile is computed from these blocks.
            science::BandSpans spans;
            for (std::size_t b = 0; b < science::k_spectral_band_count; ++b) {
                const int s = slot[b];
                if (s < 0)
                    continue;
                auto& blk = buf.bands[static_cast<std::size_t>(s)];
                source->read(s, w, blk);
                spans.set(static_cast<SpectralBand>(b), blk.px, blk.valid);
            }
            const auto n = static_cast<std::size_t>(w.size());
            buf.out.window = w;
            buf.out.px.resize(n);
            buf.out.valid.resize(n);
            TileStats stats(indices.size());
            for (std::size_t i = 0; i < indices.size(); ++i) {
                science::compute_index(indices[i], spans, buf.out.px, buf.out.valid);
                stats[i].add(buf.out.px, buf.out.valid);
                sinks[i]->write(buf.out);
            }
            return stats;
        },
        [&](std::size_t, TileStats&& stats) {
            for (std::size_t i = 0; i < indices.size(); ++i)
                totals[i].merge(stats[i]);
        },
        progress.get());
    progress->finish();
    std::vector<RasterSink*> to_finish;
    for (auto& s : sinks) to_finish.push_back(s.get());
    RasterSink::finish_all(to_finish, exec.threads());
    transaction.commit();

    const double seconds = seconds_since(t0);
    const double mpix = static_cast<double>(grid.pixel_count()) / 1e6;
    const double rss_mb = peak_rss_mb();
    if (o.common.json) {
        nlohmann::ordered_json j;
        j["command"] = "indices";
        j["input"] = o.input.string();
        j["out"] = o.out.string();
        j["width"] = grid.width();
        j["height"] = grid.height();
        j["tile_width"] = plan.tile_width();
        j["tile_height"] = plan.tile_height();
        j["tiles"] = plan.size();
        j["threads"] = exec.threads();
        auto& ji = j["indices"];
        ji = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < indices.size(); ++i) {
            const auto& st = totals[i];
            nlohmann::ordered_json e;
            e["file"] = (o.out / (std::string(science::index_name(indices[i])) + ".tif")).string();
            e["valid_pixels"] = st.valid_pixels();
            e["min"] = st.min() ? nlohmann::ordered_json(*st.min()) : nlohmann::ordered_json(nullptr);
            e["max"] = st.max() ? nlohmann::ordered_json(*st.max()) : nlohmann::ordered_json(nullptr);
            e["mean"] = st.mean() ? nlohmann::ordered_json(*st.mean()) : nlohmann::ordered_json(nullptr);
            ji[std::string(science::index_name(indices[i]))] = e;
        }
        j["wall_seconds"] = seconds;
        j["mpixel_per_s"] = seconds > 0 ? mpix / seconds : 0.0;
        j["peak_rss_mb"] = rss_mb;
        ctx.out << j.dump(2) << '\n';
        return;
    }
    ctx.out << fmt::format("indices: {} x {} pixels, {} tiles of {} x {}, {} threads: {:.2f} s ({:.1f} Mpixel/s), "
                           "peak memory {:.0f} MB\n",
                           grid.width(), grid.height(), plan.size(), plan.tile_width(), plan.tile_height(),
                           exec.threads(), seconds, seconds > 0 ? mpix / seconds : 0.0, rss_mb);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const auto& st = totals[i];
        const std::string name(science::index_name(indices[i]));
        if (st.valid_pixels() == 0) {
            ctx.out << fmt::format("  {:<6} no valid pixels  -> {}\n", name, (o.out / (name + ".tif")).string());
            continue;
        }
        ctx.out << fmt::format("  {:<6} valid {:>12}  min {:>9.4f}  max {:>9.4f}  mean {:>9.4f}  -> {}\n", name,
                               st.valid_pixels(), *st.min(), *st.max(), *st.mean(), (o.out / (name + ".tif")).string());
    }
}

}  // namespace

void add_indices_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<IndicesOptions>();
    CLI::App* cmd = app.add_subcommand(
        "indices", "Spectral indices (NDVI, EVI, SAVI, NDWI, MNDWI, NDMI, MVI) of a reflectance raster, one "
                   "float32 Cloud-Optimised GeoTIFF per index (nodata -9999)");
    cmd->add_option("--input,-i", opts->input, "Reflectance raster (any GDAL format)")->required()->type_name("FILE");
    cmd->add_option("--bands", opts->bands,
                    "Where each band is: NAME=BAND items, BAND a 1-based index or the band's description, e.g. "
                    "green=1,red=2,nir=3,swir1=4[,blue=N] (default: bands found by their descriptions)")
        ->type_name("LIST");
    cmd->add_option("--index", opts->indices, "Indices to compute, comma-separated: ndvi,evi,savi,ndwi,mndwi,ndmi,mvi")
        ->required()
        ->type_name("LIST");
    cmd->add_option("--out,-o", opts->out, "Output folder (DIR/<index>.tif)")->required()->type_name("DIR");
    cmd->add_option("--scale", opts->scale, "Reflectance = DN x scale + offset (default: the file's own scale)")
        ->type_name("S");
    cmd->add_option("--offset", opts->offset, "Reflectance offset (default: the file's own offset)")->type_name("O");
    add_common_options(*cmd, opts->common);
    add_compression_options(*cmd, opts->compression);
    cmd->callback([opts, &ctx] { run_indices(ctx, *opts); });
}

}  // namespace bluecarbon::cli
